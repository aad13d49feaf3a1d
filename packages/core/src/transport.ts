/**
 * Transport-level error classification, written once for every adapter: failures before or instead of a
 * backend answer (refused, reset, DNS, timeout, TLS, abort) and the HTTP statuses that mean "try again"
 * (408, 429, 5xx), with `Retry-After` in seconds, fractions or an HTTP date. An adapter maps only its
 * backend's own codes and hands everything else to `classifyTransport`.
 */
import {
  type SecretStoreError,
  type SecretStoreErrorOptions,
  UnavailableError,
  UnknownSecretStoreError,
} from './errors.js'

/** What kind of transport failure an error is. */
export type TransportFailureKind = 'network' | 'dns' | 'timeout' | 'tls' | 'abort'

export interface TransportFailure {
  readonly kind: TransportFailureKind
  /** The error code that decided it (`ECONNREFUSED`, `CERT_HAS_EXPIRED`, `TimeoutError`, ...). */
  readonly code: string
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTCONN',
  'EPROTO',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'HPE_INVALID_CONSTANT',
  'HPE_INVALID_CHUNK_SIZE',
  'HPE_UNEXPECTED_CONTENT_LENGTH',
  'REQUEST_SEND_ERROR',
])
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME'])
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
])
const ABORT_CODES = new Set(['ABORT_ERR', 'AbortError', 'UND_ERR_ABORTED', 'ERR_CANCELED'])
/** OpenSSL's verify codes and Node's own TLS error codes. */
const TLS_CODE =
  /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_[A-Z_]+|CERT_[A-Z_]+|ERR_TLS_[A-Z_]+|ERR_SSL_[A-Z_]+|HOSTNAME_MISMATCH|ERR_OSSL_[A-Z_]+)$/

interface Shape {
  name?: unknown
  code?: unknown
  errors?: unknown
  cause?: unknown
}

const shapeOf = (error: unknown): Shape => (typeof error === 'object' && error !== null ? (error as Shape) : {})

function kindOf(code: string): TransportFailureKind | undefined {
  if (NETWORK_CODES.has(code)) return 'network'
  if (DNS_CODES.has(code)) return 'dns'
  if (TIMEOUT_CODES.has(code)) return 'timeout'
  if (ABORT_CODES.has(code)) return 'abort'
  if (TLS_CODE.test(code)) return 'tls'
  return undefined
}

/**
 * The transport failure behind `error`, looking through `cause` chains and `AggregateError`s (Node's
 * happy-eyeballs connect), or `undefined` when the error is something else: a backend answer, or a
 * programming error such as `ERR_INVALID_ARG_TYPE`, which no retry fixes.
 */
export function transportFailure(error: unknown, depth = 0): TransportFailure | undefined {
  if (depth > 4) return undefined
  const { name, code, errors, cause } = shapeOf(error)
  for (const candidate of [code, name]) {
    if (typeof candidate !== 'string') continue
    const kind = kindOf(candidate)
    if (kind !== undefined) return { kind, code: candidate }
  }
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = transportFailure(inner, depth + 1)
      if (found !== undefined) return found
    }
  }
  return cause === undefined ? undefined : transportFailure(cause, depth + 1)
}

/** Whether an HTTP status means the backend may answer differently later: 408, 429 and every 5xx. */
export const isRetryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500

/**
 * Milliseconds a `Retry-After` value asks for: delta-seconds (fractions allowed, as some proxies send)
 * or an HTTP date. `undefined` for anything else, including negative numbers.
 */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  if (!/[a-z]/i.test(text)) return undefined
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Response headers as SDKs hand them over: a `Headers`-like object with `get`, or a plain record. */
export type HeaderBag = { get(name: string): string | null | undefined } | Record<string, unknown> | undefined | null

/** A response header's value by its lower-case name, whatever shape the headers come in (first of a list). */
export function header(headers: HeaderBag, name: string): unknown {
  if (headers === undefined || headers === null) return undefined
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null | undefined }).get(name) ?? undefined
  }
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name)
  const raw = entry?.[1]
  return Array.isArray(raw) ? raw[0] : raw
}

/** How long response headers ask a client to wait: `retry-after-ms`, `x-ms-retry-after-ms`, then `Retry-After`. */
export function retryAfterFromHeaders(headers: HeaderBag, now = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const raw = header(headers, name)
    const ms = typeof raw === 'string' || typeof raw === 'number' ? Number(raw) : Number.NaN
    if (Number.isFinite(ms) && ms >= 0) return Math.round(ms)
  }
  return parseRetryAfter(header(headers, 'retry-after'), now)
}

