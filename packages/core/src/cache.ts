import { type CacheOptions, StoreBaseConfig } from './types.js'

export const DEFAULT_CACHE_TTL_MS = StoreBaseConfig.cache.ttlMs
export const DEFAULT_CACHE_MAX_ENTRIES = StoreBaseConfig.cache.maxEntries

export interface CacheEntry {
  readonly value: string | undefined
  /** Epoch milliseconds when the value was read from the backend (or written). */
  readonly storedAt: number
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

interface Node extends CacheEntry {
  readonly name: string
  newer: Node | undefined
  older: Node | undefined
  /** The frozen single-name result, built on the first hit and shared by every later one. */
  answer: Promise<Readonly<Record<string, string | undefined>>> | undefined
}

/**
 * A size-bounded LRU cache with a TTL. The recency order is a doubly linked list threaded
 * through the entries: a hit relinks two pointers instead of re-inserting into the Map,
 * which keeps a cached read close to the cost of a bare Map lookup.
 */
export class SecretCache {
  readonly #entries = new Map<string, Node>()
  readonly #options: ResolvedCacheOptions
  #newest: Node | undefined
  #oldest: Node | undefined

  constructor(options: ResolvedCacheOptions) {
    this.#options = options
  }

  get size(): number {
    return this.#entries.size
  }

  /**
   * The answer to `getSecret(name)` when `name` is fresh in the cache, or `undefined`.
   * Counts as a use for the LRU order.
   */
  answer(name: string, now: number): Promise<Readonly<Record<string, string | undefined>>> | undefined {
    const node = this.getFresh(name, now) as Node | undefined
    if (node === undefined) return undefined
    node.answer ??= Promise.resolve(Object.freeze({ [name]: node.value }))
    return node.answer
  }

  /** A fresh entry, or `undefined`. Counts as a use for the LRU order. */
  getFresh(name: string, now: number): CacheEntry | undefined {
    const node = this.#entries.get(name)
    if (node === undefined) return undefined
    if (node.expiresAt <= now) {
      if (node.staleUntil <= now) this.delete(name)
      return undefined
    }
    if (node !== this.#newest) {
      this.#unlink(node)
      this.#pushNewest(node)
    }
    return node
  }

  /** An expired entry still inside its stale-if-error window, or `undefined`. */
  getStale(name: string, now: number): CacheEntry | undefined {
    const node = this.#entries.get(name)
    return node !== undefined && node.staleUntil > now ? node : undefined
  }

  set(name: string, value: string | undefined, now: number): void {
    this.delete(name)
    if (value === undefined && !this.#options.cacheMisses) return
    const expiresAt = now + this.#options.ttlMs
    const node: Node = {
      name,
      value,
      storedAt: now,
      expiresAt,
      staleUntil: expiresAt + this.#options.staleIfErrorMs,
      newer: undefined,
      older: undefined,
      answer: undefined,
    }
    this.#entries.set(name, node)
    this.#pushNewest(node)
    while (this.#entries.size > this.#options.maxEntries && this.#oldest !== undefined) {
      this.delete(this.#oldest.name)
    }
  }

  delete(name: string): void {
    const node = this.#entries.get(name)
    if (node === undefined) return
    this.#entries.delete(name)
    this.#unlink(node)
  }

  clear(): void {
    this.#entries.clear()
    this.#newest = undefined
    this.#oldest = undefined
  }

  #unlink(node: Node): void {
    if (node.newer !== undefined) node.newer.older = node.older
    else this.#newest = node.older
    if (node.older !== undefined) node.older.newer = node.newer
    else this.#oldest = node.newer
    node.newer = undefined
    node.older = undefined
  }

  #pushNewest(node: Node): void {
    node.older = this.#newest
    if (this.#newest !== undefined) this.#newest.newer = node
    this.#newest = node
    if (this.#oldest === undefined) this.#oldest = node
  }
}
