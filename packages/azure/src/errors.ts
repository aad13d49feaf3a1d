import {
  AccessDeniedError,
  type SecretOperation,
  type SecretStoreError,
  type SecretStoreErrorOptions,
  UnavailableError,
  UnknownSecretStoreError,
} from '@secret-store/core'

/** Failures before any HTTP answer, as Node and the Azure pipeline name them. */
const NETWORK_CODES = new Set([
  'REQUEST_SEND_ERROR',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
])

/** Certificate and TLS failures (OpenSSL's verify codes, Node's ERR_TLS_* and ERR_SSL_*). */
const TLS_CODE =
  /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_[A-Z_]+|CERT_[A-Z_]+|ERR_TLS_[A-Z_]+|ERR_SSL_[A-Z_]+|HOSTNAME_MISMATCH)$/

/** `@azure/identity` errors for a credential that cannot be used here at all, by their `name`. */
const CREDENTIAL_UNAVAILABLE = new Set([
  'CredentialUnavailableError',
  'AggregateAuthenticationError',
  'AuthenticationRequiredError',
])

export interface MapContext {
  store: string
  operation: SecretOperation
  secretName: string | undefined
  /** The value being written, scrubbed from every message kept in the cause. */
  value?: string
}

/** HTTP status of a `RestError` from the Key Vault client; `undefined` for anything else. */
export function restStatus(error: unknown): number | undefined {
  if (!isRestError(error)) return undefined
  return typeof error.statusCode === 'number' ? error.statusCode : undefined
}

/**
 * Classifies an error of the Key Vault client or of its credential:
 *
 * - 401, 403 → `AccessDeniedError`;
 * - 408, 409 (a name still busy after the retries), 429, 5xx → `UnavailableError` with `retryAfterMs`;
 * - network and TLS failures → `UnavailableError`;
 * - `CredentialUnavailableError` and `AggregateAuthenticationError` (no usable identity is configured)
 *   → `AccessDeniedError`; an `AuthenticationError` → `AccessDeniedError` when Microsoft Entra ID refused
 *   the credential, `UnavailableError` when the token endpoint answered 429 or 5xx;
 * - anything else → `UnknownSecretStoreError`.
 *
 * The cause of an Azure error is a sanitized copy (name, message, code, status): the original carries
 * the request, whose body is the secret value on a write.
 */
export function mapAzureError(error: unknown, context: MapContext): SecretStoreError {
  const options: SecretStoreErrorOptions = {
    store: context.store,
    secretName: context.secretName,
    operation: context.operation,
    cause: sanitizeCause(error, context.value),
  }
  const name = isRecord(error) && typeof error.name === 'string' ? error.name : undefined

  if (name !== undefined && CREDENTIAL_UNAVAILABLE.has(name)) {
    return new AccessDeniedError(
      `no usable Azure credential (${name}: ${brief(error, context.value)}); configure one or pass a credential`,
      options,
    )
  }
  if (name === 'AuthenticationError' && isRecord(error)) {
    const status = typeof error.statusCode === 'number' ? error.statusCode : undefined
    const detail = `AuthenticationError${status === undefined ? '' : ` ${status}`}: ${brief(error, context.value)}`
    if (status !== undefined && (status === 429 || status >= 500)) {
      return new UnavailableError(`the token endpoint is unavailable (${detail})`, options)
    }
    return new AccessDeniedError(`Microsoft Entra ID refused the credential (${detail})`, options)
  }

  if (isRestError(error)) {
    const status = restStatus(error)
    if (status === undefined) {
      const code = typeof error.code === 'string' ? error.code : 'REQUEST_SEND_ERROR'
      if (TLS_CODE.test(code)) {
        return new UnavailableError(
          `TLS failure talking to Key Vault (${code}: ${brief(error, context.value)}); for a private CA pass clientOptions.tlsOptions.ca or set NODE_EXTRA_CA_CERTS`,
          options,
        )
      }
      if (NETWORK_CODES.has(code)) {
        return new UnavailableError(`could not reach Key Vault (${code}: ${brief(error, context.value)})`, options)
      }
      return new UnknownSecretStoreError(`Key Vault request failed (${code}: ${brief(error, context.value)})`, options)
    }
    const detail = describe(error, status, context.value)
    if (status === 401 || status === 403) return new AccessDeniedError(`Key Vault answered ${detail}`, options)
    if (status === 409) {
      return new UnavailableError(
        `Key Vault answered ${detail}; the name is still being deleted, recovered or purged`,
        { ...options, retryAfterMs: retryAfterMs(error) },
      )
    }
    if (status === 408 || status === 429 || status >= 500) {
      return new UnavailableError(`Key Vault answered ${detail}`, { ...options, retryAfterMs: retryAfterMs(error) })
    }
    return new UnknownSecretStoreError(`Key Vault request failed (${detail})`, options)
  }

  if (error instanceof Error && error.message.includes('disableChallengeResourceVerification')) {
    return new UnknownSecretStoreError(
      `the vault's authentication challenge names another resource than the vault URL (${brief(error, context.value)})`,
      options,
    )
  }
  return new UnknownSecretStoreError(`${context.operation} failed with ${name ?? typeof error}`, options)
}

