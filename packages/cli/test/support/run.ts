import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { type CliConfig, main } from '../../src/index.js'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  cwd: string
  /** What the command reads on stdin. @default nothing (an empty pipe) */
  stdin?: string
  /** Pretend stdin / stderr is a terminal. */
  stdinTTY?: boolean
  stderrTTY?: boolean
  env?: Record<string, string | undefined>
  signal?: AbortSignal
}

const capture = (tty: boolean) => {
  const stream = Object.assign(new PassThrough(), { isTTY: tty, columns: 100 })
  const chunks: Buffer[] = []
  stream.on('data', (chunk: Buffer) => chunks.push(chunk))
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') }
}

/** Runs `secret-store <argv>` in this process with captured streams. */
export async function runCli(argv: string[], options: RunOptions): Promise<CliRun> {
  const stdout = capture(false)
  const stderr = capture(options.stderrTTY === true)
  const stdin = Object.assign(Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]), {
    isTTY: options.stdinTTY === true,
  })
  const code = await main(argv, {
    stdin,
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: options.env ?? {},
    cwd: options.cwd,
    signal: options.signal,
  })
  return { code, stdout: stdout.text(), stderr: stderr.text() }
}

/** A fresh directory holding `secret-store.config.json` with `config`. */
export function configDir(config: CliConfig): string {
  const dir = mkdtempSync(join(tmpdir(), 'secret-store-cli-'))
  writeFileSync(join(dir, 'secret-store.config.json'), JSON.stringify(config, null, 2))
  return dir
}
