/**
 * A loopback HTTP/2 (plaintext, h2c) proxy for gRPC: the testkit's fault proxy, for a backend that speaks
 * gRPC. It forwards every stream to the target unchanged (headers, messages, trailers) and counts
 * AccessSecretVersion reads, so a backend without test controls of its own (the Go emulator) can run the
 * contract suite. Its faults are transport-level, and the client sees what grpc-js makes of them:
 *
 * - `reset`: the connection is destroyed (grpc-js: UNAVAILABLE);
 * - `status`: a plain HTTP answer with that status, headers and body, as a load balancer or proxy gives
 *   it (grpc-js: 502, 503, 504 and 429 UNAVAILABLE, 404 UNIMPLEMENTED, others UNKNOWN, each with the
 *   details `Received HTTP status code <status>`);
 * - `delay`: forwarded after `ms`; `blackhole`: never answered; `drip`: gRPC response headers, then
 *   nothing; `cut`: forwarded, and the stream reset before its trailers (the change is made, the answer lost).
 *
 * Requests are seen as the fake's are (`secret-manager-faults.ts`): `path` is the RPC name.
 */
import { once } from 'node:events'
import http2, {
  type ClientHttp2Session,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2'
import type { AddressInfo, Socket } from 'node:net'
import type { Fault, InjectOptions, ProxiedRequest } from '@secret-store/testkit'
import type { ClientOptions } from 'google-gax'
import { LOOPBACK, loopbackClientOptions } from './client-options.js'
import { FaultPlan, isSecretRead, requestView } from './secret-manager-faults.js'

export interface GrpcFaultProxy {
  port: number
  /** Options for `new SecretManagerServiceClient(...)` that reach the target through the proxy. */
  clientOptions(): ClientOptions
  /** Every request since the last `resetRequestStats()`, in order. */
  readonly log: readonly ProxiedRequest[]
  requestStats(): { reads: number; peakReads: number }
  resetRequestStats(): void
  inject(fault: Fault, options?: InjectOptions): void
  clear(): void
  close(): Promise<void>
}

const { NGHTTP2_CANCEL, NGHTTP2_INTERNAL_ERROR } = http2.constants

/** Headers without HTTP/2 pseudo-headers (the session sets its own) and without Node's symbol keys. */
function plain(headers: IncomingHttpHeaders, keep: readonly string[] = []): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => !key.startsWith(':') || keep.includes(key)))
}

/** Starts a proxy on a free loopback port in front of the gRPC server on `127.0.0.1:<targetPort>`. */
export async function startGrpcFaultProxy(targetPort: number): Promise<GrpcFaultProxy> {
  const plan = new FaultPlan()
  const sockets = new Set<Socket>()
  const held = new Set<ServerHttp2Stream>()
  let upstream: ClientHttp2Session | undefined
  let log: ProxiedRequest[] = []
  let reads = 0
  let readsInFlight = 0
  let peakReads = 0

  const session = () => {
    if (upstream === undefined || upstream.closed || upstream.destroyed) {
      upstream = http2.connect(`http://${LOOPBACK}:${targetPort}`)
      upstream.on('error', () => {})
    }
    return upstream
  }

  const forward = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, cut: boolean) => {
    if (stream.closed) return
    const up = session().request(plain(headers, [':method', ':path']))
    let trailers: IncomingHttpHeaders | undefined
    stream.pipe(up)
    up.on('response', (answer) => {
      if (stream.closed) return
      // A trailers-only answer (an error status without a message) comes as the response headers.
      if (answer['grpc-status'] !== undefined) {
        if (cut) stream.close(NGHTTP2_INTERNAL_ERROR)
        else stream.respond(plain(answer, [':status']), { endStream: true })
        return
      }
      stream.respond(plain(answer, [':status']), { waitForTrailers: true })
      up.pipe(stream)
    })
    up.on('trailers', (received) => {
      trailers = received
    })
    stream.on('wantTrailers', () => {
      if (cut) stream.close(NGHTTP2_INTERNAL_ERROR)
      else stream.sendTrailers(plain(trailers ?? { 'grpc-status': '13', 'grpc-message': 'no trailers upstream' }))
    })
    up.on('error', () => stream.close(NGHTTP2_INTERNAL_ERROR))
    stream.on('close', () => {
      if (!up.closed) up.close(NGHTTP2_CANCEL)
    })
  }

  const server = http2.createServer()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('stream', (stream, headers) => {
    const rpc =
      String(headers[':path'] ?? '')
        .split('/')
        .pop() ?? ''
    const request = requestView(rpc, plain(headers))
    log.push(request)
    if (isSecretRead(request)) {
      reads++
      readsInFlight++
      peakReads = Math.max(peakReads, readsInFlight)
      stream.on('close', () => readsInFlight--)
    }
    stream.on('error', () => {})
    const fault = plan.take(request)
    switch (fault?.kind) {
      case undefined:
        return forward(stream, headers, false)
      case 'reset':
        return stream.session?.destroy()
      case 'status':
        stream.respond({ ...fault.headers, ':status': fault.status })
        stream.end(fault.body ?? '')
        return
      case 'delay': {
        const timer = setTimeout(() => forward(stream, headers, false), fault.ms)
        stream.on('close', () => clearTimeout(timer))
        return
      }
      case 'blackhole':
        held.add(stream)
        return
      case 'drip':
        held.add(stream)
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' })
        return
      case 'cut':
        return forward(stream, headers, true)
      case 'before':
        Promise.resolve(fault.run(request)).then(
          () => forward(stream, headers, false),
          () => stream.session?.destroy(),
        )
        return
    }
  })
  server.listen(0, LOOPBACK)
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo

  return {
    port,
    clientOptions: () => loopbackClientOptions(port),
    get log() {
      return log
    },
    requestStats: () => ({ reads, peakReads }),
    resetRequestStats() {
      log = []
      reads = 0
      peakReads = readsInFlight
    },
    inject: (fault, options) => plan.inject(fault, options),
    clear: () => plan.clear(),
    async close() {
      plan.clear()
      for (const stream of held) stream.close(NGHTTP2_CANCEL)
      upstream?.destroy()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
