import { CliError, EXIT, type ExitCode } from '../exit-codes.js'
import { type CliIo, line, printJson, table } from '../io.js'
import type { OpenedStore } from '../stores.js'

export interface GetOptions {
  reveal?: boolean
  json?: boolean
}

/**
 * Whether each name exists. Values only with `--reveal`: one name's value alone on stdout (no newline
 * added, so it pipes as is), or with `--json` an object of all of them. Exit 1 when a name is missing.
 */
export async function getCommand(
  io: CliIo,
  opened: OpenedStore,
  names: string[],
  options: GetOptions,
): Promise<ExitCode> {
  if (options.reveal && !options.json && names.length !== 1) {
    throw new CliError('--reveal prints one value alone: give one name, or add --json for several')
  }
  const values = await opened.store.getSecretWith({ forceFetch: true }, ...names)
  const missing = names.filter((name) => values[name] === undefined)
  const code = missing.length > 0 ? EXIT.findings : EXIT.ok
  if (options.reveal) {
    if (options.json)
      printJson(io, { store: opened.label, values: Object.fromEntries(names.map((n) => [n, values[n] ?? null])) })
    else if (values[names[0] as string] !== undefined) io.stdout.write(values[names[0] as string] as string)
    else line(io.stderr, `${names[0]}: missing in ${opened.label}`)
    return code
  }
  if (options.json) {
    printJson(io, { store: opened.label, secrets: names.map((name) => ({ name, exists: values[name] !== undefined })) })
  } else {
    line(io.stdout, table(names.map((name) => [name, values[name] === undefined ? 'missing' : 'exists'])))
  }
  return code
}
