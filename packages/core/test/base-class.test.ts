import {
  AccessDeniedError,
  ConfigurationError,
  DEFAULT_CACHE_TTL_MS,
  DefaultSecretStore,
  type SecretOperation,
  type SecretRead,
  SecretStoreBaseClass,
  type SecretStoreError,
  type StoreBaseConfig,
  UnavailableError,
  UnknownSecretStoreError,
} from '@secret-store/core'
import { mapWithConcurrency } from '@secret-store/core/adapter'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { resetCoarseClock } from '../src/clock.js'

/** A store over a Map whose reads can be held open or made to fail, counting what reaches it. */
class ProbeStore extends SecretStoreBaseClass<{ batch?: boolean }> {
  readonly values = new Map<string, string>()
  readonly reads: string[][] = []
  inFlight = 0
  maxInFlight = 0
  failNext: unknown[] = []
  gate: Promise<void> | undefined

  constructor(config: Partial<StoreBaseConfig<{ batch?: boolean }>> = {}) {
    // Retries off unless a test turns them on: a pushed failure then reaches the caller as it is.
    super('ProbeStore', { enableSet: true, enableRemove: true, retry: false, ...config, config: config.config ?? {} })
  }

  protected async getSecretImpl(name: string): Promise<SecretRead> {
    return (await this.read([name])).get(name)
  }

  /** Records each backend call and the peak number in flight; optionally held open or failing. */
  protected async read(names: string[]): Promise<Map<string, string | undefined>> {
    this.reads.push(names)
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      await this.gate
      await new Promise((resolve) => setImmediate(resolve))
      if (this.failNext.length > 0) throw this.failNext.shift()
      return new Map(names.map((n) => [n, this.values.get(n)]))
    } finally {
      this.inFlight--
    }
  }

  protected async setSecretImpl(name: string, value: string) {
    this.values.set(name, value)
  }

  protected async removeSecretImpl(name: string) {
    this.values.delete(name)
  }

  protected override mapError(error: unknown, operation: SecretOperation, secretName: string | undefined) {
    if (error instanceof Error && error.message === 'denied') {
      return new AccessDeniedError('policy', { store: this.name, secretName, operation, cause: error })
    }
    if (error instanceof Error && error.message === 'mapper-bug') throw new Error('broken mapper')
    return super.mapError(error, operation, secretName)
  }
}

/** A ProbeStore whose backend reads many names in one call. */
class BatchProbeStore extends ProbeStore {
  protected override getSecretsImpl(names: readonly string[]) {
    return this.read([...names])
  }
}

const unavailable = () => new UnavailableError('connection refused', { store: 'ProbeStore' })

afterEach(() => {
  vi.useRealTimers()
  resetCoarseClock()
})

function useFakeClock() {
  vi.useFakeTimers({ toFake: ['Date'] })
  resetCoarseClock()
}

/** Moves the wall clock and drops the store's cached reading of it. */
function moveClock(ms: number) {
  vi.setSystemTime(Date.now() + ms)
  resetCoarseClock()
}

