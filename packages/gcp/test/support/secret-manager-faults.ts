/**
 * Fault injection for the Secret Manager fake, in the testkit's terms (`Fault`, `InjectOptions`), so the
 * contract suite's fault sections run against gRPC the way they run through the HTTP fault proxy.
 *
 * A request is seen as `{ method, path, headers }`: `path` is the RPC name (`AccessSecretVersion`),
 * `method` the HTTP verb of the same call in Secret Manager's REST API (GET for Access, Get and List,
 * DELETE for DeleteSecret, PATCH for UpdateSecret, POST for the rest), and `headers` the call's metadata.
 *
 * The faults, as a Google front end would answer them over gRPC:
 * - `reset`: UNAVAILABLE, as grpc-js reports a dropped connection;
 * - `status`: the gRPC code Google maps the HTTP status to (below), never a Secret Manager NOT_FOUND;
 *   a `retry-after` header becomes a `google.rpc.RetryInfo` detail;
 * - `delay`: the call is answered normally after `ms`;
 * - `blackhole`: no answer at all (until the client cancels); `drip`: response headers, then nothing;
 * - `cut`: the call is carried out, then answered with UNAVAILABLE (the answer is lost, the change is not).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Fault, InjectOptions, ProxiedRequest } from '@secret-store/testkit'
import { grpc, protobuf } from 'google-gax'

/** What the fake does with a call a fault hits. */
export type FaultEffect =
  | { kind: 'fail'; code: grpc.status; details: string; retryDelayMs: number | undefined }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang'; sendHeaders: boolean }
  | { kind: 'lose-answer' }
  | { kind: 'before'; run: () => Promise<void> | void }

/**
 * The gRPC code for an HTTP status, as Google's front ends map them (google.rpc.Code): a 2xx without a
 * gRPC status INTERNAL (as grpc-js reports it), 400 INTERNAL (what grpc-js makes of a plain 400), 401
 * UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 and 501 UNIMPLEMENTED (a path nobody serves, never a missing
 * secret), 408 and 504 DEADLINE_EXCEEDED, 429 RESOURCE_EXHAUSTED, 500 INTERNAL, 502 and 503 UNAVAILABLE,
 * anything else UNKNOWN.
 */
export function grpcCodeForHttpStatus(status: number): grpc.status {
  if (status >= 200 && status < 300) return grpc.status.INTERNAL
  const codes: Record<number, grpc.status> = {
    400: grpc.status.INTERNAL,
    401: grpc.status.UNAUTHENTICATED,
    403: grpc.status.PERMISSION_DENIED,
    404: grpc.status.UNIMPLEMENTED,
    408: grpc.status.DEADLINE_EXCEEDED,
    429: grpc.status.RESOURCE_EXHAUSTED,
    500: grpc.status.INTERNAL,
    501: grpc.status.UNIMPLEMENTED,
    502: grpc.status.UNAVAILABLE,
    503: grpc.status.UNAVAILABLE,
    504: grpc.status.DEADLINE_EXCEEDED,
  }
  return codes[status] ?? grpc.status.UNKNOWN
}

export function effectOf(fault: Fault, request: ProxiedRequest): FaultEffect {
  switch (fault.kind) {
    case 'reset':
      return { kind: 'fail', code: grpc.status.UNAVAILABLE, details: 'read ECONNRESET', retryDelayMs: undefined }
    case 'status': {
      const code = grpcCodeForHttpStatus(fault.status)
      const retryAfter = Object.entries(fault.headers ?? {}).find(([key]) => key.toLowerCase() === 'retry-after')?.[1]
      const seconds = retryAfter === undefined ? Number.NaN : Number(retryAfter)
      return {
        kind: 'fail',
        code,
        details: `Injected by the fake: HTTP ${fault.status} as ${grpc.status[code]}.`,
        retryDelayMs: Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined,
      }
    }
    case 'delay':
      return { kind: 'delay', ms: fault.ms }
    case 'blackhole':
      return { kind: 'hang', sendHeaders: false }
    case 'drip':
      return { kind: 'hang', sendHeaders: true }
    case 'cut':
      return { kind: 'lose-answer' }
    case 'before':
      return { kind: 'before', run: () => fault.run(request) }
  }
}

/** The REST verb of an RPC, for faults aimed at reads (`GET`) or writes. */
export function restVerb(rpc: string): string {
  if (/^(Access|Get|List)/.test(rpc)) return 'GET'
  if (rpc.startsWith('Delete')) return 'DELETE'
  if (rpc.startsWith('Update')) return 'PATCH'
  return 'POST'
}

/** A call as fault matchers see it. */
export function requestView(rpc: string, headers: Record<string, unknown>): ProxiedRequest {
  return { method: restVerb(rpc), path: rpc, headers: headers as ProxiedRequest['headers'] }
}

/** Only AccessSecretVersion reads secret data: the contract suite's read requests. */
export const isSecretRead = (request: { path: string }): boolean => request.path === 'AccessSecretVersion'

/** Only AddSecretVersion writes a value (CreateSecret makes an empty secret; the rest manage versions). */
export const isValueWrite = (request: { path: string }): boolean => request.path === 'AddSecretVersion'

interface Armed {
  fault: Fault
  left: number
  match: ((request: ProxiedRequest) => boolean) | undefined
}

/** Faults waiting for calls, tried in the order injected (the testkit's `FaultInjector`). */
export class FaultPlan {
  #armed: Armed[] = []

  inject(fault: Fault, options: InjectOptions = {}): void {
    this.#armed.push({ fault, left: options.times ?? Number.POSITIVE_INFINITY, match: options.match })
  }

  clear(): void {
    this.#armed = []
  }

  /** The fault for this call, counting it against its `times`, or `undefined`. */
  take(request: ProxiedRequest): Fault | undefined {
    const entry = this.#armed.find((a) => a.left > 0 && (a.match === undefined || a.match(request)))
    if (entry === undefined) return undefined
    entry.left--
    return entry.fault
  }
}

let statusTypes: { status: protobuf.Type; retryInfo: protobuf.Type } | undefined

/**
 * Trailing metadata with a `google.rpc.Status` carrying a `google.rpc.RetryInfo`, as Google APIs send
 * with RESOURCE_EXHAUSTED and UNAVAILABLE; google-gax decodes it into `err.statusDetails`.
 */
export function retryInfoMetadata(code: grpc.status, message: string, retryDelayMs: number): grpc.Metadata {
  statusTypes ??= loadStatusTypes()
  const { status, retryInfo } = statusTypes
  const delay = { seconds: Math.floor(retryDelayMs / 1000), nanos: (retryDelayMs % 1000) * 1_000_000 }
  const detail = {
    type_url: 'type.googleapis.com/google.rpc.RetryInfo',
    value: retryInfo.encode({ retryDelay: delay }).finish(),
  }
  const metadata = new grpc.Metadata()
  metadata.set('grpc-status-details-bin', Buffer.from(status.encode({ code, message, details: [detail] }).finish()))
  return metadata
}

function loadStatusTypes() {
  // google-gax ships google/rpc/status.proto and error_details.proto as JSON, for its own error decoding.
  const require = createRequire(import.meta.url)
  const gaxDir = dirname(dirname(dirname(require.resolve('google-gax'))))
  const root = protobuf.Root.fromJSON(JSON.parse(readFileSync(join(gaxDir, 'build', 'protos', 'status.json'), 'utf8')))
  return { status: root.lookupType('google.rpc.Status'), retryInfo: root.lookupType('google.rpc.RetryInfo') }
}
