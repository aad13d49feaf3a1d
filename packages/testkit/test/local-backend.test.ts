import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import {
  freeLoopbackPort,
  type LocalBackend,
  LocalBackendError,
  type LocalBackendOptions,
  startLocalBackend,
} from '../src/index.js'

// The backend in these tests is a tiny node child process: an HTTP server on the port it is given.
const SERVER = `
const port = Number(process.argv.at(-1))
if (process.env.IGNORE_SIGTERM === '1') process.on('SIGTERM', () => {})
require('node:http')
  .createServer((req, res) => res.end('ok'))
  .listen(port, '127.0.0.1', () => console.log('listening on ' + port))
`

const answers = async (port: number): Promise<boolean> => {
  const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) })
  return res.status === 200 && (await res.text()) === 'ok'
}

const nodeBackend = (overrides: Partial<LocalBackendOptions> = {}): LocalBackendOptions => ({
  name: 'test server',
  command: process.execPath,
  args: (port) => ['-e', SERVER, String(port)],
  installHint: 'install node',
  healthCheck: answers,
  startupTimeoutMs: 10_000,
  ...overrides,
})

const started: LocalBackend[] = []
afterEach(async () => {
  for (const backend of started.splice(0)) await backend.stop()
})

const tmp = mkdtempSync(join(tmpdir(), 'local-backend-'))
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

async function start(options: LocalBackendOptions): Promise<LocalBackend> {
  const backend = await startLocalBackend(options)
  started.push(backend)
  return backend
}

async function startFailure(options: LocalBackendOptions): Promise<LocalBackendError> {
  const error = await startLocalBackend(options).then(
    (backend) => {
      started.push(backend)
      throw new Error('expected the start to fail')
    },
    (err: unknown) => err,
  )
  expect(error).toBeInstanceOf(LocalBackendError)
  return error as LocalBackendError
}

describe('freeLoopbackPort', () => {
  it('returns a port that can be bound on 127.0.0.1', async () => {
    const port = await freeLoopbackPort()
    expect(Number.isInteger(port) && port > 0 && port < 65_536).toBe(true)
    const { createServer } = await import('node:net')
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', resolve)
    })
    await new Promise((resolve) => server.close(resolve))
  })
})

