import {
  AccessDeniedError,
  type SecretOperation,
  SecretStoreError,
  UnavailableError,
  UnknownSecretStoreError,
} from '@secret-store/core'
import { classifyTransport, errorOptions, unknownError } from '@secret-store/core/adapter'

/** The backend as error messages name it. */
export const BACKEND = 'Dapr'

/**
 * An answer of the sidecar's address that is not a secret: a non-2xx status (`kind: 'status'`), or a 2xx
 * whose body is not what the secrets API sends (`kind: 'body'`). `code` is daprd's `errorCode` when the
 * body has daprd's error shape `{ errorCode, message }`, else `undefined`. The message holds the status
 * and code only; daprd's own message (which quotes the key) is kept non-enumerable, for classification.
 */
export class DaprResponseError extends Error {
  readonly status: number
  readonly code: string | undefined
  readonly kind: 'status' | 'body'
  declare readonly headers: Headers
  /** daprd's `message`, or the first 200 characters of an error body without daprd's shape. Never logged. */
  declare readonly detail: string

  constructor(status: number, headers: Headers, body: string, kind: 'status' | 'body' = 'status') {
    const parsed = kind === 'status' ? daprErrorBody(body) : undefined
    super(
      `Dapr answered ${status}${parsed ? ` ${parsed.errorCode}` : ''}${kind === 'body' ? ' with a garbled body' : ''}`,
    )
    this.name = 'DaprResponseError'
    this.status = status
    this.code = parsed?.errorCode
    this.kind = kind
    Object.defineProperty(this, 'headers', { value: headers, enumerable: false })
    // A garbled 2xx body may hold secret values: it is not kept at all.
    const detail = kind === 'body' ? '' : (parsed?.message ?? body.slice(0, 200))
    Object.defineProperty(this, 'detail', { value: detail, enumerable: false })
  }
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

export interface MapContext {
  store: string
  operation: SecretOperation
  secretName: string | undefined
  /** The secret store component's name, for the configuration error. */
  secretStoreName: string
}

/**
 * The typed error for a failed request. daprd's own answers: `ERR_SECRET_STORE_NOT_FOUND` (401) and
 * `ERR_SECRET_STORES_NOT_CONFIGURED` → `UnknownSecretStoreError` naming the component; `ERR_PERMISSION_DENIED`
 * (403, secret scoping) and the API token check's 401 `invalid api token` → `AccessDeniedError`. Transport
 * failures, 408, 429 and 5xx → core's classification (`UnavailableError`). Any other answer without
 * daprd's error body (a proxy's 404, a redirect, an HTML page, a garbled 200) → `UnavailableError`:
 * something other than the sidecar answered. Anything else → `UnknownSecretStoreError`.
 */
export function mapDaprError(error: unknown, context: MapContext): SecretStoreError {
  if (error instanceof SecretStoreError) return error
  const { secretStoreName, ...rest } = context
  if (!(error instanceof DaprResponseError)) {
    const classify = { ...rest, backend: BACKEND }
    return classifyTransport(error, classify) ?? unknownError(error, classify)
  }
  const { status, code } = error
  const classify = { ...rest, backend: BACKEND, status, headers: error.headers }
  const options = errorOptions(error, classify)
  if (code === 'ERR_SECRET_STORE_NOT_FOUND' || code === 'ERR_SECRET_STORES_NOT_CONFIGURED') {
    return new UnknownSecretStoreError(
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
    return new UnavailableError(`Dapr answered ${status} with a body that is not a secret`, options)
  }
  const transport = classifyTransport(error, classify)
  if (transport !== undefined) return transport
  if (code === undefined) {
    return new UnavailableError(`the sidecar address answered ${status} without a Dapr error body`, options)
  }
  return unknownError(error, classify, `${status} ${code}`)
}