describe('cache', () => {
  it('has a finite default TTL and expires entries after it', async () => {
    useFakeClock()
    const store = new ProbeStore()
    store.values.set('a', 'value-a')
    await store.getSecret('a')
    await store.getSecret('a')
    expect(store.reads).toEqual([['a']])
    moveClock(DEFAULT_CACHE_TTL_MS - 1)
    await store.getSecret('a')
    expect(store.reads).toHaveLength(1)
    moveClock(2)
    await store.getSecret('a')
    expect(store.reads).toHaveLength(2)
  })

  it('evicts the least recently used name when full', async () => {
    const store = new ProbeStore({ cache: { maxEntries: 2 } })
    for (const n of ['a', 'b', 'c']) store.values.set(n, `value-${n}`)
    await store.getSecret('a')
    await store.getSecret('b')
    await store.getSecret('a') // a becomes the most recent
    await store.getSecret('c') // evicts b
    store.reads.length = 0
    await store.getSecret('a')
    await store.getSecret('c')
    expect(store.reads).toEqual([])
    await store.getSecret('b')
    expect(store.reads).toEqual([['b']])
  })

  it('caches misses unless told not to', async () => {
    const store = new ProbeStore()
    await store.getSecret('nope')
    await store.getSecret('nope')
    expect(store.reads).toHaveLength(1)
    const noMisses = new ProbeStore({ cache: { cacheMisses: false } })
    await noMisses.getSecret('nope')
    await noMisses.getSecret('nope')
    expect(noMisses.reads).toHaveLength(2)
  })

  it('rejects nonsensical cache settings at construction', () => {
    expect(() => new ProbeStore({ cache: { ttlMs: 0 } })).toThrow(RangeError)
    expect(() => new ProbeStore({ cache: { ttlMs: Number.POSITIVE_INFINITY } })).toThrow(RangeError)
    expect(() => new ProbeStore({ cache: { maxEntries: 0 } })).toThrow(RangeError)
    expect(() => new ProbeStore({ cache: { staleIfErrorMs: -1 } })).toThrow(RangeError)
    expect(() => new ProbeStore({ maxConcurrency: 0 })).toThrow(RangeError)
  })

  it('serves a stale value inside the stale-if-error window when the backend is unavailable', async () => {
    useFakeClock()
    const warn = vi.fn()
    const logger = { debug: vi.fn(), info: vi.fn(), warn, error: vi.fn() }
    const store = new ProbeStore({ cache: { ttlMs: 1_000, staleIfErrorMs: 10_000 }, logger })
    store.values.set('a', 'value-a')
    await store.getSecret('a')
    moveClock(5_000)
    store.failNext.push(unavailable())
    // A reader joining the failed read in flight gets the same stale answer.
    expect(await Promise.all([store.getSecret('a'), store.getSecret('a')])).toEqual([
      { a: 'value-a' },
      { a: 'value-a' },
    ])
    expect(warn).toHaveBeenCalledTimes(1)
    // A non-retryable failure is never papered over.
    store.failNext.push(new Error('denied'))
    await expect(store.getSecret('a')).rejects.toBeInstanceOf(AccessDeniedError)
    // Past the window the error surfaces.
    moveClock(10_000)
    store.failNext.push(unavailable())
    await expect(store.getSecret('a')).rejects.toBeInstanceOf(UnavailableError)
  })

  it('does not let a read that raced a write put the old value back into the cache', async () => {
    const store = new ProbeStore()
    store.values.set('a', 'old-value')
    let open!: () => void
    store.gate = new Promise((resolve) => {
      open = resolve
    })
    const racingRead = store.getSecret('a')
    // The read has captured nothing yet; the write lands first, then the read returns the old value.
    const readValue = store.values.get('a')
    await store.setSecret('a', 'new-value')
    store.values.set('a', readValue as string) // the slow read observed the backend before the write
    open()
    store.gate = undefined
    expect(await racingRead).toEqual({ a: 'old-value' })
    store.values.set('a', 'new-value')
    store.reads.length = 0
    expect(await store.getSecret('a')).toEqual({ a: 'new-value' })
    expect(store.reads).toEqual([]) // answered by the cache, which holds the written value
  })

  it('starts a new backend read after invalidate() while an older one is still in flight', async () => {
    const store = new ProbeStore()
    store.values.set('a', 'value-a')
    const first = store.getSecret('a')
    store.invalidate()
    const second = store.getSecret('a')
    await Promise.all([first, second])
    expect(store.reads).toEqual([['a'], ['a']])
  })
})

