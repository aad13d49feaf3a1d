/**
 * Starts a throwaway moto server (an AWS emulator, in memory) for integration tests.
 * Requires `moto_server` on PATH, e.g. via `pip install 'moto[server]'`.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { accessSync, constants as fsConstants, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { delimiter, join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'

export interface MotoServer {
  /** `http://127.0.0.1:<port>`, for the SDK client's `endpoint`. */
  endpoint: string
  stop(): Promise<void>
}

const HOST = '127.0.0.1'
const POLL_INTERVAL_MS = 100
const STARTUP_TIMEOUT_MS = 30_000
const STOP_GRACE_MS = 5_000
// moto logs one line per request; keep only the tail for the startup failure message.
const MAX_OUTPUT_CHARS = 64 * 1024
// The free port is released before moto binds it, so another process can win the race.
const MAX_PORT_ATTEMPTS = 3

export async function startMoto(): Promise<MotoServer> {
  const binary = findOnPath('moto_server')
  if (!binary) {
    throw new Error("moto_server not found on PATH. Install it with: pip install 'moto[server]'")
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary, await findFreePort())
    } catch (err) {
      if (!(err instanceof PortInUseError) || attempt >= MAX_PORT_ATTEMPTS) throw err
    }
  }
}

class PortInUseError extends Error {}

async function startOnce(binary: string, port: number): Promise<MotoServer> {
  const endpoint = `http://${HOST}:${port}`
  const child = spawn(binary, ['-H', HOST, '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] })

  // Pipes must be drained continuously or moto blocks once the OS pipe buffer fills.
  let output = ''
  const capture = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT_CHARS)
  }
  child.stdout?.on('data', capture)
  child.stderr?.on('data', capture)

  const exited = waitForExit(child)
  let exit: ExitInfo | undefined
  void exited.then((info) => {
    exit = info
  })

  // If the test process dies without calling stop(), don't leave an orphaned server holding the port.
  const killOnExit = (): void => {
    child.kill('SIGKILL')
  }
  process.once('exit', killOnExit)

  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (!exit) {
        child.kill('SIGTERM')
        // Cancel the grace timer once moto exits so it doesn't hold the event loop open.
        const grace = new AbortController()
        const graceful = await Promise.race([
          exited,
          delay(STOP_GRACE_MS, undefined, { signal: grace.signal }).catch(() => undefined),
        ])
        grace.abort()
        if (!graceful) {
          child.kill('SIGKILL')
          await exited
        }
      }
      process.removeListener('exit', killOnExit)
    })()
    return stopping
  }

  const deadline = Date.now() + STARTUP_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (exit) {
      await stop()
      const message = `moto_server exited during startup (${describeExit(exit)}).\n--- moto output ---\n${output}`
      throw /address already in use|is in use by another program/i.test(output)
        ? new PortInUseError(message)
        : new Error(message)
    }
    if (await isHealthy(endpoint)) return { endpoint, stop }
    // Racing against exit means a crashed server is reported immediately rather than after the next tick.
    await Promise.race([delay(POLL_INTERVAL_MS), exited])
  }

  await stop()
  throw new Error(
    `moto_server at ${endpoint} did not become healthy within ${STARTUP_TIMEOUT_MS} ms.\n--- moto output ---\n${output}`,
  )
}

async function isHealthy(endpoint: string): Promise<boolean> {
  try {
    // moto's own API: answers only once the server is up, and proves the port is moto's, not another program's.
    const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(1_000) })
    await res.body?.cancel()
    return res.status === 200
  } catch {
    // Connection refused until the listener is up.
    return false
  }
}

interface ExitInfo {
  code: number | null
  signal: NodeJS.Signals | null
}

function waitForExit(child: ChildProcess): Promise<ExitInfo> {
  return new Promise((resolve) => {
    // 'error' covers spawn failures (e.g. EACCES) where 'exit' never fires.
    child.once('error', () => resolve({ code: null, signal: null }))
    child.once('exit', (code, signal) => resolve({ code, signal }))
  })
}

function describeExit({ code, signal }: ExitInfo): string {
  if (signal) return `signal ${signal}`
  if (code !== null) return `exit code ${code}`
  return 'failed to spawn'
}

function findFreePort(): Promise<number> {
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

function findOnPath(name: string): string | undefined {
  const extensions = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE').split(';') : ['']
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    for (const ext of extensions) {
      const candidate = join(dir, name + ext)
      try {
        // statSync guards against a directory of that name, which passes the X_OK check.
        if (!statSync(candidate).isFile()) continue
        accessSync(candidate, fsConstants.X_OK)
        return candidate
      } catch {
        // Not present or not executable in this PATH entry; keep looking.
      }
    }
  }
  return undefined
}
