import { createInterface } from 'node:readline/promises'
import { CliError, EXIT, type ExitCode } from '../exit-codes.js'
import { type CliIo, line, printJson } from '../io.js'
import type { OpenedStore } from '../stores.js'

export interface RmOptions {
  purge?: boolean
  yes?: boolean
  json?: boolean
}

/**
 * Removes secrets, recoverably by default where the backend can recover (the store's `purgeOnRemove`
 * is overridden). `--purge` deletes irreversibly and asks first on a terminal; elsewhere it needs `--yes`.
 */
export async function rmCommand(
  io: CliIo,
  opened: OpenedStore,
  names: string[],
  options: RmOptions,
): Promise<ExitCode> {
  const purge = options.purge === true
  if (purge && !options.yes) {
    if (!io.stdin.isTTY) throw new CliError('--purge deletes for good: add --yes to confirm when not on a terminal')
    const prompt = createInterface({ input: io.stdin, output: io.stderr })
    const answer = await prompt.question(
      `Delete ${names.length} secret(s) from ${opened.label} irreversibly? Type "yes": `,
    )
    prompt.close()
    if (answer.trim() !== 'yes') throw new CliError('not confirmed: nothing was deleted')
  }
  const recoverable = !purge && opened.store.capabilities.recoverableDelete
  const removed: string[] = []
  for (const name of names) {
    await opened.store.removeSecret(name, { purge })
    removed.push(name)
    if (!options.json)
      line(
        io.stdout,
        `removed ${name} from ${opened.label}${recoverable ? ' (recoverable)' : purge ? ' (purged)' : ''}`,
      )
  }
  if (options.json) printJson(io, { store: opened.label, removed, purged: purge, recoverable })
  return EXIT.ok
}