describe('reads', () => {
  it('fetches names one by one with bounded concurrency when the backend has no batch read', async () => {
    const store = new ProbeStore({ maxConcurrency: 3 })
    const names = Array.from({ length: 20 }, (_, i) => `n${i}`)
    const result = await store.getSecret(...names)
    expect(Object.keys(result)).toEqual(names)
    expect(store.reads).toHaveLength(20)
    expect(store.reads.every((call) => call.length === 1)).toBe(true)
    expect(store.maxInFlight).toBe(3)
  })

  it('hands all cold names to one call when the backend batches, skipping cached ones', async () => {
    const store = new BatchProbeStore()
    await store.getSecret('a')
    await store.getSecret('a', 'b', 'c', 'b')
    expect(store.reads).toEqual([['a'], ['b', 'c']])
  })

  it('joins a read already in flight instead of starting another', async () => {
    const store = new BatchProbeStore()
    const [one, two] = await Promise.all([store.getSecret('a', 'b'), store.getSecret('b', 'c')])
    expect(one).toEqual({ a: undefined, b: undefined })
    expect(two).toEqual({ b: undefined, c: undefined })
    expect(store.reads).toEqual([['a', 'b'], ['c']])
  })

  it('gives every concurrent reader the same failure and caches nothing', async () => {
    const store = new ProbeStore()
    store.failNext.push(unavailable())
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => store.getSecret('a')))
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof UnavailableError)).toBe(true)
    expect(store.reads).toHaveLength(1)
    store.values.set('a', 'value-a')
    expect(await store.getSecret('a')).toEqual({ a: 'value-a' })
  })

  it('treats null as missing and rejects a non-string backend value', async () => {
    class OddStore extends ProbeStore {
      // PURISTA's record form of the answer, with a null and a number in it.
      protected override async getSecretImpl(name: string) {
        return { [name]: name === 'num' ? 42 : null } as unknown as Record<string, string | null>
      }
    }
    const store = new OddStore()
    expect(await store.getSecret('nil')).toEqual({ nil: undefined })
    const error = await store.getSecret('num').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnknownSecretStoreError)
  })

  it('returns own keys even for names like __proto__ and constructor', async () => {
    const store = new ProbeStore()
    store.values.set('__proto__', 'proto-value')
    const result = await store.getSecret('__proto__', 'constructor')
    expect(Object.hasOwn(result, '__proto__')).toBe(true)
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toBe('proto-value')
    expect(result.constructor).toBeUndefined()
  })
})

describe('errors', () => {
  it('maps backend errors through mapError, keeping the cause', async () => {
    const store = new ProbeStore()
    const raw = new Error('denied')
    store.failNext.push(raw)
    const error = (await store.getSecret('a').catch((e: unknown) => e)) as SecretStoreError
    expect(error).toBeInstanceOf(AccessDeniedError)
    expect(error.cause).toBe(raw)
    expect(error.secretName).toBe('a')
    expect(error.retryable).toBe(false)
  })

  it('falls back to an unknown error when the mapper itself throws', async () => {
    const store = new ProbeStore()
    store.failNext.push(new Error('mapper-bug'))
    const error = (await store.getSecret('a').catch((e: unknown) => e)) as SecretStoreError
    expect(error).toBeInstanceOf(UnknownSecretStoreError)
    expect(error.code).toBe('UNKNOWN')
  })

  it('serialises errors without their cause', () => {
    const error = new UnavailableError('throttled', {
      store: 's',
      secretName: 'n',
      cause: new Error('body: super-secret-body'),
      retryAfterMs: 2_000,
    })
    const json = JSON.stringify(error)
    expect(json).not.toContain('super-secret-body')
    expect(JSON.parse(json)).toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
      retryAfterMs: 2_000,
      secretName: 'n',
    })
  })
})

