/**
 * Refresh after rotation: run work with secrets, and when the system the secrets are for rejects them
 * (its password was rotated, the cache still holds the old one), read them again from the backend once
 * and run the work once more.
 */
import { SecretStoreError } from './errors.js'
import type { FreshSecretReader, SecretStore, SecretValues } from './types.js'

export interface WithSecretsOptions {
  /**
   * Whether the work's failure means the downstream system rejected the credentials. Only then are the
   * secrets read again and the work retried.
   * @default isAuthenticationError
   */
  isAuthError?: (error: unknown) => boolean
  /**
   * For this long after a refresh, callers that failed with the same old values take its result instead
   * of reading again: a rotation storm makes one backend read per name.
   * @default 5000
   */
  reuseRefreshMs?: number
}

/**
 * What `withSecrets` reads through: any store or view, or PURISTA's `context.secrets`. Refreshes are shared
 * per object, so pass the store (or one long-lived view) to share them across requests.
 */
export type SecretReader = Pick<SecretStore, 'getSecret'> & Partial<FreshSecretReader>

interface Refresh {
  /** The value the failed work used. */
  readonly basedOn: string | undefined
  readonly promise: Promise<string | undefined>
  settledAt: number | undefined
}

/** Refreshes per store and name. Values live here only as long as the store does (and no longer than the next refresh). */
const refreshes = new WeakMap<object, Map<string, Refresh>>()

/**
 * Runs `work` with the secrets `names`. When it fails and `isAuthError` says the downstream system
 * rejected the credentials, the names are read again from the backend (bypassing the cache) and `work`
 * runs once more with the new values; its outcome is the result. Concurrent callers that failed with the
 * same values share one backend read per name.
 *
 * @example
 * const rows = await withSecrets(secretStore, ['dbPassword'], async ({ dbPassword }) => {
 *   const client = new pg.Client({ ...connection, password: dbPassword })
 *   await client.connect()
 *   try { return (await client.query('select 1')).rows } finally { await client.end() }
 * })
 */
export async function withSecrets<const Names extends string[], T>(
  store: SecretReader,
  names: Names,
  work: (secrets: SecretValues<Names>) => Promise<T> | T,
  options: WithSecretsOptions = {},
): Promise<T> {
  const isAuthError = options.isAuthError ?? isAuthenticationError
  const used = await store.getSecret(...names)
  try {
    return await work(used)
  } catch (error) {
    if (!isAuthError(error)) throw error
    const fresh = await refresh(store, names, used, options.reuseRefreshMs ?? 5_000)
    return work(fresh)
  }
}

async function refresh<Names extends string[]>(
  store: SecretReader,
  names: Names,
  used: SecretValues<Names>,
  reuseMs: number,
): Promise<SecretValues<Names>> {
  let perName = refreshes.get(store)
  if (perName === undefined) {
    perName = new Map()
    refreshes.set(store, perName)
  }
  const registry = perName
  const usedValues = used as Record<string, string | undefined>
  const now = Date.now()
  const fresh: Record<string, string | undefined> = {}
  const waiting: Array<Promise<unknown>> = []
  const toRead: string[] = []
  for (const name of new Set(names)) {
    const entry = registry.get(name)
    const reusable =
      entry !== undefined &&
      entry.basedOn === usedValues[name] &&
      (entry.settledAt === undefined || now - entry.settledAt < reuseMs)
    if (reusable) {
      waiting.push(entry.promise.then((value) => (fresh[name] = value)))
    } else {
      toRead.push(name)
    }
  }
  if (toRead.length > 0) {
    const read = forcedRead(store, toRead)
    for (const name of toRead) {
      const entry: Refresh = { basedOn: usedValues[name], promise: read.then((v) => v[name]), settledAt: undefined }
      entry.promise.then(
        () => {
          entry.settledAt = Date.now()
        },
        () => {
          if (registry.get(name) === entry) registry.delete(name)
        },
      )
      registry.set(name, entry)
    }
    waiting.push(read.then((values) => Object.assign(fresh, pick(values, toRead))))
  }
  await Promise.all(waiting)
  return Object.freeze(Object.fromEntries(names.map((name) => [name, fresh[name]]))) as SecretValues<Names>
}

function pick(values: Record<string, string | undefined>, names: string[]) {
  return Object.fromEntries(names.map((name) => [name, values[name]]))
}

/** Reads from the backend: `getSecretWith({ forceFetch })` where the store has it, else invalidate and read. */
function forcedRead(store: SecretReader, names: string[]): Promise<Record<string, string | undefined>> {
  const fresh = store as SecretReader & Partial<FreshSecretReader>
  if (typeof fresh.getSecretWith === 'function') return fresh.getSecretWith({ forceFetch: true }, ...names)
  if (typeof fresh.invalidate === 'function') fresh.invalidate(...names)
  return store.getSecret(...names)
}

/** HTTP statuses and driver codes that say "these credentials are wrong". */
const AUTH_CODES = new Set<unknown>([
  '28P01', // PostgreSQL invalid_password
  '28000', // PostgreSQL invalid_authorization_specification
  'ER_ACCESS_DENIED_ERROR', // MySQL / MariaDB
  'ELOGIN', // SQL Server (tedious)
  'EAUTH', // SMTP (nodemailer)
  'AuthenticationFailed', // MongoDB codeName
  'InvalidClientTokenId', // AWS
  'UnrecognizedClientException', // AWS
  'SignatureDoesNotMatch', // AWS
  'invalid_client', // OAuth 2
  'invalid_grant', // OAuth 2
])

const AUTH_MESSAGE =
  /\b(WRONGPASS|NOAUTH|authentication failed|password authentication failed|access denied for user|invalid (api[ _-]?key|credentials|password|token)|bad credentials|unauthori[sz]ed)\b/i

/**
 * The default test of `withSecrets`: the error (or one of its causes) is an HTTP 401, or carries a driver
 * code or message for rejected credentials (PostgreSQL 28P01/28000, MySQL ER_ACCESS_DENIED_ERROR, SQL
 * Server ELOGIN, MongoDB AuthenticationFailed, Redis WRONGPASS/NOAUTH, SMTP EAUTH, OAuth invalid_client
 * and invalid_grant, AWS InvalidClientTokenId/UnrecognizedClientException/SignatureDoesNotMatch). Errors
 * of the secret store itself never count: they are not the downstream system's.
 */
export function isAuthenticationError(error: unknown): boolean {
  let current: unknown = error
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    if (current instanceof SecretStoreError) return false
    const e = current as Record<string, unknown>
    const response = e.response as Record<string, unknown> | undefined
    const metadata = e.$metadata as Record<string, unknown> | undefined
    const statuses = [e.status, e.statusCode, response?.status, response?.statusCode, metadata?.httpStatusCode]
    if (statuses.includes(401)) return true
    if (AUTH_CODES.has(e.code) || AUTH_CODES.has(e.codeName) || AUTH_CODES.has(e.name) || AUTH_CODES.has(e.error)) {
      return true
    }
    if (typeof e.message === 'string' && AUTH_MESSAGE.test(e.message)) return true
    current = e.cause
  }
  return false
}
