import { isSecretStoreError } from '@secret-store/core'
import { CliError, EXIT, type ExitCode } from './exit-codes.js'

/** One line about `error`: a store error's code and message (they never hold values), or the message. */
export function describeError(error: unknown): string {
  if (isSecretStoreError(error)) return `${error.code}: ${error.message}`
  if (error instanceof Error) return error.message
  return String(error)
}

/** The exit code for an error that ended a command. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliError) return error.code
  // A bad store option, or an operation the config does not enable: fixed in the config, not the backend.
  if (isSecretStoreError(error)) {
    return error.code === 'CONFIGURATION' || error.code === 'OPERATION_DISABLED' ? EXIT.usage : EXIT.backend
  }
  return EXIT.backend
}

/** What `--json` prints for an error. */
export function errorJson(error: unknown): { code: string; message: string } {
  if (isSecretStoreError(error)) return { code: error.code, message: error.message }
  return { code: error instanceof CliError ? 'USAGE' : 'ERROR', message: describeError(error) }
}