describe('mapWithConcurrency', () => {
  it('keeps order, bounds concurrency and rejects with the first failure after the started calls settle', async () => {
    let active = 0
    let peak = 0
    const out = await mapWithConcurrency([1, 2, 3, 4, 5, 6, 7], 2, async (n) => {
      active++
      peak = Math.max(peak, active)
      await new Promise((resolve) => setImmediate(resolve))
      active--
      return n * 2
    })
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14])
    expect(peak).toBe(2)
    const started: number[] = []
    await expect(
      mapWithConcurrency([1, 2, 3, 4], 2, async (n) => {
        started.push(n)
        await new Promise((resolve) => setImmediate(resolve))
        if (n === 1) throw new Error('first')
        return n
      }),
    ).rejects.toThrow('first')
    expect(started).toEqual([1, 2])
    await expect(mapWithConcurrency([1], 0, async (n) => n)).rejects.toThrow(RangeError)
  })
})

describe("PURISTA's option names", () => {
  it('enableCache: false switches the cache off', async () => {
    const store = new ProbeStore({ enableCache: false })
    store.values.set('a', 'value-a')
    await store.getSecret('a')
    await store.getSecret('a')
    expect(store.reads).toHaveLength(2)
  })

  it('cacheTtl sets the TTL in milliseconds', async () => {
    useFakeClock()
    const store = new ProbeStore({ enableCache: true, cacheTtl: 1_000 })
    store.values.set('a', 'value-a')
    await store.getSecret('a')
    moveClock(999)
    await store.getSecret('a')
    expect(store.reads).toHaveLength(1)
    moveClock(2)
    await store.getSecret('a')
    expect(store.reads).toHaveLength(2)
  })

  it('refuses a mix of cache and enableCache/cacheTtl', () => {
    expect(() => new ProbeStore({ cache: { ttlMs: 10 }, cacheTtl: 20 })).toThrow(ConfigurationError)
    expect(() => new ProbeStore({ cache: false, enableCache: true })).toThrow(
      /the cache is given twice: pass either cache or enableCache, not both/,
    )
    // A key given as undefined is not given.
    expect(() => new ProbeStore({ cache: undefined, enableCache: true })).not.toThrow()
  })

  it('logLevel keeps lines below it from the logger', async () => {
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() }
    const store = new ProbeStore({ logger, logLevel: 'warn', cache: { ttlMs: 1_000, staleIfErrorMs: 60_000 } })
    await store.setSecret('a', 'value-a') // logs at debug
    expect(logger.debug).not.toHaveBeenCalled()
    useFakeClock()
    await store.getSecret('a')
    moveClock(2_000)
    store.failNext.push(unavailable())
    await store.getSecret('a') // stale answer: logs at warn
    expect(logger.warn).toHaveBeenCalledTimes(1)
    const verbose = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() }
    await new ProbeStore({ logger: verbose }).setSecret('a', 'value-a')
    expect(verbose.debug).toHaveBeenCalled()
    expect(() => new ProbeStore({ logger, logLevel: 'loud' as 'warn' })).toThrow(RangeError)
  })
})

/** A ProbeStore whose backend takes only lower-case names and folds `tenant:<t>:<n>` into `t.<n>`. */
class LowerCaseStore extends ProbeStore {
  protected override backendName(name: string) {
    const tenant = /^tenant:([a-z]+):(.+)$/.exec(name)
    if (tenant !== null) return `${tenant[1]}.${tenant[2]}`
    return /^[a-z./]+$/.test(name) ? name : { invalid: 'LowerCase names are lower-case letters, . and /' }
  }
}

