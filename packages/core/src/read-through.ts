/**
 * The read path between callers and the backend: a TTL + LRU cache, single-flight (any number of
 * concurrent readers of a cold name share one backend read), and stale-if-error. It knows nothing of
 * names' validity or of the backend: the store hands it a loader.
 */
import { type ResolvedCacheOptions, SecretCache } from './cache.js'
import { coarseNow } from './clock.js'
import { SecretStoreError } from './errors.js'
import type { ReadOptions } from './types.js'

/** Reads some names from the backend; every requested name gets an entry (`undefined` when missing). */
export type Loader = (names: string[]) => Promise<Map<string, string | undefined>>

interface InFlight {
  readonly promise: Promise<string | undefined>
  /** Set when a write or invalidation overtook this read: its answer must not enter the cache. */
  stale: boolean
}

export interface ReadResult {
  /** One entry per distinct requested name. */
  readonly values: Map<string, string | undefined>
  /** How many names the cache answered. */
  readonly hits: number
}

export class ReadThrough {
  readonly #options: ResolvedCacheOptions
  readonly #cache: SecretCache
  readonly #inFlight = new Map<string, InFlight>()
  /** Called once per read answered from stale entries. */
  readonly #onStale: (error: SecretStoreError, count: number) => void
  #closed = false

  constructor(options: ResolvedCacheOptions, onStale: (error: SecretStoreError, count: number) => void) {
    this.#options = options
    this.#cache = new SecretCache(options)
    this.#onStale = onStale
  }

  get size(): number {
    return this.#cache.size
  }

  /** The shared frozen answer for one fresh cached name, or `undefined`: the fast path of `getSecret`. */
  answer(name: string): Promise<Readonly<Record<string, string | undefined>>> | undefined {
    return this.#options.enabled && !this.#closed ? this.#cache.answer(name, coarseNow()) : undefined
  }

  /**
   * Answers `names` from the cache, from reads already in flight, and (for the rest) from one call of
   * `load`. A failed load never touches the cache; inside the stale-if-error window a retryable failure
   * is answered from stale entries. Every reader of a failed read sees the same outcome.
   */
  async read(names: readonly string[], load: Loader, options: ReadOptions = {}): Promise<ReadResult> {
    const values = new Map<string, string | undefined>()
    const now = coarseNow()
    const waiting: Array<Promise<void>> = []
    const toLoad: string[] = []
    const { maxAgeMs } = options
    const forceFetch = options.forceFetch === true || maxAgeMs === 0
    // Only a plain read may be answered from stale entries: a caller asking for freshness wants the backend.
    const fresh = !forceFetch && maxAgeMs === undefined
    let hits = 0
    for (const name of new Set(names)) {
      const cached = this.#options.enabled && !forceFetch ? this.#cache.getFresh(name, now) : undefined
      if (cached !== undefined && (maxAgeMs === undefined || now - cached.storedAt <= maxAgeMs)) {
        values.set(name, cached.value)
        hits++
        continue
      }
      const flight = this.#inFlight.get(name)
      if (flight !== undefined) {
        waiting.push(
          flight.promise.then((value) => {
            values.set(name, value)
          }),
        )
        continue
      }
      toLoad.push(name)
    }
    if (toLoad.length > 0) {
      waiting.push(
        this.#load(toLoad, load, fresh).then((loaded) => {
          for (const [k, v] of loaded) values.set(k, v)
        }),
      )
    }
    if (waiting.length > 0) {
      const settled = await Promise.allSettled(waiting)
      const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
      if (failure !== undefined) throw failure.reason
    }
    return { values, hits }
  }

  /** After a successful write: later readers get `value` (`undefined` after a remove). */
  written(name: string, value: string | undefined): void {
    this.invalidate(name)
    if (this.#options.enabled && !this.#closed) this.#cache.set(name, value, coarseNow())
  }

  /** Drops one name, or everything; reads in flight may no longer fill the cache. */
  invalidate(name?: string): void {
    if (name !== undefined) {
      this.#cache.delete(name)
      const flight = this.#inFlight.get(name)
      if (flight !== undefined) {
        flight.stale = true
        this.#inFlight.delete(name)
      }
      return
    }
    this.#cache.clear()
    for (const flight of this.#inFlight.values()) flight.stale = true
    this.#inFlight.clear()
  }

  /** Empties the cache for good. */
  close(): void {
    this.#closed = true
    this.invalidate()
  }

  /** Loads `names` as one single flight; `staleAllowed`: a retryable failure may be answered from stale entries. */
  #load(names: string[], load: Loader, staleAllowed: boolean): Promise<Map<string, string | undefined>> {
    let flights: InFlight[] = []
    const settle = () => {
      names.forEach((name, i) => {
        if (this.#inFlight.get(name) === flights[i]) this.#inFlight.delete(name)
      })
    }
    const loaded = load(names).then(
      (values) => {
        settle()
        const now = coarseNow()
        names.forEach((name, i) => {
          if (this.#options.enabled && !this.#closed && !flights[i]?.stale) this.#cache.set(name, values.get(name), now)
        })
        return values
      },
      (err: unknown) => {
        settle()
        const stale = staleAllowed ? this.#staleAnswer(names, err) : undefined
        if (stale === undefined) throw err
        return stale
      },
    )
    flights = names.map((name) => {
      const flight: InFlight = { promise: loaded.then((values) => values.get(name)), stale: false }
      // Joiners observe a rejection through their own `then`; this only prevents an unhandled one.
      flight.promise.catch(() => {})
      this.#inFlight.set(name, flight)
      return flight
    })
    return loaded
  }

  /** Stale cached values for all of `names` when the failure is retryable and the window allows it. */
  #staleAnswer(names: string[], err: unknown): Map<string, string | undefined> | undefined {
    if (!(err instanceof SecretStoreError) || !err.retryable || this.#options.staleIfErrorMs <= 0) return undefined
    const now = coarseNow()
    const answer = new Map<string, string | undefined>()
    for (const name of names) {
      const entry = this.#cache.getStale(name, now)
      if (entry === undefined) return undefined
      answer.set(name, entry.value)
    }
    this.#onStale(err, names.length)
    return answer
  }
}
