import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

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
  readonly requests: RecordedRequest[]
  /** The most requests that were in flight at the same time since the last `reset()`. */
  readonly maxInFlight: number
  reset(): void
  close(): Promise<void>
}

/**
 * A pass-through proxy in front of a real server that records requests and gauges concurrency.
 * `holdMs` keeps each request open a little so that overlapping requests do overlap; `before` runs
 * before a request is forwarded (to inject a concurrent change on the real server).
 */
export async function startCountingProxy(
  target: string,
  options: { holdMs?: number; before?: (req: RecordedRequest) => Promise<void> } = {},
): Promise<CountingProxy> {
  const requests: RecordedRequest[] = []
  let inFlight = 0
  let maxInFlight = 0
  const server = createServer((req, res) => {
    const recorded = record(req)
    requests.push(recorded)
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    res.on('close', () => {
      inFlight--
    })
    const body: Buffer[] = []
    req.on('data', (chunk: Buffer) => body.push(chunk))
    req.on('end', () => {
      void forward().catch(() => res.destroy())
    })
    const forward = async () => {
      if (options.holdMs) await new Promise((resolve) => setTimeout(resolve, options.holdMs))
      await options.before?.(recorded)
      const upstream = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      upstream.on('error', () => res.destroy())
      upstream.end(Buffer.concat(body))
    }
  })
  const endpoint = await listen(server)
  return {
    endpoint,
    requests,
    get maxInFlight() {
      return maxInFlight
    },
    reset() {
      requests.length = 0
      maxInFlight = inFlight
    },
    close: () => close(server),
  }
}

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
