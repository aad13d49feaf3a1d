/**
 * A loopback HTTP(S) proxy between a store and its backend that counts requests and injects faults:
 * TCP-level (reset, blackhole, drip, cut mid-response) and HTTP-level (a status, a foreign body, a
 * delay). It serves the contract suite's read counts and fault section, and your own tests.
 */
import { once } from 'node:events'
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import https from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { TEST_CERTIFICATE } from './test-certificate.js'

/** A request as the proxy saw it. */
export interface ProxiedRequest {
  readonly method: string
  /** Path and query. */
  readonly path: string
  readonly headers: IncomingHttpHeaders
}

export type Fault =
  /** Close the connection with a TCP reset before any answer. */
  | { kind: 'reset' }
  /** Accept the request and never answer. */
  | { kind: 'blackhole' }
  /** Answer 200 with headers at once, then one body byte every `intervalMs`, never finishing. */
  | { kind: 'drip'; intervalMs?: number }
  /** Forward to the backend, then cut the connection halfway through its answer's body. */
  | { kind: 'cut' }
  /** Answer with this status (and headers and body) instead of the backend. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Forward to the backend after a delay. */
  | { kind: 'delay'; ms: number }
  /**
   * Run `run` first (say, a rival writer's change on the backend, between a store's read and its write),
   * then forward the request. A `run` that throws drops the connection.
   */
  | { kind: 'before'; run(request: ProxiedRequest): Promise<void> | void }

export interface InjectOptions {
  /** How many matching requests get the fault. @default every one until `clear()` */
  times?: number
  /** Which requests get it. @default every request */
  match?(request: ProxiedRequest): boolean
}

export interface FaultProxyOptions {
  /** The backend's base URL (`http:` or `https:`). */
  target: string
  /** CA of an `https:` backend. */
  targetCa?: string
  /** Serve TLS to the store, with `TEST_CERTIFICATE` (trust `proxy.ca`). @default false */
  tls?: boolean
  /** Which requests are reads, for `stats.reads` and `stats.peakReads`. @default GET requests */
  isRead?(request: ProxiedRequest): boolean
}

export interface RequestStats {
  /** Requests received. */
  readonly requests: number
  /** Read requests received. */
  readonly reads: number
  /** The most read requests in flight at once. */
  readonly peakReads: number
  /** Every request received, in order. */
  readonly log: readonly ProxiedRequest[]
}

export interface FaultProxy {
  /** Base URL to point the store at. */
  readonly url: string
  /** PEM the store must trust when the proxy serves TLS. */
  readonly ca: string | undefined
  readonly stats: RequestStats
  /** Reads and peak reads in flight, in the shape the contract suite's back door reports them. */
  requestStats(): { reads: number; peakReads: number }
  /** Zeroes the statistics. */
  resetRequestStats(): void
  /** Applies `fault` to matching requests from now on. Faults are tried in the order injected. */
  inject(fault: Fault, options?: InjectOptions): void
  /** Removes every fault and drops the connections a blackhole or drip was holding. */
  clear(): void
  /** Stops listening and destroys every open connection. */
  close(): Promise<void>
}

interface Armed {
  fault: Fault
  left: number
  match: ((request: ProxiedRequest) => boolean) | undefined
}

/** Starts a fault proxy on a free loopback port. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target)
  const isRead = options.isRead ?? ((request: ProxiedRequest) => request.method === 'GET')
  const client = target.protocol === 'https:' ? https : http
  const agent = new client.Agent({ keepAlive: true, ...(options.targetCa ? { ca: options.targetCa } : {}) })
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  /** Connections held open by a blackhole or drip: `clear()` lets them go. */
  const held = new Set<Socket>()
  /** Bumped by `resetRequestStats()`: only reads of the current epoch count as in flight. */
  let epoch = 0
  let armed: Armed[] = []
  let log: ProxiedRequest[] = []
  let reads = 0
  let readsInFlight = 0
  let peakReads = 0

  const take = (request: ProxiedRequest): Fault | undefined => {
    const entry = armed.find((a) => a.left > 0 && (a.match === undefined || a.match(request)))
    if (entry === undefined) return undefined
    entry.left--
    return entry.fault
  }

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, cut: boolean) => {
    const upstream = client.request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: `${target.pathname.replace(/\/$/, '')}${req.url ?? '/'}`,
        headers: { ...req.headers, host: target.host },
        agent,
      },
      (answer) => {
        if (!cut) {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
          return
        }
        const chunks: Buffer[] = []
        answer.on('data', (chunk: Buffer) => chunks.push(chunk))
        answer.on('end', () => {
          const full = Buffer.concat(chunks)
          const headers = { ...answer.headers, 'content-length': String(Math.max(full.length, 2)) }
          delete headers['transfer-encoding']
          res.writeHead(answer.statusCode ?? 200, headers)
          res.write(full.subarray(0, Math.floor(full.length / 2)))
          // Give the half a moment to leave before the reset.
          const timer = setTimeout(() => req.socket.destroy(), 20)
          timers.add(timer)
        })
      },
    )
    upstream.on('error', () => req.socket.destroy())
    upstream.end(body)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const request: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers }
    log.push(request)
    const read = isRead(request)
    if (read) {
      const mine = epoch
      reads++
      readsInFlight++
      peakReads = Math.max(peakReads, readsInFlight)
      res.on('close', () => {
        if (mine === epoch) readsInFlight--
      })
    }
    const fault = take(request)
    const body = Buffer.concat(chunks)
    switch (fault?.kind) {
      case undefined:
        return forward(req, res, body, false)
      case 'reset':
        return req.socket.resetAndDestroy()
      case 'blackhole':
        held.add(req.socket)
        return
      case 'cut':
        return forward(req, res, body, true)
      case 'delay': {
        const timer = setTimeout(() => forward(req, res, body, false), fault.ms)
        timers.add(timer)
        return
      }
      case 'drip': {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000000' })
        const timer = setInterval(() => res.write(' '), fault.intervalMs ?? 2_000)
        timers.add(timer)
        held.add(req.socket)
        return
      }
      case 'before':
        await fault.run(request)
        return forward(req, res, body, false)
      case 'status':
        res.writeHead(fault.status, fault.headers ?? {})
        res.end(fault.body ?? '')
        return
    }
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => req.socket.destroy())
  }
  const server = options.tls
    ? https.createServer({ cert: TEST_CERTIFICATE.cert, key: TEST_CERTIFICATE.key }, listener)
    : http.createServer(listener)
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    ca: options.tls ? TEST_CERTIFICATE.cert : undefined,
    get stats() {
      return { requests: log.length, reads, peakReads, log }
    },
    requestStats: () => ({ reads, peakReads }),
    resetRequestStats() {
      log = []
      reads = 0
      epoch++
      readsInFlight = 0
      peakReads = 0
    },
    inject(fault, injectOptions = {}) {
      armed.push({ fault, left: injectOptions.times ?? Number.POSITIVE_INFINITY, match: injectOptions.match })
    },
    clear() {
      armed = []
      for (const socket of held) socket.destroy()
      held.clear()
    },
    async close() {
      armed = []
      for (const timer of timers) clearTimeout(timer)
      for (const socket of sockets) socket.destroy()
      agent.destroy()
      server.close()
      server.closeAllConnections?.()
    },
  }
}
