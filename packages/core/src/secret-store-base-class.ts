import { inspect } from 'node:util'
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { coarseNow } from './clock.js'
import {
  NotSupportedError,
  OperationDisabledError,
  SecretStoreError,
  StoreDestroyedError,
  UnavailableError,
} from './errors.js'
import { defaultMapError, overridesHook, SecretStoreHooks } from './hooks.js'
import { checkListOptions, type ListSecretNamesOptions, pagedNames, type SecretNameLister } from './listing.js'
import { readThroughHooks } from './loader.js'
import { printableName } from './names.js'
import { type ResolvedStoreOptions, resolveStoreOptions } from './options.js'
import { ReadThrough } from './read-through.js'
import { attemptSignal, type CallContext, CallRunner, WriteQueue } from './reliability.js'
import { SPAN_ATTRIBUTES, StoreTracer } from './tracing.js'
import { type JsonReadOptions, type JsonValue, TypedValues, valueBytes } from './typed-values.js'
import {
  DEFAULT_CAPABILITIES,
  type FreshSecretReader,
  type ReadOptions,
  type RemoveSecretOptions,
  type SecretOperation,
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
  extends SecretStoreHooks
  implements SecretStore, FreshSecretReader, TypedSecretReader, SecretNameLister
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
    super()
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

  /**
   * What the backend can do. `batchReads` and `listing` follow from the optional hooks; adapters
   * override `backendCapabilities` for the rest.
   */
  get capabilities(): SecretStoreCapabilities {
    const listing = overridesHook(this, 'listSecretNamesImpl')
    return { ...DEFAULT_CAPABILITIES, ...this.backendCapabilities, batchReads: this.#batchReads(), listing }
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

  /** Whether the subclass has a batch read. */
  #batchReads(): boolean {
    return overridesHook(this, 'getSecretsImpl') && this.readBatchSize > 1
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

  async #readOne(name: string, options: ReadOptions): Promise<string | undefined> {
    const values = await (Object.keys(options).length === 0 ? this.getSecret(name) : this.getSecretWith(options, name))
    return values[name]
  }

  /**
   * The names the backend holds that start with `prefix` (exact case), as its console shows them, each
   * once, streamed page by page: breaking out of the loop stops the paging. Each page is a read with its
   * own deadline and retries. Needs `enableGet`. Throws `NotSupportedError` on a backend that cannot
   * list, and under `nameTransform`, which cannot be undone on the names the backend returns. Checks
   * run when iteration starts.
   *
   * @example
   * for await (const name of store.listSecretNames({ prefix: 'payments/' })) console.log(name)
   */
  async *listSecretNames(options: ListSecretNamesOptions = {}): AsyncGenerator<string, void, undefined> {
    const { prefix, pageSize } = checkListOptions(this.name, options)
    this.#assertUsable('list', prefix || undefined)
    const context = { store: this.name, secretName: printableName(prefix || undefined) }
    if (!this.capabilities.listing) throw new NotSupportedError('list', 'the backend cannot list names', context)
    if (this.#options.nameTransform !== undefined) {
      throw new NotSupportedError('list', 'listed backend names cannot be turned back through nameTransform', context)
    }
    yield* pagedNames(this.name, prefix, (cursor) =>
      this.#tracer.traced('list', 0, async () => {
        this.#assertUsable('list', prefix || undefined)
        const call: CallContext = { ...context, operation: 'list', deadline: this.#runner.deadline(), retry: true }
        const page = () => this.listSecretNamesImpl({ prefix, cursor, pageSize })
        return this.#runner.run(call, page, (err) => this.#wrap(err, 'list', prefix || undefined))
      }),
    )
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
    const deadline = this.#runner.deadline()
    const found = await readThroughHooks(ids, {
      store: this.name,
      maxConcurrency: this.maxConcurrency,
      batchSize: this.#batchReads() ? this.readBatchSize : undefined,
      readMany: (chunk) => this.getSecretsImpl(chunk),
      readOne: (id) => this.getSecretImpl(id),
      call: (secretName, hook) => {
        const context: CallContext = { store: this.name, operation: 'get', secretName, deadline, retry: true }
        return this.#runner.run(context, hook, (err) => this.#wrap(err, 'get', secretName))
      },
    })
    this.logger.debug({ store: this.name, operation: 'get', count: ids.length }, 'secrets read from backend')
    return new Map(names.map((name) => [name, found.get(backendNames.get(name) as string)]))
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
    const reads = operation === 'get' || operation === 'list'
    const enabled = reads ? enableGet : operation === 'set' ? enableSet : enableRemove
    if (!enabled) throw new OperationDisabledError(operation, options)
    if (!reads && !this.capabilities.writes) {
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
    return defaultMapError(this, err, operation, secretName)
  }
}