describe('names', () => {
  it('refuses unsafe names everywhere, before any backend read', async () => {
    const store = new ProbeStore()
    for (const bad of ['', 'a\nb', 'nul\u0000', 'c1\u0085', 'sep\u2028', 'x'.repeat(1025), 7, null]) {
      const error = (await store.getSecret('ok', bad as string).catch((e) => e)) as SecretStoreError
      expect(error.code, JSON.stringify(bad)).toBe('INVALID_NAME')
    }
    expect(store.reads).toEqual([])
    expect(await store.getSecret('team a/ünï:code', 'x'.repeat(1024))).toBeDefined()
  })

  it('hands the backend the names backendName returns and answers under the callers names', async () => {
    const store = new LowerCaseStore()
    store.values.set('acme.key', 'v1')
    store.values.set('plain', 'v2')
    expect(await store.getSecret('tenant:acme:key', 'plain')).toEqual({ 'tenant:acme:key': 'v1', plain: 'v2' })
    expect(store.reads.flat().sort()).toEqual(['acme.key', 'plain'])
    await store.setSecret('tenant:acme:other', 'v3')
    expect(store.values.get('acme.other')).toBe('v3')
    await store.removeSecret('tenant:acme:other')
    expect(store.values.has('acme.other')).toBe(false)
  })

  it('reads two callers names for one backend name once', async () => {
    const store = new LowerCaseStore()
    store.values.set('acme.key', 'v1')
    expect(await store.getSecret('tenant:acme:key', 'acme.key')).toEqual({ 'tenant:acme:key': 'v1', 'acme.key': 'v1' })
    expect(store.reads.flat()).toEqual(['acme.key'])
  })

  it('refuses with the backend rule, before any request, every name of the call', async () => {
    const store = new LowerCaseStore()
    const error = (await store.getSecret('ok', 'Bad').catch((e) => e)) as SecretStoreError
    expect(error.code).toBe('INVALID_NAME')
    expect(error.message).toBe('invalid secret name: LowerCase names are lower-case letters, . and /')
    expect(error.secretName).toBe('Bad')
    expect(store.reads).toEqual([])
    await expect(store.setSecret('Bad', 'v')).rejects.toMatchObject({ code: 'INVALID_NAME' })
    await expect(store.removeSecret('Bad')).rejects.toMatchObject({ code: 'INVALID_NAME' })
    expect(store.values.size).toBe(0)
  })

  it('applies nameTransform before the adapter, checking its result like any name', async () => {
    const store = new LowerCaseStore({ nameTransform: (name) => `prod/${name}` })
    store.values.set('prod/db', 'v1')
    expect(await store.getSecret('db')).toEqual({ db: 'v1' })
    await store.setSecret('api', 'v2')
    expect(store.values.get('prod/api')).toBe('v2')
    expect(await store.getSecret('api')).toEqual({ api: 'v2' })
    await expect(store.getSecret('Upper')).rejects.toMatchObject({ code: 'INVALID_NAME' })
    const broken = new ProbeStore({ nameTransform: () => '' })
    await expect(broken.getSecret('a')).rejects.toThrow('after nameTransform: the name is empty')
    expect(() => new ProbeStore({ nameTransform: 'prod/' as unknown as () => string })).toThrow(TypeError)
  })

  it('refuses values that are not well-formed UTF-16, changing nothing', async () => {
    const store = new ProbeStore()
    await expect(store.setSecret('a', 'lone \ud800 surrogate')).rejects.toMatchObject({ code: 'INVALID_VALUE' })
    expect(store.values.has('a')).toBe(false)
  })

  it('round-trips __proto__ through DefaultSecretStore with the cache off', async () => {
    const store = new DefaultSecretStore({ enableSet: true, cache: false, config: {} })
    await store.setSecret('__proto__', 'proto-value')
    expect(Object.getOwnPropertyDescriptor(await store.getSecret('__proto__'), '__proto__')?.value).toBe('proto-value')
  })
})

