import { inspect } from 'node:util'
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { coarseNow } from './clock.js'
import { mapWithConcurrency } from './concurrency.js'
import {
  NotSupportedError,
  OperationDisabledError,
  SecretStoreError,
  StoreDestroyedError,
  UnavailableError,
  UnknownSecretStoreError,
} from './errors.js'
import { type BackendName, printableName } from './names.js'
import { type ResolvedStoreOptions, resolveStoreOptions } from './options.js'
import { ReadThrough } from './read-through.js'
import { attemptSignal, type CallContext, CallRunner, WriteQueue } from './reliability.js'
import { SPAN_ATTRIBUTES, StoreTracer } from './tracing.js'
import { classifyTransport, statusOf, unknownError } from './transport.js'
import { type JsonReadOptions, type JsonValue, TypedValues, type ValueEncoding, valueBytes } from './typed-values.js'
import {
  DEFAULT_CAPABILITIES,
  type FreshSecretReader,
  type ReadOptions,
  type RemoveSecretOptions,
  type SecretOperation,
  type SecretRead,
  type SecretStore,
  type SecretStoreCapabilities,
  type SecretStoreLogger,
  type SecretValues,
  type StoreBaseConfig,
  type TypedSecretReader,
} from './types.js'
import { checkReadOptions, checkValue, resolveName } from './validation.js'

/**
 * The base of every store. Its public methods own all shared behaviour (flags, name and value checks,
 * the read-through cache with single-flight, deadlines and retries, error wrapping, redaction, tracing);
 * a subclass implements the protected hooks below. The hook table is in `@secret-store/core`'s README.
 *
 * @example
 * class MySecretStore extends SecretStoreBaseClass<{ url: string }> {
 *   constructor(config: StoreBaseConfig<{ url: string }>) { super('MySecretStore', config) }
 *   protected async getSecretImpl(name: string) { ... }
 *   protected async setSecretImpl(name: string, value: string) { ... }
 *   protected async removeSecretImpl(name: string) { ... }
 * }
 */
