import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type ProxiedRequest, startFaultProxy } from '@secret-store/testkit'

export interface RecordedRequest {
  method: string
  /** The path as sent, percent-encoding kept, without the `/v1/` prefix. */
  path: string
  headers: IncomingMessage['headers']
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
}

const record = (req: IncomingMessage): RecordedRequest => ({
  method: req.method ?? '',
  path: (req.url ?? '').replace(/^\/v1\//, ''),
  headers: req.headers,
})

export interface CountingProxy {
  endpoint: string
  /** Every request that reached the proxy, in arrival order. */
  readonly requests: readonly RecordedRequest[]
  /** The most requests that were in flight at the same time since the last `reset()`. */
  readonly maxInFlight: number
  reset(): void
  close(): Promise<void>
}

/**
 * The testkit's fault proxy in front of a real server, counting every request (not only reads) and
 * showing paths as Vault's API names them (without `/v1/`). `holdMs` keeps each request open a little so
 * that overlapping requests do overlap; `before` runs before a request is forwarded (to inject a
 * concurrent change on the real server).
 */
export async function startCountingProxy(
  target: string,
  options: { holdMs?: number; before?: (req: RecordedRequest) => Promise<void> } = {},
): Promise<CountingProxy> {
  const proxy = await startFaultProxy({ target, isRead: () => true })
  const { before, holdMs } = options
  if (before !== undefined) proxy.inject({ kind: 'before', run: (request) => before(recorded(request)) })
  if (holdMs !== undefined) proxy.inject({ kind: 'delay', ms: holdMs })
  return {
    endpoint: proxy.url,
    get requests() {
      return proxy.stats.log.map(recorded)
    },
    get maxInFlight() {
      return proxy.stats.peakReads
    },
    reset: () => proxy.resetRequestStats(),
    close: () => proxy.close(),
  }
}

const recorded = (request: ProxiedRequest): RecordedRequest => ({
  method: request.method,
  path: request.path.replace(/^\/v1\//, ''),
  headers: request.headers,
})

export interface StubAnswer {
  status: number
  body?: unknown
  headers?: Record<string, string>
  /** Never answer (to provoke a client timeout). */
  hang?: boolean
}

export interface StubVault {
  endpoint: string
  readonly requests: RecordedRequest[]
  close(): Promise<void>
}

/** A tiny HTTP server that answers like Vault would in states a dev server cannot reach (429, 503, ...). */
export async function startStubVault(answer: (req: RecordedRequest) => StubAnswer): Promise<StubVault> {
  const requests: RecordedRequest[] = []
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const recorded = record(req)
    requests.push(recorded)
    req.resume()
    req.on('end', () => {
      const { status, body, headers, hang } = answer(recorded)
      if (hang) return
      res.writeHead(status, { 'content-type': 'application/json', ...headers })
      res.end(body === undefined ? '' : JSON.stringify(body))
    })
  })
  const endpoint = await listen(server)
  return { endpoint, requests, close: () => close(server) }
}