describe('deadlines and retries', () => {
  it('retries a retryable read failure and answers the value', async () => {
    const store = new ProbeStore({ retry: { attempts: 3, baseDelayMs: 0 } })
    store.values.set('a', 'value-a')
    store.failNext.push(unavailable(), unavailable())
    expect(await store.getSecret('a')).toEqual({ a: 'value-a' })
    expect(store.reads).toHaveLength(3)
  })

  it('gives up after the attempts, and never retries a non-retryable failure', async () => {
    const store = new ProbeStore({ retry: { attempts: 2, baseDelayMs: 0 } })
    store.failNext.push(unavailable(), unavailable(), unavailable())
    await expect(store.getSecret('a')).rejects.toBeInstanceOf(UnavailableError)
    expect(store.reads).toHaveLength(2)
    store.reads.length = 0
    store.failNext.length = 0
    store.failNext.push(new Error('denied'))
    await expect(store.getSecret('b')).rejects.toBeInstanceOf(AccessDeniedError)
    expect(store.reads).toHaveLength(1)
  })

  it('spends a retry budget, so a dead backend sees far fewer than attempts x reads requests', async () => {
    const store = new ProbeStore({ retry: { attempts: 4, baseDelayMs: 0, budgetCapacity: 5, budgetRatio: 0.5 } })
    const dead = () => Array.from({ length: 1000 }, unavailable)
    store.failNext.push(...dead())
    for (let i = 0; i < 100; i++) await store.getSecret(`n${i}`).catch(() => {})
    // 100 first attempts, 5 tokens at the start and half a token per read: about 55 retries, not 300.
    expect(store.reads.length).toBeGreaterThan(100)
    expect(store.reads.length).toBeLessThanOrEqual(100 + 5 + 50)
  })

  it('does not wait out a Retry-After longer than the deadline', async () => {
    const store = new ProbeStore({ timeoutMs: 1_000, retry: { attempts: 3, baseDelayMs: 0 } })
    store.failNext.push(new UnavailableError('throttled', { store: 'ProbeStore', retryAfterMs: 60_000 }))
    await expect(store.getSecret('a')).rejects.toThrow('throttled')
    expect(store.reads).toHaveLength(1)
  })

  it('ends a read the backend never answers at the attempt timeout, aborting its signal', async () => {
    vi.useFakeTimers()
    let signal: AbortSignal | undefined
    class SilentStore extends ProbeStore {
      protected override async getSecretImpl(): Promise<SecretRead> {
        signal = this.abortSignal
        return new Promise(() => {})
      }
    }
    const store = new SilentStore({ timeoutMs: 5_000, attemptTimeoutMs: 1_000 })
    const read = store.getSecret('a').catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(1_000)
    const error = (await read) as SecretStoreError
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error.message).toContain('did not answer within 1000 ms')
    expect(signal?.aborted).toBe(true)
  })

  it('keeps the overall deadline across retries', async () => {
    vi.useFakeTimers()
    class SilentStore extends ProbeStore {
      protected override async getSecretImpl(): Promise<SecretRead> {
        this.reads.push(['a'])
        return new Promise(() => {})
      }
    }
    const store = new SilentStore({
      timeoutMs: 2_500,
      attemptTimeoutMs: 1_000,
      retry: { attempts: 10, baseDelayMs: 0 },
    })
    const read = store.getSecret('a').catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(2_500)
    expect(await read).toBeInstanceOf(UnavailableError)
    expect(store.reads.length).toBeLessThanOrEqual(3)
  })

  it('applies writes to one name in call order and does not retry them', async () => {
    const order: string[] = []
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    class OrderedStore extends ProbeStore {
      protected override async removeSecretImpl(name: string) {
        await gate
        order.push('remove')
        this.values.delete(name)
      }
      protected override async setSecretImpl(name: string, value: string) {
        order.push('set')
        this.values.set(name, value)
      }
    }
    const store = new OrderedStore({ retry: { attempts: 4, baseDelayMs: 0 } })
    store.values.set('a', 'old')
    const removed = store.removeSecret('a')
    const written = store.setSecret('a', 'new')
    release()
    await Promise.all([removed, written])
    expect(order).toEqual(['remove', 'set'])
    expect(store.values.get('a')).toBe('new')
    expect(await store.getSecret('a')).toEqual({ a: 'new' })

    let writes = 0
    class FailingStore extends ProbeStore {
      protected override async setSecretImpl() {
        writes++
        throw unavailable()
      }
    }
    const failing = new FailingStore({ retry: { attempts: 4, baseDelayMs: 0 } })
    await expect(failing.setSecret('b', 'v')).rejects.toBeInstanceOf(UnavailableError)
    expect(writes).toBe(1)
  })
})