/**
 * How long Key Vault asked us to wait: `retry-after-ms`, `x-ms-retry-after-ms` (milliseconds) or
 * `Retry-After` (seconds or an HTTP date), as the Azure pipeline reads them.
 */
export function retryAfterMs(error: unknown, now = Date.now()): number | undefined {
  const header = (name: string): string | undefined => {
    if (!isRecord(error) || !isRecord(error.response)) return undefined
    const headers = error.response.headers
    if (!isRecord(headers)) return undefined
    if (typeof headers.get === 'function') {
      const value: unknown = headers.get(name)
      return typeof value === 'string' ? value : undefined
    }
    const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name)
    return typeof entry?.[1] === 'string' ? entry[1] : undefined
  }
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = header(name)?.trim()
    if (value !== undefined && /^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value))
  }
  const value = header('retry-after')?.trim()
  if (value === undefined || value === '') return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * A copy of an Azure error that keeps what helps debugging (name, message, code, HTTP status and the
 * stack frames) and drops the request and response: a `RestError` holds the request, whose body is
 * the secret value on a write, and the response body. Other errors are returned as they are.
 */
export function sanitizeCause(error: unknown, value?: string): unknown {
  if (!(error instanceof Error)) return error
  const azure = isRestError(error) || error.name === 'AuthenticationError' || CREDENTIAL_UNAVAILABLE.has(error.name)
  if (!azure) return error
  const source = error as Error & { code?: unknown; statusCode?: unknown }
  const clean = new Error(redact(error.message, value))
  clean.name = error.name
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line))
  clean.stack = [`${clean.name}: ${clean.message}`, ...frames].join('\n')
  return Object.assign(clean, {
    ...(typeof source.code === 'string' ? { code: source.code } : {}),
    ...(typeof source.statusCode === 'number' ? { statusCode: source.statusCode } : {}),
  })
}

interface RestErrorLike extends Error {
  code?: unknown
  statusCode?: unknown
  response?: unknown
}

/** Duck-typed: the client may come from another copy of the Azure core packages than ours. */
function isRestError(error: unknown): error is RestErrorLike {
  return error instanceof Error && error.name === 'RestError'
}

/** Status, Key Vault's error code and its message, shortened; never a value. */
function describe(error: RestErrorLike, status: number, value: string | undefined): string {
  const code = typeof error.code === 'string' && error.code !== '' ? ` ${error.code}` : ''
  return `${status}${code}: ${brief(error, value)}`
}

function brief(error: unknown, value: string | undefined): string {
  const message = error instanceof Error ? error.message : String(error)
  const text = redact(message, value).replace(/\s+/g, ' ').trim()
  return text.length > 240 ? `${text.slice(0, 237)}...` : text
}

function redact(text: string, value: string | undefined): string {
  return value === undefined || value === '' ? text : text.split(value).join('[redacted]')
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null
}
