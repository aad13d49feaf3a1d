import type { Readable, Writable } from 'node:stream'

/** A terminal-aware output stream (`process.stdout` fits). */
export type OutputStream = Writable & { isTTY?: boolean; columns?: number }

/** What a command reads and writes: the process's streams, or captured ones in tests. */
export interface CliIo {
  stdin: Readable & { isTTY?: boolean }
  stdout: OutputStream
  stderr: OutputStream
  env: Record<string, string | undefined>
  /** Where relative paths (the config file, `.env` files, copy journals) are resolved. */
  cwd: string
  /** Aborted on Ctrl-C: long commands stop at the next safe point. */
  signal?: AbortSignal
}

/** The real process as a `CliIo`. */
export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal,
  }
}

/** Writes one line to `stream`. */
export function line(stream: Writable, text = ''): void {
  stream.write(`${text}\n`)
}

/** Prints `value` as one JSON document on stdout (the only thing `--json` prints there). */
export function printJson(io: CliIo, value: unknown): void {
  line(io.stdout, JSON.stringify(value, null, 2))
}

/** Left-aligned columns, two spaces apart. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = []
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length)
  }
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '))
    .join('\n')
}
