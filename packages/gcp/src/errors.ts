import {
  AccessDeniedError,
  ConfigurationError,
  type SecretOperation,
  SecretStoreError,
  type SecretStoreErrorOptions,
  UnavailableError,
  UnknownSecretStoreError,
} from '@secret-store/core'
import { classifyTransport, errorOptions, statusOf, unknownError } from '@secret-store/core/adapter'

/** The gRPC status codes the store tells apart (google.rpc.Code). */
export const GRPC_STATUS = Object.freeze({
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
})

const STATUS_NAMES = Object.fromEntries(Object.entries(GRPC_STATUS).map(([name, code]) => [code, name]))

/** Codes after which the same request may succeed later: transport failures, overload, deadline. */
const RETRYABLE = new Set<number>([
  GRPC_STATUS.CANCELLED,
  GRPC_STATUS.DEADLINE_EXCEEDED,
  GRPC_STATUS.RESOURCE_EXHAUSTED,
  GRPC_STATUS.ABORTED,
  GRPC_STATUS.INTERNAL,
  GRPC_STATUS.UNAVAILABLE,
])

/**
 * A payload whose CRC32C does not match its data (or that came without one, or is not UTF-8 text).
 * The value is discarded: it never reaches the caller or the cache.
 */
export class IntegrityError extends UnknownSecretStoreError {}

/** The gRPC status code of an error of the client (`err.code`), or `undefined` for any other error. */
export function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return error instanceof Error && typeof code === 'number' && Number.isInteger(code) && code >= 0 && code <= 16
    ? code
    : undefined
}

/** `NOT_FOUND 5`, for messages: the code, never the backend's text. */
export const statusLabel = (code: number): string => `${STATUS_NAMES[code] ?? 'CODE'} ${code}`

/**
 * The HTTP status when the answer was not gRPC at all: grpc-js reports a proxy's or load balancer's
 * plain HTTP answer with this fixed text of its own (404 becomes UNIMPLEMENTED, 502 UNAVAILABLE, ...).
 */
function foreignHttpStatus(error: unknown): number | undefined {
  const details = (error as { details?: unknown }).details
  const match = typeof details === 'string' ? /^Received HTTP status code (\d{3})$/.exec(details) : null
  return match ? Number(match[1]) : undefined
}

/**
 * Whether the call never left the client because its credential produced no token (no Application Default
 * Credentials, a key that cannot sign, the token endpoint or metadata server failing): grpc-js reports that
 * with this fixed text of its own, as UNKNOWN, whatever the cause.
 */
function credentialFailed(error: unknown): boolean {
  const details = (error as { details?: unknown }).details
  return typeof details === 'string' && details.startsWith('Getting metadata from plugin failed')
}

/** google-auth-library's fixed text when Application Default Credentials find nothing at all. */
function noDefaultCredentials(error: unknown): boolean {
  const details = (error as { details?: unknown }).details
  return typeof details === 'string' && details.includes('Could not load the default credentials')
}

/** The wait a `google.rpc.RetryInfo` detail asks for, in milliseconds. */
export function retryDelayOf(error: unknown): number | undefined {
  const details = (error as { statusDetails?: unknown }).statusDetails
  if (!Array.isArray(details)) return undefined
  for (const detail of details) {
    const delay = (detail as { retryDelay?: { seconds?: unknown; nanos?: unknown } } | null)?.retryDelay
    if (delay === null || typeof delay !== 'object') continue
    const seconds = Number(String(delay.seconds ?? 0))
    const nanos = Number(delay.nanos ?? 0)
    const ms = Math.round(seconds * 1000 + nanos / 1e6)
    if (Number.isFinite(ms) && ms >= 0) return ms
  }
  return undefined
}

export interface MapContext {
  store: string
  operation: SecretOperation
  secretName: string | undefined
  /** The value being written, scrubbed from every message kept in the cause. */
  value?: string
}

/**
 * Classifies an error of `SecretManagerServiceClient` by its gRPC status code. Secret Manager's own
 * answers: PERMISSION_DENIED and UNAUTHENTICATED → `AccessDeniedError`; UNAVAILABLE, DEADLINE_EXCEEDED,
 * RESOURCE_EXHAUSTED, INTERNAL, ABORTED and CANCELLED → `UnavailableError` (with the wait of a RetryInfo
 * detail); a plain HTTP answer of something in between, or a credential that produced no token →
 * `UnavailableError`; anything else → `UnknownSecretStoreError`. Errors without a gRPC code go through core's shared classification.
 * Messages carry status names and codes only, never Secret Manager's text; the cause is a sanitized copy.
 */
export function mapSecretManagerError(error: unknown, context: MapContext): SecretStoreError {
  // Already typed (the store's own deadline, an integrity or name error): kept as it is.
  if (error instanceof SecretStoreError) return error
  const classify = {
    ...context,
    backend: 'Secret Manager',
    secrets: context.value === undefined ? [] : [context.value],
  }
  const code = grpcCode(error)
  if (code === undefined) {
    // Not an answer of Secret Manager: the network, or the credential's token endpoint (an HTTP status).
    const http = { ...classify, status: statusOf(error) }
    return classifyTransport(error, http) ?? unknownError(error, http)
  }
  const options: SecretStoreErrorOptions = errorOptions(error, classify)
  const label = statusLabel(code)
  const http = foreignHttpStatus(error)
  if (http !== undefined) {
    return new UnavailableError(
      `an answer that is not Secret Manager's came back (HTTP ${http}, ${label}); a proxy or gateway may be in the way`,
      options,
    )
  }
  if (credentialFailed(error) && noDefaultCredentials(error)) {
    return new ConfigurationError(
      'no Google credentials were found (Application Default Credentials); set GOOGLE_APPLICATION_CREDENTIALS or pass clientOptions.credentials',
      options,
    )
  }
  if (credentialFailed(error)) {
    // A metadata server or token endpoint outage looks the same as a missing credential: retryable.
    return new UnavailableError(
      `the client's credentials produced no token (${label}); check the credential setup if this persists`,
      options,
    )
  }
  if (code === GRPC_STATUS.PERMISSION_DENIED || code === GRPC_STATUS.UNAUTHENTICATED) {
    return new AccessDeniedError(`Secret Manager refused the request (${label})`, options)
  }
  if (RETRYABLE.has(code)) {
    return new UnavailableError(`Secret Manager answered ${label}`, { ...options, retryAfterMs: retryDelayOf(error) })
  }
  if (code === GRPC_STATUS.UNIMPLEMENTED) {
    return new UnknownSecretStoreError(
      `the endpoint does not serve this Secret Manager call (${label}); check apiEndpoint`,
      options,
    )
  }
  return unknownError(error, classify, label)
}