export abstract class SecretStoreBaseClass<Config extends object = Record<string, unknown>>
  implements SecretStore, FreshSecretReader, TypedSecretReader
{
  readonly name: string
  // Declared only: defined non-enumerable in the constructor so spreading the store cannot copy options out.
  declare protected readonly config: StoreBaseConfig<Config> & {
    enableGet: boolean
    enableSet: boolean
    enableRemove: boolean
  }
  protected readonly logger: SecretStoreLogger
  protected readonly maxConcurrency: number

  readonly #options: ResolvedStoreOptions
  readonly #reads: ReadThrough
  readonly #typed: TypedValues
  readonly #tracer: StoreTracer
  readonly #runner: CallRunner
  readonly #writes = new WriteQueue()
  #destroyed = false

  constructor(name: string, config: StoreBaseConfig<Config>) {
    this.name = name
    const options = resolveStoreOptions(config, name)
    this.#options = options
    const { enableGet, enableSet, enableRemove } = options
    Object.defineProperty(this, 'config', {
      enumerable: false,
      value: { ...config, enableGet, enableSet, enableRemove },
    })
    this.logger = options.logger
    this.maxConcurrency = options.maxConcurrency
    this.#tracer = new StoreTracer(name)
    this.#runner = new CallRunner(options.reliability)
    this.#typed = new TypedValues(name, options.cache.maxEntries)
    this.#reads = new ReadThrough(options.cache, (err, count) =>
      this.logger.warn(
        { store: this.name, operation: 'get', code: err.code, count },
        'backend unavailable, serving stale cached secrets',
      ),
    )
  }

  /** What the backend can do. `batchReads` follows from `getSecretsImpl`; adapters override `backendCapabilities`. */
  get capabilities(): SecretStoreCapabilities {
    return { ...DEFAULT_CAPABILITIES, ...this.backendCapabilities, batchReads: this.#batchReads() }
  }

  /** The capabilities that differ from the defaults (writes, recoverable delete, value size). */
  protected get backendCapabilities(): Partial<Omit<SecretStoreCapabilities, 'batchReads'>> {
    return {}
  }

  /**
   * The abort signal of the backend request running now: hooks pass it to their SDK, so that a request
   * past its deadline is given up by the SDK too. (The base class stops waiting for it either way.)
   */
  protected get abortSignal(): AbortSignal | undefined {
    return attemptSignal.getStore()
  }

  /** The longest one backend request may take: a request timeout for SDKs that take no abort signal. */
  protected get attemptTimeoutMs(): number {
    return this.#options.reliability.attemptTimeoutMs
  }

  /** The backend's name for `name` (after `nameTransform`); `{ invalid: rule }` for one it cannot hold. */
  protected backendName(name: string): BackendName {
    return name
  }

  /** Reads one secret (by its backend name). */
  protected abstract getSecretImpl(name: string): Promise<SecretRead>

  /**
   * Optional batch read: the answered names; names left out are missing secrets. Override it when the
   * backend reads many names in one request; the base's own version only marks its absence.
   */
  protected getSecretsImpl(_names: readonly string[]): Promise<ReadonlyMap<string, string | undefined>> {
    return Promise.reject(new TypeError('getSecretsImpl is not implemented'))
  }

  /** Whether the subclass has a batch read. */
  #batchReads(): boolean {
    return this.getSecretsImpl !== SecretStoreBaseClass.prototype.getSecretsImpl && this.readBatchSize > 1
  }

  /** The most names one `getSecretsImpl` call takes. */
  protected get readBatchSize(): number {
    return Number.POSITIVE_INFINITY
  }

  /** Creates or updates one secret. */
  protected abstract setSecretImpl(name: string, value: string): Promise<void>

  /** Deletes one secret; must resolve when it does not exist. */
  protected abstract removeSecretImpl(name: string, options?: RemoveSecretOptions): Promise<void>

  /** Releases what the store holds (clients, timers); called once by `destroy()`. */
  protected async closeImpl(): Promise<void> {}

  /**
   * Turns an error thrown by a hook into a `SecretStoreError`. This default classifies transport
   * failures and retryable HTTP statuses (core's shared rules) and calls anything else unknown, with a
   * sanitized cause; adapters override it for their backend's own codes and fall back to it.
   */
  protected mapError(error: unknown, operation: SecretOperation, secretName: string | undefined): SecretStoreError {
    const headers = (error as { headers?: unknown } | null)?.headers
    const context = {
      store: this.name,
      operation,
      secretName,
      backend: this.name,
      status: statusOf(error),
      headers: typeof headers === 'object' && headers !== null ? (headers as Record<string, unknown>) : undefined,
    }
    return classifyTransport(error, context) ?? unknownError(error, context)
  }

  /** One key per requested name, `undefined` for a missing secret. Frozen: cached answers are shared. */
  getSecret<Names extends string[]>(...names: Names): Promise<SecretValues<Names>> {
    if (names.length === 1 && this.#options.enableGet) {
      const answer = this.#reads.answer(names[0] as string)
      if (answer !== undefined) {
        this.#tracer.cachedRead(coarseNow())
        return answer as Promise<SecretValues<Names>>
      }
    }
    return this.#get(names, undefined)
  }

  /** `getSecret` with per-call freshness: `forceFetch` skips the cache, `maxAgeMs` bounds a cached value's age. */
  getSecretWith<Names extends string[]>(options: ReadOptions, ...names: Names): Promise<SecretValues<Names>> {
    try {
      checkReadOptions(this.name, options)
    } catch (err) {
      return Promise.reject(err)
    }
    return this.#get(names, options)
  }

  async setSecret(name: string, value: string): Promise<void> {
    return this.#tracer.traced('set', 1, async () => {
      this.#assertUsable('set', name)
      const backendName = this.#resolve(name, 'set')
      checkValue(this.name, name, value, this.capabilities.maxValueBytes)
      await this.#write(name, backendName, 'set', () => this.setSecretImpl(backendName, value))
      this.#reads.written(name, value)
    })
  }

  async removeSecret(name: string, options?: RemoveSecretOptions): Promise<void> {
    return this.#tracer.traced('remove', 1, async () => {
      this.#assertUsable('remove', name)
      const backendName = this.#resolve(name, 'remove')
      await this.#write(name, backendName, 'remove', () => this.removeSecretImpl(backendName, options))
      this.#reads.written(name, undefined)
    })
  }

  /**
   * One secret parsed as JSON, validated by `options.schema` (any Standard Schema validator) when given;
   * `undefined` when it does not exist. Parsed once per value; the result is deeply frozen. A value that
   * is not JSON, or fails the schema, is a `SecretFormatError` that never holds the value.
   */
  async getSecretJson<Schema extends StandardSchemaV1 | undefined = undefined>(
    name: string,
    options: JsonReadOptions<Schema> = {},
  ): Promise<JsonValue<Schema> | undefined> {
    const { schema, ...freshness } = options
    const raw = await this.#readOne(name, freshness)
    return raw === undefined ? undefined : ((await this.#typed.json(name, raw, schema)) as JsonValue<Schema>)
  }

  /**
   * One secret's bytes: as stored where the backend keeps binary secrets (AWS `SecretBinary`), the UTF-8
   * encoding of a text secret otherwise; `undefined` when it does not exist. A new array on every call.
   */
  async getSecretBytes(name: string, options: ReadOptions = {}): Promise<Uint8Array | undefined> {
    const raw = await this.#readOne(name, options)
    return raw === undefined ? undefined : valueBytes(raw, this.valueEncoding(this.#resolve(name, 'get')))
  }

  /** How the backend's answer for `backendName` carried its value: `'base64'` for bytes sent as base64 text. */
  protected valueEncoding(_backendName: string): ValueEncoding {
    return 'utf8'
  }

  async #readOne(name: string, options: ReadOptions): Promise<string | undefined> {
    const values = await (Object.keys(options).length === 0 ? this.getSecret(name) : this.getSecretWith(options, name))
    return values[name]
  }

  /** Drops these names, or everything when none is given, from the cache. Their next read goes to the backend. */
  invalidate(...names: Array<string | undefined>): void {
    const given = names.filter((name): name is string => name !== undefined)
    if (given.length === 0) this.#reads.invalidate()
    for (const name of given) this.#reads.invalidate(name)
  }

  #get<Names extends string[]>(names: Names, options: ReadOptions | undefined): Promise<SecretValues<Names>> {
    return this.#tracer.traced('get', names.length, async (span) => {
      this.#assertUsable('get', names[0])
      // Every name is checked before any request goes out.
      const backendNames = new Map(names.map((name) => [name, this.#resolve(name, 'get')]))
      const { values, hits } = await this.#reads.read(names, (cold) => this.#load(cold, backendNames), options)
      if (span.isRecording()) span.setAttribute(SPAN_ATTRIBUTES.cacheHits, hits)
      return Object.freeze(Object.fromEntries(names.map((name) => [name, values.get(name)]))) as SecretValues<Names>
    })
  }

  /** Wipes the cache, refuses every later call and closes the adapter's clients (once). */
  async destroy(): Promise<void> {
    if (this.#destroyed) return
    this.#destroyed = true
    this.#reads.close()
    this.#typed.clear()
    await this.closeImpl()
    this.logger.debug({ store: this.name }, 'secret store destroyed')
  }

  /** Whether `destroy()` has been called. */
  get destroyed(): boolean {
    return this.#destroyed
  }

  toJSON(): Record<string, unknown> {
    const { enableGet, enableSet, enableRemove, cache } = this.#options
    const capabilities = this.capabilities
    return {
      name: this.name,
      enableGet,
      enableSet,
      enableRemove,
      capabilities,
      cache: { ...cache, size: this.#reads.size },
      destroyed: this.#destroyed,
    }
  }

  [inspect.custom](): string {
    return `${this.constructor.name} ${inspect(this.toJSON(), { depth: 3, breakLength: Number.POSITIVE_INFINITY })}`
  }

  /** Reads callers' `names` through the hooks, under one deadline, and answers under the callers' names. */
  async #load(names: string[], backendNames: ReadonlyMap<string, string>): Promise<Map<string, string | undefined>> {
    // Two callers' names may be one backend name (an alias): it is read once.
    const ids = [...new Set(names.map((name) => backendNames.get(name) as string))]
    const found = new Map<string, string | undefined>()
    const deadline = this.#runner.deadline()
    const call = <T>(secretName: string | undefined, hook: () => Promise<T>) => {
      const context: CallContext = { store: this.name, operation: 'get', secretName, deadline, retry: true }
      return this.#runner.run(context, hook, (err) => this.#wrap(err, 'get', secretName))
    }
    if (ids.length > 1 && this.#batchReads()) {
      const size = Math.min(this.readBatchSize, ids.length)
      const chunks = Array.from({ length: Math.ceil(ids.length / size) }, (_, i) => ids.slice(i * size, (i + 1) * size))
      await mapWithConcurrency(chunks, this.maxConcurrency, async (chunk) => {
        const answered = await call(undefined, () => this.getSecretsImpl(chunk))
        for (const id of chunk) found.set(id, this.#checkValue(id, answered.get(id)))
      })
    } else {
      await mapWithConcurrency(ids, this.maxConcurrency, async (id) => {
        const read = await call(id, () => this.getSecretImpl(id))
        const value =
          read !== null && typeof read === 'object' ? (Object.hasOwn(read, id) ? read[id] : undefined) : read
        found.set(id, this.#checkValue(id, value))
      })
    }
    this.logger.debug({ store: this.name, operation: 'get', count: ids.length }, 'secrets read from backend')
    return new Map(names.map((name) => [name, found.get(backendNames.get(name) as string)]))
  }

  #checkValue(id: string, value: unknown): string | undefined {
    if (value === undefined || value === null) return undefined
    if (typeof value === 'string') return value
    throw new UnknownSecretStoreError(`the backend returned a ${typeof value} instead of a string`, {
      store: this.name,
      secretName: printableName(id),
      operation: 'get',
    })
  }

  /**
   * Runs a write hook in call order per backend name, under the deadline and without retries. The next
   * write to the name waits until this one's request has really ended (not just its caller's deadline),
   * so an abandoned write cannot land after a later remove. The cache entry is never left stale.
   */
  async #write(name: string, backendName: string, operation: 'set' | 'remove', hook: () => Promise<void>) {
    const deadline = this.#runner.deadline()
    const context: CallContext = { store: this.name, operation, secretName: name, deadline, retry: false }
    const late = () =>
      new UnavailableError('an earlier write to this name is still in flight at the backend', {
        store: this.name,
        secretName: name,
        operation,
      })
    const write = async (track: <T>(request: Promise<T>) => Promise<T>) => {
      this.#reads.invalidate(name)
      try {
        await this.#runner.run(
          context,
          () => track(hook()),
          (err) => this.#wrap(err, operation, name),
        )
      } catch (err) {
        this.#reads.invalidate(name)
        throw err
      }
    }
    await this.#writes.run(backendName, deadline, write, late)
    this.logger.debug(
      { store: this.name, operation, secretName: name },
      operation === 'set' ? 'secret written' : 'secret removed',
    )
  }

  #resolve(name: unknown, operation: SecretOperation): string {
    return resolveName(name, {
      store: this.name,
      operation,
      transform: this.#options.nameTransform,
      backend: (n) => this.backendName(n),
    })
  }

  #assertUsable(operation: SecretOperation, secretName: string | undefined): void {
    const options = { store: this.name, secretName: printableName(secretName) }
    if (this.#destroyed) throw new StoreDestroyedError({ ...options, operation })
    const { enableGet, enableSet, enableRemove } = this.#options
    const enabled = operation === 'get' ? enableGet : operation === 'set' ? enableSet : enableRemove
    if (!enabled) throw new OperationDisabledError(operation, options)
    if (operation !== 'get' && !this.capabilities.writes) {
      throw new NotSupportedError(operation, 'the backend is read-only', options)
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
}
