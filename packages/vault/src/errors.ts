import {
  AccessDeniedError,
  ConfigurationError,
  type SecretOperation,
  type SecretStoreError,
  UnavailableError,
  UnknownSecretStoreError,
} from '@secret-store/core'
import {
  classifyTransport,
  sanitizeCause as coreSanitizeCause,
  errorOptions,
  unknownError,
} from '@secret-store/core/adapter'

/**
 * A KV v2 write with check-and-set (`cas: true`) lost against another writer: the secret's version
 * changed between the read and the write, or the mount requires check-and-set and the store was not
 * told to send it. Nothing was written. Code `UNKNOWN` (a subclass of `UnknownSecretStoreError`),
 * not retryable: read the secret again and decide whether to write.
 */
export class VaultCheckAndSetError extends UnknownSecretStoreError {}

/** Thrown inside the store when AppRole login fails; turned into a `SecretStoreError` by `mapVaultError`. */
export class AppRoleLoginError extends Error {
  /** The login failure as it came, for classification only (not enumerable: it may hold the request). */
  declare readonly failure: unknown

  constructor(failure: unknown) {
    super('AppRole login failed', { cause: coreSanitizeCause(failure) })
    this.name = 'AppRoleLoginError'
    Object.defineProperty(this, 'failure', { value: failure, enumerable: false })
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

/**
 * Whether a failed answer is Vault's own: a JSON body with an `errors` array, or (a soft-deleted KV v2
 * version) with the version's `data`. A proxy's 404 page or an empty answer is not, and must never be
 * read as "missing".
 */
export function isVaultAnswer(error: unknown): boolean {
  const body = responseOf(error)?.body
  return isRecord(body) && (Array.isArray(body.errors) || isRecord(body.data))
}

/** Vault's own "not found" for a secret (a 404 with Vault's body, on a route that exists). */
export const isVaultNotFound = (error: unknown): boolean =>
  vaultStatus(error) === 404 && isVaultAnswer(error) && !isNoRoute(error)

/** A 404 for an unknown route (wrong mount or namespace), as opposed to a missing secret (`errors: []`). */
export function isNoRoute(error: unknown): boolean {
  return vaultStatus(error) === 404 && vaultMessages(error).some((m) => m.includes('no handler for route'))
}

export interface MapContext {
  store: string
  operation: SecretOperation
  secretName: string | undefined
  mount: string
}

/**
 * Classifies a node-vault (or transport) error. Vault's own answers: 403 → `AccessDeniedError`; 400
 * check-and-set → `VaultCheckAndSetError`; 404 unknown route → `UnknownSecretStoreError` naming the mount;
 * 412 (a performance standby not caught up) and the 400 a KV mount gives while it upgrades to v2 →
 * `UnavailableError`. Transport failures, 408, 429 and 5xx go through core's shared classification.
 * Messages carry statuses and codes only (Vault's error text may echo a request), and the cause is a
 * sanitized copy.
 */
export function mapVaultError(error: unknown, context: MapContext): SecretStoreError {
  if (error instanceof AppRoleLoginError) {
    const inner = error.failure
    const status = vaultStatus(inner)
    const classify = {
      ...context,
      backend: 'Vault (AppRole login)',
      status,
      headers: responseOf(inner)?.headers as never,
    }
    // AppRole answers 400 "invalid role or secret ID" for bad credentials, 403 for a wrong mount path.
    if (status === 400 || status === 403) {
      return new AccessDeniedError(`AppRole login failed (${status})`, errorOptions(inner, classify))
    }
    return classifyTransport(inner, classify) ?? unknownError(inner, classify, `AppRole login: ${describe(inner)}`)
  }

  const status = vaultStatus(error)
  const classify = { ...context, backend: 'Vault', status, headers: responseOf(error)?.headers as never }
  const options = errorOptions(error, classify)
  const messages = vaultMessages(error)
  if (status === 403) {
    return new AccessDeniedError('Vault answered 403; a missing, expired or revoked token also gives 403', options)
  }
  if (status === 400 && messages.some((m) => m.includes('check-and-set'))) {
    const hint = messages.some((m) => m.includes('required')) ? '; the mount requires cas: true' : ''
    return new VaultCheckAndSetError(`check-and-set failed (400)${hint}`, options)
  }
  if (status === 400 && messages.some((m) => m.includes('Upgrading from non-versioned to versioned'))) {
    return new UnavailableError('Vault answered 400: the KV mount is still upgrading to version 2', options)
  }
  if (status === 412) return new UnavailableError('Vault answered 412: the node has not caught up yet', options)
  if (status !== undefined && !isVaultAnswer(error) && status !== 204) {
    return new UnavailableError(
      `an answer (${status}) that is not Vault's came back; a proxy may be in the way`,
      options,
    )
  }
  if (isNoRoute(error)) {
    return new ConfigurationError(
      `Vault has no route for mount "${context.mount}" (404); check the mount, namespace and KV version`,
      options,
    )
  }
  return classifyTransport(error, classify) ?? unknownError(error, classify, describe(error))
}

/** A short, value-free description: the status, or the error class. */
function describe(error: unknown): string {
  const status = vaultStatus(error)
  if (status !== undefined) return `${status}`
  return error instanceof Error ? error.name : typeof error
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
