import {
  AccessDeniedError,
  ConfigurationError,
  NotSupportedError,
  type SecretOperation,
  SecretStoreError,
  UnavailableError,
} from '@secret-store/core'
import { classifyTransport, errorOptions, unknownError } from '@secret-store/core/adapter'

/** The backend as error messages name it. */
export const BACKEND = 'Dapr'

/**
 * An answer of the sidecar's address that is not a secret: a non-2xx/3xx status (`kind: 'status'`), or a
 * success whose body is not what the secrets API sends (`kind: 'body'`; the SDK reports no status for a
 * success, so `status` is `undefined` there). `code` is daprd's `errorCode` when the body has daprd's error
 * shape `{ errorCode, message }`, else `undefined`. The message holds the status and code only; daprd's own
 * message (which quotes the key) is kept non-enumerable, for classification. The SDK does not hand out the
 * answer's headers, so there are none (and no `Retry-After`).
 */
export class DaprResponseError extends Error {
  readonly status: number | undefined
  readonly code: string | undefined
  readonly kind: 'status' | 'body'
  /** daprd's `message`, or the first 200 characters of an error body without daprd's shape. Never logged. */
  declare readonly detail: string

  constructor(status: number | undefined, body: string, kind: 'status' | 'body' = 'status') {
    const parsed = kind === 'status' ? daprErrorBody(body) : undefined
    super(
      kind === 'body'
        ? 'Dapr answered with a garbled body'
        : `Dapr answered ${status}${parsed ? ` ${parsed.errorCode}` : ''}`,
    )
    this.name = 'DaprResponseError'
    this.status = status
    this.code = parsed?.errorCode
    this.kind = kind
    // A garbled success body may hold secret values: it is not kept at all.
    const detail = kind === 'body' ? '' : (parsed?.message ?? body.slice(0, 200))
    Object.defineProperty(this, 'detail', { value: detail, enumerable: false })
  }
}

/**
 * What `@dapr/dapr`'s HTTP client rejected with, as the store classifies it. For an answer outside
 * 200-399 the SDK throws `new Error(JSON.stringify({ error: statusText, error_msg: body, status }))`: that
 * becomes a `DaprResponseError` of the status and body (the SDK's error, whose message quotes daprd's and
 * so the key, is dropped). Anything else (a transport failure, `DAPR_SIDECAR_COULD_NOT_BE_STARTED`, an
 * abort reason) comes back unchanged.
 */
export function fromSdkError(error: unknown): unknown {
  if (!(error instanceof Error) || error.name !== 'Error' || !error.message.startsWith('{')) return error
  let parsed: unknown
  try {
    parsed = JSON.parse(error.message)
  } catch {
    return error
  }
  if (typeof parsed !== 'object' || parsed === null) return error
  const { status, error_msg: body } = parsed as Record<string, unknown>
  if (typeof status !== 'number' || !Number.isInteger(status) || typeof body !== 'string') return error
  return new DaprResponseError(status, body)
}

function daprErrorBody(body: string): { errorCode: string; message: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(body)
    if (typeof parsed !== 'object' || parsed === null) return undefined
    const { errorCode, message } = parsed as Record<string, unknown>
    if (typeof errorCode !== 'string' || !/^ERR_[A-Z0-9_]+$/.test(errorCode)) return undefined
    return { errorCode, message: typeof message === 'string' ? message : '' }
  } catch {
    return undefined
  }
}

/**
 * Whether the sidecar said the secret does not exist: its `ERR_SECRET_GET` answer whose message, with the
 * key and the store name taken out (either may contain "not found"), says `not found` / `NotFound` (the
 * local stores, Kubernetes, AWS, Azure and GCP components all do). Nothing else is a missing secret.
 */
export function isSecretNotFound(error: unknown, key: string, storeName: string): boolean {
  if (!(error instanceof DaprResponseError) || error.code !== 'ERR_SECRET_GET') return false
  const rest = [key, storeName].reduce((text, part) => text.split(part).join(''), error.detail)
  return /not ?found/i.test(rest)
}

/** How components word a call they do not implement (a pluggable component's gRPC `Unimplemented` too). */
const UNSUPPORTED_TEXT = /\bunimplemented\b|\bnot (?:yet )?(?:implemented|supported)\b|\bunsupported\b/i

/**
 * A bulk read the component refused because it does not implement it, as listing names meets it: daprd's
 * `ERR_SECRET_GET` answer whose message (the store name taken out) says unimplemented, not implemented or
 * not supported. `NotSupportedError` (not retried); `undefined` for anything else, which `mapDaprError`
 * types as for any read (another `ERR_SECRET_GET` is a 500, retried as unavailable).
 */
