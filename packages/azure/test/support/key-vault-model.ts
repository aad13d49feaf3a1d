import { randomBytes } from 'node:crypto'

/**
 * The state and operations of the Key Vault fake: secrets with versions, soft delete, recover and purge,
 * case-insensitive names, and Key Vault's answers for each. The HTTP side is in key-vault-fake.ts.
 */
export interface FakeKeyVaultSettings {
  /** The bearer token that is refused with 403 Forbidden. @default 'denied-token' */
  deniedToken: string
  /**
   * After a delete, `GET /deletedsecrets/{name}` answers 404 this many times before the deleted secret
   * shows; after a recovery, `GET /secrets/{name}` does the same. Exercises the clients' poll loops.
   * @default 0
   */
  visibleAfterPolls: number
  /** After a purge, writes of that name answer 409 Conflict this many times. @default 0 */
  conflictsAfterPurge: number
  /** Every authenticated request is answered after this many milliseconds. @default 0 */
  latencyMs: number
  /**
   * The vault's URL in the ids and `nextLink`s it answers with, as Key Vault names itself (the client
   * follows a `nextLink` only to the origin it sent the request to). @default the request's `Host`
   */
  publicUrl: string | undefined
}

export const DEFAULT_SETTINGS: Readonly<FakeKeyVaultSettings> = Object.freeze({
  deniedToken: 'denied-token',
  visibleAfterPolls: 0,
  conflictsAfterPurge: 0,
  latencyMs: 0,
  publicUrl: undefined,
})

/** One request as the fake saw it. */
export const ROUTES = {
  list: 'GET /secrets',
  set: 'PUT /secrets/{name}',
  get: 'GET /secrets/{name}',
  versions: 'GET /secrets/{name}/versions',
  delete: 'DELETE /secrets/{name}',
  getDeleted: 'GET /deletedsecrets/{name}',
  purge: 'DELETE /deletedsecrets/{name}',
  recover: 'POST /deletedsecrets/{name}/recover',
} as const

export const NAME = /^[0-9a-zA-Z-]{1,127}$/
export const API_VERSION = /^(7\.\d+|2025-\d{2}-\d{2})(-preview(\.\d+)?)?$/
export const MAX_VALUE_BYTES = 25 * 1024
/** `maxresults` of a list: 1 to 25, and 25 when not given. */
export const MAX_LIST_RESULTS = 25
export const MAX_BODY_BYTES = 1024 * 1024
export const RECOVERABLE_DAYS = 90

export interface Version {
  id: string
  value: string
  contentType: string | undefined
  enabled: boolean
  created: number
  updated: number
  tags: Record<string, string> | undefined
}

export interface Deletion {
  deletedDate: number
  scheduledPurgeDate: number
  /** GET /deletedsecrets answers 404 this many more times. */
  hiddenPolls: number
}

export interface Entry {
  /** As first created; lookups ignore case. */
  name: string
  versions: Version[]
  deleted: Deletion | undefined
  /** After a recovery, GET /secrets answers 404 this many more times. */
  hiddenPolls: number
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** Error bodies as Key Vault sends them for statuses a test forces. */
export function faultBody(status: number): unknown {
  const [code, message] =
    status === 429
      ? [
          'Throttled',
          'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached',
        ]
      : status === 503
        ? ['ServiceUnavailable', 'The service is temporarily unavailable. Please retry later.']
        : status >= 500
          ? ['InternalServerError', 'An unexpected error occurred.']
          : ['BadRequest', `The request failed with status ${status}.`]
  return { error: { code, message } }
}

/** What an operation is given: the route's parameters, the query, the body and the vault's base URL. */
export interface OperationArgs {
  name: string
  version?: string
  query: URLSearchParams
  body: string
  base: string
}

/** One operation: the route's parameters in, `[status, body]` out (or an `HttpError` thrown). */
export type Operation = (args: OperationArgs) => [number, unknown]

/** The name a `$skiptoken` says the previous page ended with; 400 for one the fake did not make. */
function skipMarker(token: string | null): string | undefined {
  if (token === null) return undefined
  try {
    const marker = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { NextMarker?: unknown }).NextMarker
    if (typeof marker === 'string') return marker
  } catch {}
  throw new HttpError(400, 'BadParameter', 'The $skiptoken is not valid.')
}