export interface ClassifyContext extends Omit<SecretStoreErrorOptions, 'cause'> {
  /** The backend's name for messages (`AWS Secrets Manager`, `Vault`, `Key Vault`). */
  backend: string
  /** The HTTP status of the backend's answer, when there was one. */
  status?: number
  /** The answer's headers, for `Retry-After`. */
  headers?: HeaderBag
  /** Values the cause must not show (the value of a write): scrubbed from every copied message. */
  secrets?: readonly string[]
}

const TLS_HINT = '; for a private CA, give the client its certificate (for example NODE_EXTRA_CA_CERTS)'

/**
 * The typed error for a transport failure or a retryable HTTP status, or `undefined` when `error` is
 * neither (the adapter then decides, or falls back to `unknownError`). Every result is an
 * `UnavailableError` (retryable) whose message holds codes and statuses only, and whose cause is a
 * sanitized copy of `error`.
 */
export function classifyTransport(error: unknown, context: ClassifyContext): SecretStoreError | undefined {
  const options = errorOptions(error, context)
  const failure = transportFailure(error)
  if (failure !== undefined) {
    const what =
      failure.kind === 'tls'
        ? `TLS failure talking to ${context.backend} (${failure.code})${TLS_HINT}`
        : failure.kind === 'timeout' || failure.kind === 'abort'
          ? `${context.backend} did not answer in time (${failure.code})`
          : `could not reach ${context.backend} (${failure.code})`
    return new UnavailableError(what, options)
  }
  const { status } = context
  if (status !== undefined && isRetryableStatus(status)) {
    return new UnavailableError(`${context.backend} answered ${status}`, {
      ...options,
      retryAfterMs: retryAfterFromHeaders(context.headers),
    })
  }
  return undefined
}

/** The fallback for anything no classifier knew: `UnknownSecretStoreError` naming the error's class only. */
export function unknownError(error: unknown, context: ClassifyContext, detail?: string): SecretStoreError {
  const label = error instanceof Error ? error.name : typeof error
  const status = context.status === undefined ? '' : ` ${context.status}`
  return new UnknownSecretStoreError(
    `${context.backend} request failed (${detail ?? `${label}${status}`})`,
    errorOptions(error, context),
  )
}

/** Error options with a sanitized cause, for adapters building their own typed errors. */
export function errorOptions(
  error: unknown,
  context: Omit<ClassifyContext, 'backend'> & { backend?: string },
): SecretStoreErrorOptions {
  return {
    store: context.store,
    secretName: context.secretName,
    operation: context.operation,
    cause: sanitizeCause(error, context.secrets),
  }
}

const MAX_CAUSE_MESSAGE = 200

/**
 * A copy of an error that is safe to keep as a `cause`: its name, `code` and HTTP status. The message
 * survives only for Node's own system errors (`connect ECONNREFUSED 127.0.0.1:8200`), shortened and with
 * every given secret scrubbed: an SDK's message may quote a response body, and SDK errors carry the
 * request (headers with tokens, a body with the value) and the response, so nothing else is copied.
 */
export function sanitizeCause(error: unknown, secrets: readonly string[] = []): Error | undefined {
  if (error === undefined) return undefined
  if (!(error instanceof Error)) {
    const copy = new Error(`non-error thrown: ${typeof error}`)
    copy.name = 'NonError'
    return copy
  }
  const { code } = shapeOf(error)
  const status = statusOf(error)
  const system = typeof (error as { syscall?: unknown }).syscall === 'string'
  let message = system ? String(error.message ?? '') : [code, status].filter((x) => x !== undefined).join(' ')
  for (const secret of secrets) if (secret !== '') message = message.split(secret).join('[redacted]')
  if (message.length > MAX_CAUSE_MESSAGE) message = `${message.slice(0, MAX_CAUSE_MESSAGE - 3)}...`
  const copy = new Error(message)
  copy.name = error.name
  Object.defineProperty(copy, 'stack', { value: `${copy.name}: ${message}`, enumerable: false, writable: true })
  if (typeof code === 'string' || typeof code === 'number') Object.assign(copy, { code })
  if (status !== undefined) Object.assign(copy, { status })
  const inner =
    shapeOf(error).cause ?? (Array.isArray(shapeOf(error).errors) ? (shapeOf(error).errors as unknown[])[0] : undefined)
  if (inner instanceof Error) Object.defineProperty(copy, 'cause', { value: sanitizeCause(inner, secrets) })
  return copy
}

/** The HTTP status an SDK error carries under one of the usual names (`status`, `statusCode`, `$metadata`). */
export function statusOf(error: unknown): number | undefined {
  const e = error as { status?: unknown; statusCode?: unknown; $metadata?: { httpStatusCode?: unknown } }
  for (const candidate of [e.status, e.statusCode, e.$metadata?.httpStatusCode]) {
    if (typeof candidate === 'number') return candidate
  }
  return undefined
}
