import {
  AccessDeniedError,
  type SecretOperation,
  type SecretStoreError,
  type SecretStoreErrorOptions,
  UnavailableError,
  UnknownSecretStoreError,
} from '@secret-store/core'

/**
 * A KV v2 write with check-and-set (`cas: true`) lost against another writer: the secret's version
 * changed between the read and the write, or the mount requires check-and-set and the store was not
 * told to send it. Nothing was written. Code `UNKNOWN` (a subclass of `UnknownSecretStoreError`),
 * not retryable: read the secret again and decide whether to write.
 */
export class VaultCheckAndSetError extends UnknownSecretStoreError {}

/** Thrown inside the store when AppRole login fails; turned into a `SecretStoreError` by `mapVaultError`. */
export class AppRoleLoginError extends Error {
  constructor(cause: unknown) {
    super('AppRole login failed', { cause: sanitizeCause(cause) })
    this.name = 'AppRoleLoginError'
  }
}

/** HTTP status of a node-vault error, `undefined` for transport failures and anything else. */
export function vaultStatus(error: unknown): number | undefined {
  const status = responseOf(error)?.statusCode
  return typeof status === 'number' ? status : undefined
}

/** Vault's `errors[]` messages from a failed response. */
export function vaultMessages(error: unknown): string[] {
  const body = responseOf(error)?.body
  if (!isRecord(body) || !Array.isArray(body.errors)) return []
  return body.errors.filter((e): e is string => typeof e === 'string')
}

/** A 404 for an unknown route (wrong mount or namespace), as opposed to a missing secret (`errors: []`). */
export function isNoRoute(error: unknown): boolean {
  return vaultStatus(error) === 404 && vaultMessages(error).some((m) => m.includes('no handler for route'))
}

/** A failure before any HTTP answer: refused, reset, DNS, timeout. */
export function isTransportError(error: unknown): boolean {
  if (!isRecord(error) || responseOf(error) !== undefined) return false
  return error.isAxiosError === true || (typeof error.code === 'string' && /^(E[A-Z]+|ERR_[A-Z_]+)$/.test(error.code))
}

export interface MapContext {
  store: string
  operation: SecretOperation
  secretName: string | undefined
  mount: string
}

/**
 * Classifies a node-vault (or transport) error:
 * 403 → `AccessDeniedError`; 412, 429, 5xx and transport failures → `UnavailableError` (retryable);
 * 400 check-and-set → `VaultCheckAndSetError`; 404 unknown route → `UnknownSecretStoreError` naming the mount;
 * anything else → `UnknownSecretStoreError`. The cause is kept, minus request details that could carry
 * the token or the value.
 */
export function mapVaultError(error: unknown, context: MapContext): SecretStoreError {
  const options: SecretStoreErrorOptions = {
    store: context.store,
    secretName: context.secretName,
    operation: context.operation,
    cause: sanitizeCause(error),
  }

  if (error instanceof AppRoleLoginError) {
    const inner = error.cause
    const status = vaultStatus(inner)
    const detail = describe(inner)
    // AppRole answers 400 "invalid role or secret ID" for bad credentials, 403 for a wrong mount path.
    if (status === 400 || status === 403) return new AccessDeniedError(`AppRole login failed (${detail})`, options)
    if (isRetryable(inner)) return unavailable(`AppRole login failed (${detail})`, inner, options)
    return new UnknownSecretStoreError(`AppRole login failed (${detail})`, options)
  }

  const status = vaultStatus(error)
  const detail = describe(error)
  if (status === 403) {
    return new AccessDeniedError(
      `Vault answered ${detail}; a missing, expired or revoked token also gives 403`,
      options,
    )
  }
  if (status === 400 && vaultMessages(error).some((m) => m.includes('check-and-set'))) {
    const hint = vaultMessages(error).some((m) => m.includes('required')) ? '; the mount requires cas: true' : ''
    return new VaultCheckAndSetError(`check-and-set failed (${detail})${hint}`, options)
  }
  if (isNoRoute(error)) {
    return new UnknownSecretStoreError(
      `Vault has no route for mount "${context.mount}" (${detail}); check the mount, namespace and KV version`,
      options,
    )
  }
  if (isRetryable(error)) return unavailable(detail, error, options)
  return new UnknownSecretStoreError(`Vault request failed (${detail})`, options)
}

/** 412 is Vault Enterprise's "replica not caught up yet"; 429 a rate-limit quota; 503 sealed or standby. */
function isRetryable(error: unknown): boolean {
  const status = vaultStatus(error)
  if (status === undefined) return isTransportError(error)
  return status === 412 || status === 429 || status >= 500
}

function unavailable(reason: string, error: unknown, options: SecretStoreErrorOptions): UnavailableError {
  return new UnavailableError(reason, { ...options, retryAfterMs: retryAfterMs(error) })
}

/**
 * Reads `Retry-After` when the error carries response headers. node-vault 0.12 drops them, so with a
 * plain node-vault client this is `undefined`; a client that keeps `response.headers` gets it.
 */
export function retryAfterMs(error: unknown, now = Date.now()): number | undefined {
  const headers = responseOf(error)?.headers
  if (!isRecord(headers)) return undefined
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === 'retry-after')
  const raw = Array.isArray(entry?.[1]) ? entry[1][0] : entry?.[1]
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined
  const text = String(raw).trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** A short, value-free description: the status and Vault's first message, or the transport code. */
function describe(error: unknown): string {
  const status = vaultStatus(error)
  if (status !== undefined) {
    const message = vaultMessages(error)[0]?.trim().replace(/\s+/g, ' ')
    return message ? `${status}: ${message.slice(0, 200)}` : `${status}`
  }
  if (isTransportError(error) && isRecord(error)) {
    return `${typeof error.code === 'string' ? error.code : 'network error'}: ${String(error.message).slice(0, 200)}`
  }
  return error instanceof Error ? error.name : typeof error
}

/**
 * Transport errors from axios carry the request config: the `X-Vault-Token` header and the JSON body
 * with the secret value. Replace them by a plain error with the same name, message and code.
 */
export function sanitizeCause(error: unknown): unknown {
  if (!isRecord(error) || error.isAxiosError !== true) return error
  const clean = new Error(typeof error.message === 'string' ? error.message : 'request failed')
  clean.name = typeof error.name === 'string' ? error.name : 'Error'
  return Object.assign(clean, { code: error.code })
}

interface ResponseLike {
  statusCode?: unknown
  body?: unknown
  headers?: unknown
}

function responseOf(error: unknown): ResponseLike | undefined {
  if (!isRecord(error)) return undefined
  const response = error.response
  return isRecord(response) ? response : undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}
