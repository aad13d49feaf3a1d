import { type CacheOptions, StoreBaseConfig } from './types.js'

export const DEFAULT_CACHE_TTL_MS = StoreBaseConfig.cache.ttlMs
export const DEFAULT_CACHE_MAX_ENTRIES = StoreBaseConfig.cache.maxEntries

export interface CacheEntry {
  readonly value: string | undefined
  /** Epoch milliseconds after which the entry is no longer fresh. */
  readonly expiresAt: number
  /** Epoch milliseconds until which the entry may still answer when the backend is unavailable. */
  readonly staleUntil: number
}

export interface ResolvedCacheOptions {
  enabled: boolean
  ttlMs: number
  maxEntries: number
  staleIfErrorMs: number
  cacheMisses: boolean
}

export function resolveCacheOptions(options: CacheOptions | false | undefined): ResolvedCacheOptions {
  const o = options === false ? { enabled: false } : (options ?? {})
  const resolved: ResolvedCacheOptions = {
    enabled: o.enabled ?? true,
    ttlMs: o.ttlMs ?? DEFAULT_CACHE_TTL_MS,
    maxEntries: o.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES,
    staleIfErrorMs: o.staleIfErrorMs ?? 0,
    cacheMisses: o.cacheMisses ?? true,
  }
  if (!Number.isFinite(resolved.ttlMs) || resolved.ttlMs <= 0) {
    throw new RangeError(
      'cache.ttlMs must be a finite number of milliseconds above 0 (use cache: false to switch caching off)',
    )
  }
  if (!Number.isInteger(resolved.maxEntries) || resolved.maxEntries < 1) {
    throw new RangeError('cache.maxEntries must be a whole number of at least 1')
  }
  if (!Number.isFinite(resolved.staleIfErrorMs) || resolved.staleIfErrorMs < 0) {
    throw new RangeError('cache.staleIfErrorMs must be a finite number of milliseconds, 0 or more')
  }
  return resolved
}

/**
 * A size-bounded LRU cache with a TTL. A `Map` keeps insertion order, so re-inserting
 * on a hit moves the entry to the young end and eviction takes the first key.
 */
export class SecretCache {
  readonly #entries = new Map<string, CacheEntry>()
  readonly #options: ResolvedCacheOptions

  constructor(options: ResolvedCacheOptions) {
    this.#options = options
  }

  get size(): number {
    return this.#entries.size
  }

  /** A fresh entry, or `undefined`. Counts as a use for the LRU order. */
  getFresh(name: string, now: number): CacheEntry | undefined {
    const entry = this.#entries.get(name)
    if (entry === undefined) return undefined
    if (entry.expiresAt <= now) {
      if (entry.staleUntil <= now) this.#entries.delete(name)
      return undefined
    }
    this.#entries.delete(name)
    this.#entries.set(name, entry)
    return entry
  }

  /** An expired entry still inside its stale-if-error window, or `undefined`. */
  getStale(name: string, now: number): CacheEntry | undefined {
    const entry = this.#entries.get(name)
    return entry !== undefined && entry.staleUntil > now ? entry : undefined
  }

  set(name: string, value: string | undefined, now: number): void {
    if (value === undefined && !this.#options.cacheMisses) {
      this.#entries.delete(name)
      return
    }
    const expiresAt = now + this.#options.ttlMs
    this.#entries.delete(name)
    this.#entries.set(name, { value, expiresAt, staleUntil: expiresAt + this.#options.staleIfErrorMs })
    while (this.#entries.size > this.#options.maxEntries) {
      const oldest = this.#entries.keys().next()
      if (oldest.done) break
      this.#entries.delete(oldest.value)
    }
  }

  delete(name: string): void {
    this.#entries.delete(name)
  }

  clear(): void {
    this.#entries.clear()
  }
}
