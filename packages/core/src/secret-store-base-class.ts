import { inspect } from 'node:util'
import { ProxyTracerProvider, type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api'
import { type ResolvedCacheOptions, resolveCacheOptions, SecretCache } from './cache.js'
import { coarseNow } from './clock.js'
import { mapWithConcurrency } from './concurrency.js'
import {
  InvalidSecretNameError,
  InvalidSecretValueError,
  NotSupportedError,
  OperationDisabledError,
  SecretStoreError,
  StoreDestroyedError,
  UnknownSecretStoreError,
} from './errors.js'
import { type BackendName, printableName, secretNameProblem } from './names.js'
import {
  type CacheOptions,
  type SecretOperation,
  type SecretStore,
  type SecretStoreCapabilities,
  type SecretStoreLogger,
  type SecretStoreLogLevel,
  type SecretValues,
  StoreBaseConfig,
  type StoreBaseOptions,
} from './types.js'

/** Options of `removeSecret`. */
export interface RemoveSecretOptions {
  /**
   * Delete irreversibly where the backend distinguishes (purge, force delete, destroy all versions).
   * @default the store's own setting, which is the recoverable delete
   */
  purge?: boolean
}

export const DEFAULT_CAPABILITIES: SecretStoreCapabilities = Object.freeze({
  writes: true,
  recoverableDelete: false,
  batchReads: false,
  binary: false,
  maxValueBytes: 65_536,
})

export const DEFAULT_MAX_CONCURRENCY = StoreBaseConfig.maxConcurrency

const silentLogger: SecretStoreLogger = { debug() {}, info() {}, warn() {}, error() {} }

const LOG_LEVELS: readonly SecretStoreLogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal']

/** The logger, with the methods below `logLevel` silenced. */
function levelFilteredLogger(logger: SecretStoreLogger | undefined, logLevel: SecretStoreLogLevel | undefined) {
  if (logger === undefined) return silentLogger
  if (logLevel === undefined) return logger
  const threshold = LOG_LEVELS.indexOf(logLevel)
  if (threshold < 0) throw new RangeError(`logLevel must be one of ${LOG_LEVELS.join(', ')}`)
  const pass = (level: SecretStoreLogLevel) => LOG_LEVELS.indexOf(level) >= threshold
  return {
    debug: pass('debug') ? logger.debug.bind(logger) : silentLogger.debug,
    info: pass('info') ? logger.info.bind(logger) : silentLogger.info,
    warn: pass('warn') ? logger.warn.bind(logger) : silentLogger.warn,
    error: pass('error') ? logger.error.bind(logger) : silentLogger.error,
  }
}

/** Folds PURISTA's `enableCache` / `cacheTtl` into `cache`; mixing both spellings is a mistake. */
function puristaCacheOptions(config: StoreBaseOptions): CacheOptions | false | undefined {
  const { cache, enableCache, cacheTtl } = config
  if (enableCache === undefined && cacheTtl === undefined) return cache
  if (cache !== undefined) throw new TypeError('pass either cache or enableCache/cacheTtl, not both')
  if (enableCache === false) return false
  return cacheTtl === undefined ? {} : { ttlMs: cacheTtl }
}

export const SPAN_NAMES = {
  get: 'secret-store.get',
  set: 'secret-store.set',
  remove: 'secret-store.remove',
} as const satisfies Record<SecretOperation, string>

export const SPAN_ATTRIBUTES = {
  store: 'secret_store.name',
  operation: 'secret_store.operation',
  nameCount: 'secret_store.names.count',
  cacheHits: 'secret_store.cache.hits',
  errorCode: 'secret_store.error.code',
} as const

const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate()
let tracingCheckedAt = Number.NEGATIVE_INFINITY
let tracingIsActive = false

/**
 * Whether a tracer provider has been registered. Without one every span is a no-op, so the
 * cached-read fast path skips creating it. Re-checked at most once a second.
 */
function tracingActive(now: number): boolean {
  if (now - tracingCheckedAt >= 1_000 || now < tracingCheckedAt) {
    tracingCheckedAt = now
    const provider = trace.getTracerProvider()
    tracingIsActive = !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NOOP_TRACER_PROVIDER
  }
  return tracingIsActive
}

interface InFlight {
  readonly promise: Promise<string | undefined>
  /** Set when a write or invalidation overtook this read: its answer must not enter the cache. */
  stale: boolean
}

/**
 * The base of every store. Its public methods own all shared behaviour: operation flags,
 * name and value validation, caching with single-flight, error wrapping, redaction and tracing.
 * A subclass implements only the protected `*Impl` hooks (and may map its SDK's errors in `mapError`).
 *
 * @example
 * class MySecretStore extends SecretStoreBaseClass<{ url: string }> {
 *   constructor(config: StoreBaseConfig<{ url: string }>) { super('MySecretStore', config) }
 *   protected async getSecretImpl<Names extends string[]>(...names: Names) { ... }
 *   protected async setSecretImpl(name: string, value: string) { ... }
 *   protected async removeSecretImpl(name: string) { ... }
 * }
 */
export abstract class SecretStoreBaseClass<Config extends object = Record<string, unknown>> implements SecretStore {
  readonly name: string
  // Declared only: defined non-enumerable in the constructor so spreading the store cannot copy options out.
  declare protected readonly config: StoreBaseConfig<Config> & {
    enableGet: boolean
    enableSet: boolean
    enableRemove: boolean
  }
  protected readonly logger: SecretStoreLogger
  protected readonly maxConcurrency: number

  readonly #cacheOptions: ResolvedCacheOptions
  readonly #cache: SecretCache
  readonly #inFlight = new Map<string, InFlight>()
  readonly #tracer: Tracer
  readonly #nameTransform: ((name: string) => string) | undefined
  #destroyed = false
  /** Reads may be answered from the cache: get enabled, cache on, not destroyed. */
  #fastPath: boolean

  constructor(name: string, config: StoreBaseConfig<Config>) {
    this.name = name
    Object.defineProperty(this, 'config', {
      enumerable: false,
      writable: false,
      value: {
        ...config,
        enableGet: config.enableGet ?? StoreBaseConfig.enableGet,
        enableSet: config.enableSet ?? StoreBaseConfig.enableSet,
        enableRemove: config.enableRemove ?? StoreBaseConfig.enableRemove,
      },
    })
    this.logger = levelFilteredLogger(config.logger, config.logLevel)
    this.maxConcurrency = config.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY
    if (!Number.isInteger(this.maxConcurrency) || this.maxConcurrency < 1) {
      throw new RangeError('maxConcurrency must be a whole number of at least 1')
    }
    this.#cacheOptions = resolveCacheOptions(puristaCacheOptions(config))
    this.#cache = new SecretCache(this.#cacheOptions)
    this.#fastPath = this.config.enableGet && this.#cacheOptions.enabled
    this.#tracer = trace.getTracer('@secret-store/core')
    if (config.nameTransform !== undefined && typeof config.nameTransform !== 'function') {
      throw new TypeError('nameTransform must be a function')
    }
    this.#nameTransform = config.nameTransform
  }

  /** What the backend can do. Adapters override this getter to declare their differences. */
  get capabilities(): SecretStoreCapabilities {
    return DEFAULT_CAPABILITIES
  }

  /**
   * The backend's own name for a caller's name, called once per name before any request. Names the
   * backend accepts go out verbatim; return `{ invalid: rule }` for one it cannot hold, naming the
   * backend rule it breaks (the caller gets `InvalidSecretNameError` with that rule). The `*Impl`
   * hooks receive the names this returns. The default sends every name as it is.
   */
  protected backendName(name: string): BackendName {
    return name
  }

  /**
   * Reads names (as `backendName` returned them) from the backend, keyed by those names.
   * Missing secrets are absent or `undefined` in the result.
   */
  protected abstract getSecretImpl<Names extends string[]>(
    ...names: Names
  ): Promise<Record<string, string | undefined | null>>

  /** Creates or updates one secret. */
  protected abstract setSecretImpl(name: string, value: string): Promise<void>

  /** Deletes one secret; must resolve when it does not exist. */
  protected abstract removeSecretImpl(name: string, options?: RemoveSecretOptions): Promise<void>

  /**
   * Turns an error thrown by an `*Impl` hook into a `SecretStoreError`. Adapters override it to
   * classify their SDK's errors; errors that are already `SecretStoreError`s never reach it.
   */
  protected mapError(error: unknown, operation: SecretOperation, secretName: string | undefined): SecretStoreError {
    const label = error instanceof Error ? error.name : typeof error
    return new UnknownSecretStoreError(`${operation} failed with ${label}`, {
      store: this.name,
      secretName,
      operation,
      cause: error,
    })
  }

  /**
   * Reads secrets: one key per requested name, `undefined` for a missing one. The result object
   * is frozen, since cached answers are shared between callers.
   */
  getSecret<Names extends string[]>(...names: Names): Promise<SecretValues<Names>> {
    // Fast path: one fresh cached name. A name only ever enters the cache after validation.
    if (names.length === 1 && this.#fastPath) {
      const now = coarseNow()
      const answer = this.#cache.answer(names[0] as string, now)
      if (answer !== undefined) {
        if (tracingActive(now)) {
          const span = this.#tracer.startSpan(SPAN_NAMES.get)
          if (span.isRecording()) this.#describeSpan(span, 'get', 1, 1)
          span.end()
        }
        return answer as Promise<SecretValues<Names>>
      }
    }
    return this.#getSecretTraced(names)
  }

  async setSecret(name: string, value: string): Promise<void> {
    return this.#traced('set', 1, async () => {
      this.#assertUsable('set', name)
      const backendName = this.#resolveName(name, 'set')
      this.#assertValidValue(name, value)
      this.#invalidateName(name)
      try {
        await this.setSecretImpl(backendName, value)
      } catch (err) {
        this.#invalidateName(name)
        throw this.#wrap(err, 'set', name)
      }
      // Readers that started during the write may carry the old value; keep them out of the cache.
      this.#invalidateName(name)
      if (this.#cacheOptions.enabled && !this.#destroyed) this.#cache.set(name, value, coarseNow())
      this.logger.debug({ store: this.name, operation: 'set', secretName: name }, 'secret written')
    })
  }

  async removeSecret(name: string, options?: RemoveSecretOptions): Promise<void> {
    return this.#traced('remove', 1, async () => {
      this.#assertUsable('remove', name)
      const backendName = this.#resolveName(name, 'remove')
      this.#invalidateName(name)
      try {
        await this.removeSecretImpl(backendName, options)
      } catch (err) {
        this.#invalidateName(name)
        throw this.#wrap(err, 'remove', name)
      }
      this.#invalidateName(name)
      if (this.#cacheOptions.enabled && !this.#destroyed) this.#cache.set(name, undefined, coarseNow())
      this.logger.debug({ store: this.name, operation: 'remove', secretName: name }, 'secret removed')
    })
  }

  /** Drops one name, or everything, from the cache. The next read goes to the backend. */
  invalidate(name?: string): void {
    if (name === undefined) {
      this.#cache.clear()
      for (const flight of this.#inFlight.values()) flight.stale = true
      this.#inFlight.clear()
      return
    }
    this.#invalidateName(name)
  }

  /** Wipes the cache and refuses every later call. Subclasses close their clients and call `super.destroy()`. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return
    this.#destroyed = true
    this.#fastPath = false
    this.invalidate()
    this.logger.debug({ store: this.name }, 'secret store destroyed')
  }

  /** Whether `destroy()` has been called. */
  get destroyed(): boolean {
    return this.#destroyed
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      enableGet: this.config.enableGet,
      enableSet: this.config.enableSet,
      enableRemove: this.config.enableRemove,
      capabilities: this.capabilities,
      cache: { ...this.#cacheOptions, size: this.#cache.size },
      destroyed: this.#destroyed,
    }
  }

  [inspect.custom](): string {
    return `${this.constructor.name} ${inspect(this.toJSON(), { depth: 3, breakLength: Number.POSITIVE_INFINITY })}`
  }

  async #getSecretTraced(names: string[]): Promise<SecretValues<string[]>> {
    return this.#traced('get', names.length, (span) => this.#getSecretUncached(names, span))
  }

  async #getSecretUncached(names: string[], span: Span): Promise<SecretValues<string[]>> {
    this.#assertUsable('get', names[0])
    // Every name is checked before any request goes out.
    const backendNames = new Map<string, string>()
    for (const name of names) backendNames.set(name, this.#resolveName(name, 'get'))

    // A Map, not an object: `__proto__` is a valid secret name.
    const result = new Map<string, string | undefined>()
    const unique = [...new Set(names)]
    const now = coarseNow()
    const waiting: Array<Promise<void>> = []
    const toFetch: string[] = []
    let hits = 0

    for (const name of unique) {
      const cached = this.#cacheOptions.enabled ? this.#cache.getFresh(name, now) : undefined
      if (cached !== undefined) {
        result.set(name, cached.value)
        hits++
        continue
      }
      const flight = this.#inFlight.get(name)
      if (flight !== undefined) {
        waiting.push(
          flight.promise.then((value) => {
            result.set(name, value)
          }),
        )
        continue
      }
      toFetch.push(name)
    }
    if (span.isRecording()) span.setAttribute(SPAN_ATTRIBUTES.cacheHits, hits)

    if (toFetch.length > 0) waiting.push(this.#fetch(toFetch, backendNames, result))
    if (waiting.length > 0) {
      const settled = await Promise.allSettled(waiting)
      const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
      if (failure !== undefined) throw failure.reason
    }
    // Every requested name gets its key, including duplicates and misses.
    return Object.freeze(Object.fromEntries(names.map((name) => [name, result.get(name)]))) as SecretValues<string[]>
  }

  /** Starts one backend read for `names`, registered as in flight per name, and fills `result`. */
  #fetch(
    names: string[],
    backendNames: ReadonlyMap<string, string>,
    result: Map<string, string | undefined>,
  ): Promise<void> {
    let flights: InFlight[] = []
    const settle = () => {
      names.forEach((name, i) => {
        if (this.#inFlight.get(name) === flights[i]) this.#inFlight.delete(name)
      })
    }
    const loaded = this.#loadFromBackend(names, backendNames).then(
      (values) => {
        settle()
        const now = coarseNow()
        names.forEach((name, i) => {
          if (this.#cacheOptions.enabled && !this.#destroyed && !flights[i]?.stale) {
            this.#cache.set(name, values.get(name), now)
          }
        })
        return values
      },
      (err: unknown) => {
        settle()
        // A failed read never touches the cache; it may only be answered from a stale entry.
        const stale = this.#staleAnswer(names, err)
        if (stale === undefined) throw err
        return stale
      },
    )
    // Callers that join a name in flight see exactly what the first caller sees.
    flights = names.map((name) => {
      const flight: InFlight = { promise: loaded.then((values) => values.get(name)), stale: false }
      // Joiners observe a rejection through their own `then`; this only prevents an unhandled one.
      flight.promise.catch(() => {})
      this.#inFlight.set(name, flight)
      return flight
    })
    return loaded.then((values) => {
      for (const name of names) result.set(name, values.get(name))
    })
  }

  /** Stale cached values for all of `names` when the failure is retryable and the window allows it. */
  #staleAnswer(names: string[], err: unknown): Map<string, string | undefined> | undefined {
    if (!(err instanceof SecretStoreError) || !err.retryable || this.#cacheOptions.staleIfErrorMs <= 0) return undefined
    const now = coarseNow()
    const answer = new Map<string, string | undefined>()
    for (const name of names) {
      const entry = this.#cache.getStale(name, now)
      if (entry === undefined) return undefined
      answer.set(name, entry.value)
    }
    this.logger.warn(
      { store: this.name, operation: 'get', code: err.code, count: names.length },
      'backend unavailable, serving stale cached secrets',
    )
    return answer
  }

  /** Reads `names` (callers' names) through the `*Impl` hook and answers under the callers' names. */
  async #loadFromBackend(
    names: string[],
    backendNames: ReadonlyMap<string, string>,
  ): Promise<Map<string, string | undefined>> {
    const found = new Map<string, string | undefined>()
    const collect = (raw: unknown, requested: readonly string[]) => {
      const record = (raw ?? {}) as Record<string, unknown>
      for (const id of requested) {
        const value = Object.hasOwn(record, id) ? record[id] : undefined
        if (value === undefined || value === null) {
          found.set(id, undefined)
        } else if (typeof value === 'string') {
          found.set(id, value)
        } else {
          throw new UnknownSecretStoreError(`the backend returned a ${typeof value} instead of a string`, {
            store: this.name,
            secretName: printableName(id),
            operation: 'get',
          })
        }
      }
    }
    // Two callers' names may be one backend name (an alias): it is read once.
    const ids = [...new Set(names.map((name) => backendNames.get(name) as string))]
    try {
      if (this.capabilities.batchReads || ids.length === 1) {
        collect(await this.getSecretImpl(...ids), ids)
      } else {
        await mapWithConcurrency(ids, this.maxConcurrency, async (id) => {
          collect(await this.getSecretImpl(id), [id])
        })
      }
    } catch (err) {
      throw this.#wrap(err, 'get', names.length === 1 ? names[0] : undefined)
    }
    this.logger.debug({ store: this.name, operation: 'get', count: names.length }, 'secrets read from backend')
    return new Map(names.map((name) => [name, found.get(backendNames.get(name) as string)]))
  }

  #invalidateName(name: string): void {
    this.#cache.delete(name)
    const flight = this.#inFlight.get(name)
    if (flight !== undefined) {
      flight.stale = true
      this.#inFlight.delete(name)
    }
  }

  #assertUsable(operation: SecretOperation, secretName: string | undefined): void {
    const options = { store: this.name, secretName: printableName(secretName) }
    if (this.#destroyed) throw new StoreDestroyedError({ ...options, operation })
    const enabled =
      operation === 'get'
        ? this.config.enableGet
        : operation === 'set'
          ? this.config.enableSet
          : this.config.enableRemove
    if (!enabled) throw new OperationDisabledError(operation, options)
    if (operation !== 'get' && !this.capabilities.writes) {
      throw new NotSupportedError(operation, 'the backend is read-only', options)
    }
  }

  /**
   * Checks a caller's name (core's safety rule), applies `nameTransform`, checks the result, and asks
   * the adapter for the backend's name. Throws `InvalidSecretNameError` saying which rule failed.
   */
  #resolveName(name: unknown, operation: SecretOperation): string {
    const fail = (reason: string): never => {
      throw new InvalidSecretNameError(reason, { store: this.name, secretName: printableName(name), operation })
    }
    const problem = secretNameProblem(name)
    if (problem !== undefined) return fail(problem)
    let transformed = name as string
    if (this.#nameTransform !== undefined) {
      transformed = this.#nameTransform(transformed)
      const transformedProblem = secretNameProblem(transformed)
      if (transformedProblem !== undefined) return fail(`after nameTransform: ${transformedProblem}`)
    }
    const mapped = this.backendName(transformed)
    if (typeof mapped === 'string') return mapped
    return fail(mapped.invalid)
  }

  #assertValidValue(name: string, value: unknown): asserts value is string {
    const options = { store: this.name, secretName: name, operation: 'set' as const }
    if (typeof value !== 'string') {
      throw new InvalidSecretValueError(`expected a string, got ${value === null ? 'null' : typeof value}`, options)
    }
    if (value.length === 0) throw new InvalidSecretValueError('the value is empty', options)
    // A lone surrogate cannot be encoded: the backend would store U+FFFD while the cache keeps the original.
    if (!value.isWellFormed()) throw new InvalidSecretValueError('the value is not well-formed UTF-16', options)
    const limit = this.capabilities.maxValueBytes
    if (Buffer.byteLength(value, 'utf8') > limit) {
      throw new InvalidSecretValueError(`larger than the backend's limit of ${limit} bytes`, options)
    }
  }

  #wrap(err: unknown, operation: SecretOperation, secretName: string | undefined): SecretStoreError {
    if (err instanceof SecretStoreError) return err
    try {
      const mapped = this.mapError(err, operation, secretName)
      if (mapped instanceof SecretStoreError) return mapped
    } catch {
      // A broken mapper must not hide the original failure.
    }
    return SecretStoreBaseClass.prototype.mapError.call(this, err, operation, secretName)
  }

  async #traced<T>(operation: SecretOperation, nameCount: number, fn: (span: Span) => Promise<T>): Promise<T> {
    const span = this.#tracer.startSpan(SPAN_NAMES[operation])
    if (span.isRecording()) this.#describeSpan(span, operation, nameCount, undefined)
    try {
      return await fn(span)
    } catch (err) {
      if (span.isRecording()) {
        const code = err instanceof SecretStoreError ? err.code : 'UNKNOWN'
        span.setAttribute(SPAN_ATTRIBUTES.errorCode, code)
        span.setStatus({ code: SpanStatusCode.ERROR, message: code })
      }
      throw err
    } finally {
      span.end()
    }
  }

  #describeSpan(span: Span, operation: SecretOperation, nameCount: number, cacheHits: number | undefined): void {
    span.setAttribute(SPAN_ATTRIBUTES.store, this.name)
    span.setAttribute(SPAN_ATTRIBUTES.operation, operation)
    span.setAttribute(SPAN_ATTRIBUTES.nameCount, nameCount)
    if (cacheHits !== undefined) span.setAttribute(SPAN_ATTRIBUTES.cacheHits, cacheHits)
  }
}