describe('per-call freshness: getSecretWith and invalidate', () => {
  it('forceFetch reads the backend although the name is cached, and refreshes the cache', async () => {
    const store = new ProbeStore()
    store.values.set('db', 'v1')
    expect(await store.getSecret('db')).toEqual({ db: 'v1' })
    store.values.set('db', 'v2') // rotated behind the store's back
    expect(await store.getSecret('db')).toEqual({ db: 'v1' })
    expect(store.reads).toHaveLength(1)
    expect(await store.getSecretWith({ forceFetch: true }, 'db')).toEqual({ db: 'v2' })
    expect(store.reads).toHaveLength(2)
    // The fresh answer is cached for plain reads.
    expect(await store.getSecret('db')).toEqual({ db: 'v2' })
    expect(store.reads).toHaveLength(2)
  })

  it('concurrent forced reads of a name share one backend read', async () => {
    const store = new BatchProbeStore()
    store.values.set('db', 'v1')
    await store.getSecret('db')
    store.reads.length = 0
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => store.getSecretWith({ forceFetch: true }, 'db', 'other')),
    )
    expect(new Set(answers.map((a) => a.db))).toEqual(new Set(['v1']))
    expect(store.reads).toEqual([['db', 'other']])
  })

  it('maxAgeMs answers from the cache while the value is young enough, and reads again after', async () => {
    useFakeClock()
    const store = new ProbeStore()
    store.values.set('db', 'v1')
    await store.getSecret('db')
    store.values.set('db', 'v2')
    moveClock(500)
    expect(await store.getSecretWith({ maxAgeMs: 1_000 }, 'db')).toEqual({ db: 'v1' })
    expect(store.reads).toHaveLength(1)
    moveClock(600)
    expect(await store.getSecretWith({ maxAgeMs: 1_000 }, 'db')).toEqual({ db: 'v2' })
    expect(store.reads).toHaveLength(2)
    // maxAgeMs 0 is a forced read.
    expect(await store.getSecretWith({ maxAgeMs: 0 }, 'db')).toEqual({ db: 'v2' })
    expect(store.reads).toHaveLength(3)
  })

  it('a forced read that fails is not answered from a stale entry', async () => {
    useFakeClock()
    const store = new ProbeStore({ cache: { ttlMs: 1_000, staleIfErrorMs: 60_000 } })
    store.values.set('db', 'v1')
    await store.getSecret('db')
    moveClock(2_000)
    store.failNext.push(unavailable())
    await expect(store.getSecretWith({ forceFetch: true }, 'db')).rejects.toBeInstanceOf(UnavailableError)
    // A plain read in the same situation is.
    store.failNext.push(unavailable())
    expect(await store.getSecret('db')).toEqual({ db: 'v1' })
  })

  it('checks its options', async () => {
    const store = new ProbeStore()
    // @ts-expect-error options come first
    await expect(store.getSecretWith('db')).rejects.toThrow(/takes its options first/)
    await expect(store.getSecretWith({ maxAgeMs: -1 }, 'db')).rejects.toThrow(RangeError)
    // @ts-expect-error forceFetch is a boolean
    await expect(store.getSecretWith({ forceFetch: 'yes' }, 'db')).rejects.toThrow(TypeError)
    expect(store.reads).toHaveLength(0)
  })

  it('invalidate drops the names given, or everything without names', async () => {
    const store = new BatchProbeStore()
    store.values.set('a', '1')
    store.values.set('b', '2')
    await store.getSecret('a', 'b')
    store.invalidate('a')
    await store.getSecret('a', 'b')
    expect(store.reads).toEqual([['a', 'b'], ['a']])
    store.invalidate()
    await store.getSecret('a', 'b')
    expect(store.reads).toEqual([['a', 'b'], ['a'], ['a', 'b']])
  })
})
