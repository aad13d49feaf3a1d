import { EXIT, type ExitCode } from '../exit-codes.js'
import { type CliIo, line, printJson } from '../io.js'
import type { OpenedStore } from '../stores.js'

export interface ListOptions {
  prefix?: string
  json?: boolean
}

/** The names a store holds under `--prefix`, one per line as they stream in (`--json`: one array). */
export async function listCommand(io: CliIo, opened: OpenedStore, options: ListOptions): Promise<ExitCode> {
  const names: string[] = []
  for await (const name of opened.store.listSecretNames({ prefix: options.prefix ?? '' })) {
    if (options.json) names.push(name)
    else line(io.stdout, name)
  }
  if (options.json) printJson(io, { store: opened.label, prefix: options.prefix ?? '', names })
  return EXIT.ok
}