/** A vault's state and its operations, keyed by route. `settings` is read on every call. */
export function createVault(settings: () => FakeKeyVaultSettings) {
  const entries = new Map<string, Entry>()
  /** Lower-cased name → 409s still due after a purge. */
  const purging = new Map<string, number>()

  const now = () => Math.floor(Date.now() / 1000)
  const findEntry = (name: string) => entries.get(name.toLowerCase())
  const liveEntry = (name: string) => {
    const entry = findEntry(name)
    return entry !== undefined && entry.deleted === undefined ? entry : undefined
  }
  const notFound = (name: string) =>
    new HttpError(
      404,
      'SecretNotFound',
      `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    )
  const deletedNotFound = (name: string) => new HttpError(404, 'SecretNotFound', `Deleted Secret not found: ${name}`)

  const attributes = (version: Version) => ({
    enabled: version.enabled,
    created: version.created,
    updated: version.updated,
    recoveryLevel: 'Recoverable+Purgeable',
    recoverableDays: RECOVERABLE_DAYS,
  })
  const latest = (entry: Entry) => entry.versions[entry.versions.length - 1] as Version
  const secretId = (base: string, entry: Entry, version?: Version) =>
    `${base}/secrets/${entry.name}${version === undefined ? '' : `/${version.id}`}`
  const bundle = (base: string, entry: Entry, version: Version, withValue: boolean) => ({
    ...(withValue ? { value: version.value } : {}),
    ...(version.contentType === undefined ? {} : { contentType: version.contentType }),
    id: secretId(base, entry, version),
    attributes: attributes(version),
    ...(version.tags === undefined ? {} : { tags: version.tags }),
  })
  const deletedBundle = (base: string, entry: Entry, deletion: Deletion) => ({
    recoveryId: `${base}/deletedsecrets/${entry.name}`,
    deletedDate: deletion.deletedDate,
    scheduledPurgeDate: deletion.scheduledPurgeDate,
    ...bundle(base, entry, latest(entry), false),
  })

  /** Returns [status, body]. */
  const operations: Record<string, Operation> = {
    // Live secrets (soft-deleted ones are left out), ordered by name ignoring case, `maxresults` at a
    // time; `nextLink` carries a `$skiptoken` naming the last one listed, so a page is stable while
    // secrets come and go. An id is the secret's base identifier, in the case it was first created with.
    [ROUTES.list]: ({ query, base }) => {
      const given = query.get('maxresults')
      const max = given === null ? MAX_LIST_RESULTS : Number(given)
      if (!Number.isInteger(max) || max < 1 || max > MAX_LIST_RESULTS) {
        throw new HttpError(400, 'BadParameter', `invalid maxresults: ${given}`)
      }
      const after = skipMarker(query.get('$skiptoken'))
      const live = [...entries.entries()]
        .filter(([key, entry]) => entry.deleted === undefined && (after === undefined || key > after))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      const page = live.slice(0, max)
      const value = page.map(([, entry]) => {
        const version = latest(entry)
        return {
          id: secretId(base, entry),
          attributes: attributes(version),
          ...(version.contentType === undefined ? {} : { contentType: version.contentType }),
          ...(version.tags === undefined ? {} : { tags: version.tags }),
        }
      })
      const last = page.at(-1)?.[0]
      if (live.length === page.length || last === undefined) return [200, { value, nextLink: null }]
      const version = encodeURIComponent(query.get('api-version') ?? '')
      const token = Buffer.from(JSON.stringify({ NextMarker: last })).toString('base64url')
      return [200, { value, nextLink: `${base}/secrets?api-version=${version}&$skiptoken=${token}&maxresults=${max}` }]
    },

    [ROUTES.set]: ({ name, body, base }) => {
      let parsed: unknown
      try {
        parsed = JSON.parse(body)
      } catch {
        throw new HttpError(400, 'BadParameter', 'The request body is not valid JSON.')
      }
      const { value, contentType, attributes: attrs, tags } = (parsed ?? {}) as Record<string, unknown>
      if (typeof value !== 'string' || value === '') {
        throw new HttpError(400, 'BadParameter', 'Property value is required and must be a non-empty string.')
      }
      if (Buffer.byteLength(value, 'utf8') > MAX_VALUE_BYTES) {
        throw new HttpError(
          400,
          'BadParameter',
          `The secret value exceeds the maximum size of ${MAX_VALUE_BYTES} bytes.`,
        )
      }
      const key = name.toLowerCase()
      let entry = entries.get(key)
      if (entry?.deleted !== undefined) {
        throw new HttpError(
          409,
          'Conflict',
          `Secret ${entry.name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`,
        )
      }
      const conflicts = purging.get(key) ?? 0
      if (conflicts > 0) {
        if (conflicts === 1) purging.delete(key)
        else purging.set(key, conflicts - 1)
        throw new HttpError(409, 'Conflict', `Secret ${name} is currently being deleted.`)
      }
      if (entry === undefined) {
        entry = { name, versions: [], deleted: undefined, hiddenPolls: 0 }
        entries.set(key, entry)
      }
      const at = now()
      const version: Version = {
        id: randomBytes(16).toString('hex'),
        value,
        contentType: typeof contentType === 'string' ? contentType : undefined,
        enabled: (attrs as { enabled?: unknown } | undefined)?.enabled !== false,
        created: at,
        updated: at,
        tags: typeof tags === 'object' && tags !== null ? (tags as Record<string, string>) : undefined,
      }
      entry.versions.push(version)
      return [200, bundle(base, entry, version, true)]
    },

    [ROUTES.get]: ({ name, version, base }) => {
      const entry = liveEntry(name)
      if (entry === undefined) throw notFound(name)
      if (entry.hiddenPolls > 0) {
        entry.hiddenPolls--
        throw notFound(name)
      }
      const found = version ? entry.versions.find((v) => v.id === version) : latest(entry)
      if (found === undefined) throw notFound(`${name}/${version}`)
      if (!found.enabled) {
        throw new HttpError(403, 'Forbidden', 'Operation get is not allowed on a disabled secret.')
      }
      return [200, bundle(base, entry, found, true)]
    },

    [ROUTES.versions]: ({ name, base }) => {
      const entry = liveEntry(name)
      if (entry === undefined) throw notFound(name)
      const value = entry.versions.map((v) => ({ id: secretId(base, entry, v), attributes: attributes(v) }))
      return [200, { value, nextLink: null }]
    },

    [ROUTES.delete]: ({ name, base }) => {
      // An already soft-deleted name answers 404, as on Key Vault.
      const entry = liveEntry(name)
      if (entry === undefined) throw notFound(name)
      const at = now()
      entry.deleted = {
        deletedDate: at,
        scheduledPurgeDate: at + RECOVERABLE_DAYS * 86_400,
        hiddenPolls: settings().visibleAfterPolls,
      }
      entry.hiddenPolls = 0
      return [200, deletedBundle(base, entry, entry.deleted)]
    },

    [ROUTES.getDeleted]: ({ name, base }) => {
      const entry = findEntry(name)
      if (entry?.deleted === undefined) throw deletedNotFound(name)
      if (entry.deleted.hiddenPolls > 0) {
        entry.deleted.hiddenPolls--
        throw deletedNotFound(name)
      }
      return [200, deletedBundle(base, entry, entry.deleted)]
    },

    [ROUTES.purge]: ({ name }) => {
      const entry = findEntry(name)
      if (entry?.deleted === undefined) throw deletedNotFound(name)
      entries.delete(name.toLowerCase())
      if (settings().conflictsAfterPurge > 0) purging.set(name.toLowerCase(), settings().conflictsAfterPurge)
      return [204, undefined]
    },

    [ROUTES.recover]: ({ name, base }) => {
      const entry = findEntry(name)
      if (entry?.deleted === undefined) throw deletedNotFound(name)
      entry.deleted = undefined
      entry.hiddenPolls = settings().visibleAfterPolls
      return [200, bundle(base, entry, latest(entry), false)]
    },
  }

  return { entries, purging, operations }
}