export function bulkNotSupported(
  error: unknown,
  context: Omit<MapContext, 'operation' | 'secretName'>,
): NotSupportedError | undefined {
  if (!(error instanceof DaprResponseError) || error.code !== 'ERR_SECRET_GET') return undefined
  if (!UNSUPPORTED_TEXT.test(error.detail.split(context.secretStoreName).join(''))) return undefined
  const reason = `the component of "${context.secretStoreName}" does not implement Dapr's bulk secret read (${error.status} ${error.code}), the only way Dapr lists secret names; read secrets by name`
  return new NotSupportedError(
    'list',
    reason,
    errorOptions(error, { ...context, operation: 'list', secretName: undefined }),
  )
}

export interface MapContext {
  store: string
  operation: SecretOperation
  secretName: string | undefined
  /** The secret store component's name, for the configuration error. */
  secretStoreName: string
}

/** The SDK's own rejection when its wait for the sidecar (about 60 polls of `/v1.0/metadata`) ran out. */
const SIDECAR_NOT_STARTED = 'DAPR_SIDECAR_COULD_NOT_BE_STARTED'

/** node-fetch's (in the SDK) failures to follow a redirect: a loop, or a `Location` it cannot use. */
const REDIRECT_FAILURES = new Set(['max-redirect', 'invalid-redirect'])

/**
 * The typed error for a failed request. daprd's own answers: `ERR_SECRET_STORE_NOT_FOUND` (401) and
 * `ERR_SECRET_STORES_NOT_CONFIGURED` → `ConfigurationError` naming the component; `ERR_PERMISSION_DENIED`
 * (403, secret scoping) and the API token check's 401 `invalid api token` → `AccessDeniedError`. Transport
 * failures (node-fetch's `FetchError` codes), timeouts, 408, 429 and 5xx → core's classification
 * (`UnavailableError`), as are the SDK's `DAPR_SIDECAR_COULD_NOT_BE_STARTED` and a redirect it could not
 * follow. Any other answer without daprd's error body (a proxy's 404, an HTML page, a garbled success) →
 * `UnavailableError`: something other than the sidecar answered. Anything else → `UnknownSecretStoreError`.
 * SDK rejections must have gone through `fromSdkError` first.
 */
export function mapDaprError(error: unknown, context: MapContext): SecretStoreError {
  if (error instanceof SecretStoreError) return error
  const { secretStoreName, ...rest } = context
  if (!(error instanceof DaprResponseError)) {
    const classify = { ...rest, backend: BACKEND }
    const transport = classifyTransport(error, classify)
    if (transport !== undefined) return transport
    if (error instanceof Error && error.message === SIDECAR_NOT_STARTED) {
      return new UnavailableError(
        `@dapr/dapr gave up waiting for the sidecar (${SIDECAR_NOT_STARTED})`,
        errorOptions(error, classify),
      )
    }
    const fetchType = (error as { type?: unknown } | null)?.type
    if (error instanceof Error && error.name === 'FetchError' && REDIRECT_FAILURES.has(fetchType as string)) {
      return new UnavailableError(
        `the sidecar address redirected and the redirect failed (${fetchType})`,
        errorOptions(error, classify),
      )
    }
    return unknownError(error, classify)
  }
  const { status, code } = error
  const classify = { ...rest, backend: BACKEND, ...(status === undefined ? {} : { status }) }
  const options = errorOptions(error, classify)
  if (code === 'ERR_SECRET_STORE_NOT_FOUND' || code === 'ERR_SECRET_STORES_NOT_CONFIGURED') {
    return new ConfigurationError(
      `Dapr has no secret store "${secretStoreName}" (${status} ${code}); check the component's metadata.name, its scopes and that it loaded for this app`,
      options,
    )
  }
  if (code === 'ERR_PERMISSION_DENIED') {
    return new AccessDeniedError(
      `Dapr answered ${status} ${code}: the store's secret scoping refuses this secret`,
      options,
    )
  }
  if (status === 401 && code === undefined && error.detail.trim() === 'invalid api token') {
    return new AccessDeniedError('Dapr answered 401: the dapr-api-token is missing or wrong (DAPR_API_TOKEN)', options)
  }
  if (error.kind === 'body') {
    return new UnavailableError('Dapr answered with a body that is not a secret', options)
  }
  const transport = classifyTransport(error, classify)
  if (transport !== undefined) return transport
  if (code === undefined) {
    return new UnavailableError(`the sidecar address answered ${status} without a Dapr error body`, options)
  }
  return unknownError(error, classify, `${status} ${code}`)
}
