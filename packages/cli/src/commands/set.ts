import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { text } from 'node:stream/consumers'
import { CliError, EXIT, type ExitCode } from '../exit-codes.js'
import { type CliIo, line, printJson } from '../io.js'
import type { OpenedStore } from '../stores.js'

export interface SetOptions {
  file?: string
  keepNewline?: boolean
  json?: boolean
}

/**
 * Writes one secret. The value comes from `--file` or stdin, never from the command line (which lands
 * in shell history and `ps`). One trailing newline is dropped (what `echo` and editors add) unless
 * `--keep-newline`.
 */
export async function setCommand(io: CliIo, opened: OpenedStore, name: string, options: SetOptions): Promise<ExitCode> {
  let value: string
  if (options.file !== undefined) {
    value = await readFile(resolve(io.cwd, options.file), 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new CliError(`cannot read ${options.file}: ${err.code ?? err.message}`)
    })
  } else {
    if (io.stdin.isTTY) line(io.stderr, `Type the value of ${name}, then Enter and Ctrl-D.`)
    value = await text(io.stdin)
  }
  if (!options.keepNewline) value = value.replace(/\r?\n$/, '')
  if (value === '') throw new CliError('the value is empty: pipe it on stdin or pass --file <path>')
  await opened.store.setSecret(name, value)
  if (options.json) printJson(io, { store: opened.label, name, written: true })
  else line(io.stdout, `set ${name} in ${opened.label}`)
  return EXIT.ok
}
