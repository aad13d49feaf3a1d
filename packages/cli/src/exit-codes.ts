/**
 * The exit codes of `secret-store`, for scripts. Documented in the README; `--json` output carries the
 * same outcome in its fields.
 */
export const EXIT = Object.freeze({
  /** Everything asked for was done, and nothing was found wrong. */
  ok: 0,
  /** The command ran and found something: a missing name (`get`), a difference (`diff`), a failed probe (`check`), a name not copied (`copy`). */
  findings: 1,
  /** Bad usage or configuration: unknown option or store, invalid config file, an operation the config does not enable, a refused confirmation. */
  usage: 2,
  /** A backend operation failed: unreachable, access denied, an invalid name or value. */
  backend: 3,
  /** Interrupted (Ctrl-C); `copy` can be resumed by running it again. */
  interrupted: 130,
})

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** A failure the command reports in one line and ends with `code`. Never holds a secret value. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: ExitCode = EXIT.usage,
  ) {
    super(message)
    this.name = 'CliError'
  }
}