describe('startLocalBackend', () => {
  it('starts the backend on a free loopback port and resolves once it answers its health check', async () => {
    const backend = await start(nodeBackend())
    expect(await answers(backend.port)).toBe(true)
    expect(backend.output()).toContain(`listening on ${backend.port}`)
  })

  it('stop() ends the process, and a second stop() is harmless', async () => {
    const backend = await start(nodeBackend())
    await backend.stop()
    await expect(answers(backend.port)).rejects.toThrow()
    await backend.stop()
  })

  it('stop() sends SIGKILL when the process ignores SIGTERM for the grace period', async () => {
    const backend = await start(nodeBackend({ env: { ...process.env, IGNORE_SIGTERM: '1' }, stopGraceMs: 200 }))
    const begun = Date.now()
    await backend.stop()
    expect(Date.now() - begun).toBeGreaterThanOrEqual(150)
    await expect(answers(backend.port)).rejects.toThrow()
  })

  it('fails with the install hint when the command is not on PATH', async () => {
    const error = await startFailure(
      nodeBackend({ command: 'secret-store-no-such-backend', installHint: 'pip install no-such-backend' }),
    )
    expect(error.message).toBe(
      'test server: secret-store-no-such-backend not found on PATH. Install it with: pip install no-such-backend',
    )
    expect(error.failure).toEqual({
      reason: 'missing',
      name: 'test server',
      command: 'secret-store-no-such-backend',
      installHint: 'pip install no-such-backend',
    })
  })

  it('fails with the install hint when a command given as a path does not exist', async () => {
    const missing = join(tmp, 'no-such-binary')
    const error = await startFailure(nodeBackend({ command: missing }))
    expect(error.message).toBe(`test server: ${missing} not found. Install it with: install node`)
  })

  it('fails with the exit and the output tail when the process exits during startup', async () => {
    const error = await startFailure(
      nodeBackend({
        args: () => ['-e', 'console.log("starting"); console.error("fatal: bad configuration"); process.exit(3)'],
      }),
    )
    expect(error.message).toMatch(/^test server exited during startup \(exit code 3\)\.\n--- test server output ---\n/)
    expect(error.message).toContain('starting')
    expect(error.message).toContain('fatal: bad configuration')
    expect(error.failure).toMatchObject({ reason: 'exited', code: 3, signal: null, exit: 'exit code 3' })
  })

  it('keeps only the tail of the output', async () => {
    const error = await startFailure(
      nodeBackend({
        args: () => ['-e', 'console.log("head-" + "x".repeat(500) + "-tail"); process.exit(1)'],
        outputLimit: 10,
      }),
    )
    expect(error.failure.reason === 'exited' && error.failure.output).toBe('xxxx-tail\n')
  })

  it('times out with a clear error when the health check never passes, and stops the process', async () => {
    let port: number | undefined
    const begun = Date.now()
    const error = await startFailure(
      nodeBackend({
        startupTimeoutMs: 400,
        healthCheck: async (p) => {
          port = p
          return false
        },
      }),
    )
    expect(Date.now() - begun).toBeLessThan(5_000)
    expect(port).toBeDefined()
    expect(error.message).toMatch(
      new RegExp(
        `^test server on port ${port} did not become healthy within 400 ms\\.\\n--- test server output ---\\n`,
      ),
    )
    expect(error.failure).toMatchObject({ reason: 'timeout', port, timeoutMs: 400 })
    await expect(answers(port as number)).rejects.toThrow()
  })

  it('does not let a hanging health check hold the start past its deadline', async () => {
    const begun = Date.now()
    const error = await startFailure(
      nodeBackend({ startupTimeoutMs: 300, healthCheck: () => new Promise<boolean>(() => {}) }),
    )
    expect(error.failure.reason).toBe('timeout')
    expect(Date.now() - begun).toBeLessThan(5_000)
  })

  it('counts a rejecting health check as "not yet"', async () => {
    let probes = 0
    const backend = await start(
      nodeBackend({
        healthCheck: async (port) => {
          probes++
          if (probes < 3) throw new Error('connection refused')
          return answers(port)
        },
        pollIntervalMs: 10,
      }),
    )
    expect(probes).toBeGreaterThanOrEqual(3)
    expect(await answers(backend.port)).toBe(true)
  })

  it('starts again on another port when the output says the port was taken', async () => {
    const marker = join(tmp, 'taken-once')
    // The first start claims the port is taken; the second serves.
    const script = `
const fs = require('node:fs')
if (!fs.existsSync(${JSON.stringify(marker)})) {
  fs.writeFileSync(${JSON.stringify(marker)}, '')
  console.error('listen EADDRINUSE: address already in use')
  process.exit(1)
}
${SERVER}`
    const ports: number[] = []
    const backend = await start(
      nodeBackend({
        args: (port) => {
          ports.push(port)
          return ['-e', script, String(port)]
        },
      }),
    )
    expect(ports).toHaveLength(2)
    expect(backend.port).toBe(ports[1])
    expect(await answers(backend.port)).toBe(true)
  })

  it('gives up after three starts that all find the port taken', async () => {
    let starts = 0
    const error = await startFailure(
      nodeBackend({
        args: () => {
          starts++
          return ['-e', 'console.error("port is busy"); process.exit(1)']
        },
        portInUse: /port is busy/,
      }),
    )
    expect(starts).toBe(3)
    expect(error.message).toContain('port is busy')
  })

  it('words failures with failureMessage and hands every chunk of output to onOutput', async () => {
    const chunks: string[] = []
    const error = await startFailure(
      nodeBackend({
        args: () => ['-e', 'console.log("tell me"); process.exit(2)'],
        onOutput: (chunk) => chunks.push(chunk.toString('utf8')),
        failureMessage: (failure) =>
          failure.reason === 'exited' ? `custom: ${failure.exit}, ${failure.output.trim()}` : 'other',
      }),
    )
    expect(error.message).toBe('custom: exit code 2, tell me')
    expect(chunks.join('')).toBe('tell me\n')
  })
})
