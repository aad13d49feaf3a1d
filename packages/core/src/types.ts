import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { RetryOptions } from './reliability.js'
import type { JsonReadOptions, JsonValue } from './typed-values.js'

/**
 * The result of `getSecret(...names)`: exactly one key per requested name.
 * A secret that does not exist is `undefined`, never an error.
 */
export type SecretValues<Names extends string[]> = {
  [K in Names[number]]: string | undefined
}

/**
 * The secret store contract. Structurally identical to what PURISTA's
 * `getInstance(eventBridge, { secretStore })` accepts, so any implementation
 * (including the scoped views from `bindSecrets`) can be handed to PURISTA.
 */
export interface SecretStore {
  readonly name: string
  getSecret<Names extends string[]>(...names: Names): Promise<SecretValues<Names>>
  setSecret(name: string, value: string): Promise<void>
  removeSecret(name: string): Promise<void>
  destroy(): Promise<void>
}

/**
 * Per-call freshness of a read (`getSecretWith(options, ...names)`). Without either, a read is answered
 * from the cache while the entry is within the store's TTL.
 */
export interface ReadOptions {
  /**
   * Skip the cache: every name is read from the backend (a backend read already in flight for a name is
   * shared, never duplicated), and the answer refreshes the cache. No stale value stands in on failure.
   * @default false
   */
  forceFetch?: boolean
  /**
   * Accept a cached value only when it was read from the backend (or written) at most this many
   * milliseconds ago; older ones are read again. `0` reads every name again, like `forceFetch`.
   * @default the cache TTL
   */
  maxAgeMs?: number
}

/**
 * What a store offers beyond PURISTA's `SecretStore` shape for fresh reads: `SecretStoreBaseClass` and
 * `bindSecrets` views implement it.
 */
export interface FreshSecretReader {
  /** `getSecret` with per-call freshness (see `ReadOptions`). */
  getSecretWith<Names extends string[]>(options: ReadOptions, ...names: Names): Promise<SecretValues<Names>>
  /** Drops these names from the cache (all names when none is given, on a store): the next read goes to the backend. */
  invalidate(...names: string[]): void
}

/**
 * Typed reads of one secret, beyond PURISTA's shape: `SecretStoreBaseClass` and `bindSecrets` views
 * implement it.
 */
export interface TypedSecretReader {
  /** The secret parsed as JSON, validated by `options.schema` when given; `undefined` when missing. */
  getSecretJson<Schema extends StandardSchemaV1 | undefined = undefined>(
    name: string,
    options?: JsonReadOptions<Schema>,
  ): Promise<JsonValue<Schema> | undefined>
  /** The secret's bytes (binary as stored where the backend keeps binary); `undefined` when missing. */
  getSecretBytes(name: string, options?: ReadOptions): Promise<Uint8Array | undefined>
}

/** The subset of a pino/PURISTA logger the stores use. Any such logger fits. */
export interface SecretStoreLogger {
  debug(...args: unknown[]): void
  info(...args: unknown[]): void
  warn(...args: unknown[]): void
  error(...args: unknown[]): void
}

/** What a store does: PURISTA's three operations, and listing names (allowed by `enableGet`). */
export type SecretOperation = 'get' | 'set' | 'remove' | 'list'

export interface CacheOptions {
  /**
   * Switch the cache off entirely. Reads then always reach the backend
   * (concurrent reads of one name are still coalesced).
   * @default true
   */
  enabled?: boolean
  /**
   * How long a value is served from the cache, in milliseconds. Finite on purpose,
   * so that rotated secrets are picked up.
   * @default 300000 (5 minutes)
   */
  ttlMs?: number
  /**
   * Maximum number of names kept; the least recently used is evicted first.
   * @default 1000
   */
  maxEntries?: number
  /**
   * After the TTL has run out, a value may still be served for this many milliseconds
   * when the backend fails with a retryable (unavailable) error. 0 disables it.
   * @default 0
   */
  staleIfErrorMs?: number
  /**
   * Whether "does not exist" answers are cached too (for the same TTL).
   * @default true
   */
  cacheMisses?: boolean
}

/**
 * What a backend can do. Core and the contract suite read these flags; an adapter
 * only declares the ones that differ from the defaults.
 */
export interface SecretStoreCapabilities {
  /** The backend accepts writes and deletes. @default true */
  writes: boolean
  /** A plain `removeSecret` leaves the secret recoverable on the backend. @default false */
  recoverableDelete: boolean
  /** Several names are fetched in fewer requests than names (the store has a batch read hook). @default false */
  batchReads: boolean
  /** Largest value `setSecret` accepts, in UTF-8 bytes. @default 65536 */
  maxValueBytes: number
  /** `listSecretNames` works (the store has a listing hook). @default false */
  listing: boolean
}

/**
 * Options every store accepts. The store's own options sit under `config`,
 * as in PURISTA's `StoreBaseConfig`.
 */
export type StoreBaseConfig<Config extends object = Record<string, unknown>> = {
  /** Allow `getSecret`. @default true */
  enableGet?: boolean
  /** Allow `setSecret`. @default false */
  enableSet?: boolean
  /** Allow `removeSecret`. @default false */
  enableRemove?: boolean
  /** Receives debug and warning lines; never secret values or credentials. @default a silent logger */
  logger?: SecretStoreLogger
  /** Cache settings; `false` switches the cache off. @default { ttlMs: 300000, maxEntries: 1000 } */
  cache?: CacheOptions | false
  /** Upper bound on backend requests one operation keeps in flight at once. @default 8 */
  maxConcurrency?: number
  /**
   * PURISTA's name for switching the cache: `false` is `cache: false`. Use either this pair or `cache`.
   * @default true
   */
  enableCache?: boolean
  /** PURISTA's name for the cache TTL in milliseconds: `cache: { ttlMs }`. @default 300000 */
  cacheTtl?: number
  /**
   * PURISTA's log level: lines below it are not passed to `logger`. Without a `logger` nothing is logged.
   * @default 'debug' (everything the store logs reaches the logger)
   */
  logLevel?: SecretStoreLogLevel
  /**
   * Rewrites every name before the adapter sees it, for teams with their own naming conventions
   * (for example a path prefix per environment: `(name) => \`prod/${name}\``). Callers keep using their
   * own names: results come back under them. It must be pure (the same name always gives the same
   * result); its result is checked like any name, against core's safety rule and the backend's rules.
   * @default none: names reach the backend as they are
   */
  nameTransform?: (name: string) => string
  /**
   * The deadline of one operation in milliseconds, retries and waits included. Past it the call fails
   * with `UnavailableError` (or, for a read inside the stale-if-error window, answers the last good value).
   * @default 10000
   */
  timeoutMs?: number
  /** The longest one backend request may take before it is aborted (and, for a read, retried). @default 4000 */
  attemptTimeoutMs?: number
  /**
   * How reads are retried after a retryable failure (`false`: never). Writes are not retried by the
   * base class. @default { attempts: 5, baseDelayMs: 50, maxDelayMs: 1000, budgetRatio: 0.5, budgetCapacity: 50 }
   */
  retry?: RetryOptions | false
  /** The store's own options. */
  config: Config
}

/** PURISTA's log level names, lowest first. */
export type SecretStoreLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'

/**
 * The options every store accepts, flat: `StoreBaseConfig` without `config`. Adapters accept these
 * beside their own options and split them off with `splitStoreOptions`.
 */
export type StoreBaseOptions = Omit<StoreBaseConfig, 'config'>

/**
 * The defaults behind `StoreBaseConfig`. It also exists as a value so that code importing
 * `StoreBaseConfig` without `import type` (as the PURISTA handbook samples do) keeps working
 * under `verbatimModuleSyntax` and in bundlers that keep such imports.
 */
export const StoreBaseConfig = Object.freeze({
  enableGet: true,
  enableSet: false,
  enableRemove: false,
  maxConcurrency: 8,
  cache: Object.freeze({ enabled: true, ttlMs: 300_000, maxEntries: 1_000, staleIfErrorMs: 0, cacheMisses: true }),
})

/** Options of `removeSecret`. */
export interface RemoveSecretOptions {
  /**
   * Delete irreversibly where the backend distinguishes (purge, force delete, destroy all versions).
   * @default the store's `purgeOnRemove` setting, which defaults to the recoverable delete
   */
  purge?: boolean
}

/**
 * What the one-name read hook returns: the value, `undefined` (or `null`) when the backend says the
 * secret does not exist, or (as PURISTA's own stores do) a record keyed by the name.
 */
export type SecretRead = string | undefined | null | Readonly<Record<string, string | undefined | null>>

export const DEFAULT_CAPABILITIES: SecretStoreCapabilities = Object.freeze({
  writes: true,
  recoverableDelete: false,
  batchReads: false,
  maxValueBytes: 65_536,
  listing: false,
})
