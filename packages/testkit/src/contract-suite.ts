import { inspect } from 'node:util'
import {
  type CacheOptions,
  InvalidSecretNameError,
  InvalidSecretValueError,
  NotSupportedError,
  OperationDisabledError,
  SECRET_NAME_MAX_LENGTH,
  type SecretStoreBaseClass,
  SecretStoreError,
  type SecretStoreLogger,
  SPAN_ATTRIBUTES,
  SPAN_NAMES,
  StoreDestroyedError,
} from '@secret-store/core'
import { afterAll, afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest'
import { LeakDetector } from './leak-detector.js'
import { rejectionOf } from './rejections.js'
import { captureSpans } from './spans.js'

/**
 * Reads, writes and deletes through the backend's own client, bypassing the store under test,
 * so assertions see what really landed in the backend. Names are logical names: the back door
 * applies the adapter's name mapping itself.
 */
export interface ContractBackdoor {
  /** The current value, or `undefined` when the secret is missing or deleted. */
  get(name: string): Promise<string | undefined>
  /** Creates or overwrites (restoring a deleted secret first where the backend requires it). */
  set(name: string, value: string): Promise<void>
  /** Deletes irreversibly; resolves when the secret does not exist. */
  remove(name: string): Promise<void>
  /** Whether a deleted secret can still be recovered. Required when the store declares `recoverableDelete`. */
  isRecoverable?(name: string): Promise<boolean>
}

/** What the suite passes to the store factory. Spread it into the store's options. */
export interface ContractStoreOptions {
  enableGet?: boolean
  enableSet?: boolean
  enableRemove?: boolean
  logger: SecretStoreLogger
  cache?: CacheOptions | false
}

export interface ContractSuiteOptions {
  /** Shown in the suite title. */
  name: string
  /** Creates a fresh store. Called once or more per test; the suite destroys each store it creates. */
  createStore(options: ContractStoreOptions): SecretStoreBaseClass<object> | Promise<SecretStoreBaseClass<object>>
  /** The raw-client back door, or a function that makes it once the backend is up. */
  backdoor: ContractBackdoor | (() => ContractBackdoor | Promise<ContractBackdoor>)
  /**
   * Capabilities the store lacks, each with the reason. They must agree with `store.capabilities`.
   * `writes`: the backend is read-only (set and remove must throw `NotSupportedError`).
   */
  unsupported?: { writes?: string }
  /** Prefix of every generated name, to tell suite data apart in a shared backend. @default 'contract' */
  namePrefix?: string
  /** Per-test timeout in ms (slow emulators need more). @default 30000 */
  timeoutMs?: number
  /** Names as the backend's own users write them, and names the backend refuses. */
  names?: {
    /**
     * Existing-secret names in the backend's own style (paths, `!`, `@`, ARNs...). The suite creates each
     * through the back door, reads it by that name and, where writes are enabled, overwrites and removes it.
     * A name that cannot be made through the back door under that name (an ARN) is given as
     * `{ label, create }`: `create` makes the secret and returns the name to address it by.
     */
    brownfield?: ReadonlyArray<string | BrownfieldName>
    /** Names that pass core's safety rule but break a backend rule; each must give `InvalidSecretNameError`. */
    invalid?: readonly string[]
  }
}

/** A brownfield name made by the test itself (see `ContractSuiteOptions.names.brownfield`). */
export interface BrownfieldName {
  /** Shown in the test title. */
  label: string
  /** Creates the secret with `value` through the raw client; returns the name the store addresses it by. */
  create(value: string): Promise<string>
}

// Names core's safety rule rejects on every store; each must fail before any backend call.
const UNSAFE_NAMES: unknown[] = [
  '',
  'x'.repeat(SECRET_NAME_MAX_LENGTH + 1),
  'tab\tname',
  'line\nbreak',
  'nul\u0000',
  'del\u007f',
  'sep\u2028',
  42,
  null,
  undefined,
]

type ImplSpy = MockInstance<(...names: string[]) => Promise<Record<string, string | undefined>>>

/** Registers the shared contract suite for one store with vitest. */
export function registerContractSuite(options: ContractSuiteOptions): void {
  const prefix = options.namePrefix ?? 'contract'
  const timeout = options.timeoutMs ?? 30_000
  const readOnly = options.unsupported?.writes !== undefined

  describe(`secret store contract: ${options.name}`, { timeout }, () => {
    const detector = new LeakDetector()
    const created: SecretStoreBaseClass<object>[] = []
    const spans = captureSpans()
    let backdoor: ContractBackdoor | undefined

    const door = async (): Promise<ContractBackdoor> => {
      backdoor ??= typeof options.backdoor === 'function' ? await options.backdoor() : options.backdoor
      return backdoor
    }

    const makeStore = async (overrides: Omit<ContractStoreOptions, 'logger'> = {}) => {
      const store = await options.createStore({
        enableGet: true,
        enableSet: true,
        enableRemove: true,
        ...overrides,
        logger: detector.logger,
      })
      created.push(store)
      return store
    }

    // Letters, digits and single hyphens: a name every backend accepts verbatim.
    const uniqueName = (label = 'n') =>
      `${prefix}-${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`

    /** Awaits a promise that must reject, scans the error for leaks and returns it. */
    const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
      const error = await rejectionOf(promise)
      detector.scanError('thrown error', error)
      return error
    }

    const spyOnReads = (store: SecretStoreBaseClass<object>): ImplSpy =>
      vi.spyOn(
        store as unknown as { getSecretImpl: (...n: string[]) => Promise<Record<string, string | undefined>> },
        'getSecretImpl',
      )

    const readNames = (spy: ImplSpy) => spy.mock.calls.flat()

    beforeEach(() => {
      detector.watchConsole()
      spans?.reset()
    })

    afterEach(async () => {
      detector.release()
      for (const store of created.splice(0)) {
        detector.scan('util.inspect(store)', inspect(store, { depth: 8 }))
        detector.scan('JSON.stringify(store)', JSON.stringify(store))
        await store.destroy()
      }
      for (const span of spans?.getFinishedSpans() ?? []) {
        detector.scan(`span ${span.name}`, {
          name: span.name,
          attributes: span.attributes,
          events: span.events,
          status: span.status,
        })
      }
      vi.restoreAllMocks()
      try {
        detector.assertNoLeaks()
      } finally {
        detector.reset()
      }
    })

    afterAll(async () => {
      for (const store of created.splice(0)) await store.destroy()
    })

    it('declares the capabilities the suite was told about', async () => {
      const store = await makeStore()
      expect(store.capabilities.writes).toBe(!readOnly)
      if (store.capabilities.recoverableDelete) {
        expect(typeof (await door()).isRecoverable, 'a store with recoverableDelete needs backdoor.isRecoverable').toBe(
          'function',
        )
      }
    })

    describe('getSecret', () => {
      it('returns exactly one key per requested name, undefined for a missing secret', async () => {
        const [a, b, missing] = [uniqueName('a'), uniqueName('b'), uniqueName('missing')]
        const [va, vb] = [detector.secret('va'), detector.secret('vb')]
        await (await door()).set(a, va)
        await (await door()).set(b, vb)
        const store = await makeStore()
        const result = await store.getSecret(a, b, missing)
        expect(result).toEqual({ [a]: va, [b]: vb, [missing]: undefined })
        expect(Object.keys(result).sort()).toEqual([a, b, missing].sort())
        expect(Object.hasOwn(result, missing)).toBe(true)
      })

      it('returns {} for no names without touching the backend', async () => {
        const store = await makeStore()
        const spy = spyOnReads(store)
        expect(await store.getSecret()).toEqual({})
        expect(spy).not.toHaveBeenCalled()
      })

      it('fetches a name asked for twice only once', async () => {
        const name = uniqueName()
        const value = detector.secret()
        await (await door()).set(name, value)
        const store = await makeStore()
        const spy = spyOnReads(store)
        const result = await store.getSecret(name, name)
        expect(result).toEqual({ [name]: value })
        expect(readNames(spy)).toEqual([name])
      })

      it('rejects invalid names with InvalidSecretNameError before any backend call', async () => {
        const store = await makeStore()
        const spy = spyOnReads(store)
        for (const bad of [...UNSAFE_NAMES, ...(options.names?.invalid ?? [])]) {
          const error = await rejection(store.getSecret(bad as string))
          expect(error, `name ${inspect(bad)}`).toBeInstanceOf(InvalidSecretNameError)
          expect((error as SecretStoreError).code).toBe('INVALID_NAME')
          // A bad name in a batch spoils the whole batch before anything is fetched.
          expect(await rejection(store.getSecret(uniqueName(), bad as string))).toBeInstanceOf(InvalidSecretNameError)
        }
        expect(spy).not.toHaveBeenCalled()
      })

      it('makes exactly one backend read for 1,000 concurrent reads of one cold name', async () => {
        const name = uniqueName()
        const value = detector.secret()
        await (await door()).set(name, value)
        const store = await makeStore()
        const spy = spyOnReads(store)
        const results = await Promise.all(Array.from({ length: 1000 }, () => store.getSecret(name)))
        expect(spy).toHaveBeenCalledTimes(1)
        expect(results.every((r) => r[name] === value)).toBe(true)
      })

      it('answers a warm read from the cache and sees backend changes after invalidate()', async () => {
        const name = uniqueName()
        const [v1, v2] = [detector.secret('v1'), detector.secret('v2')]
        await (await door()).set(name, v1)
        const store = await makeStore()
        expect(await store.getSecret(name)).toEqual({ [name]: v1 })
        const spy = spyOnReads(store)
        expect(await store.getSecret(name)).toEqual({ [name]: v1 })
        expect(spy).not.toHaveBeenCalled()
        if (readOnly) return
        await (await door()).set(name, v2)
        store.invalidate(name)
        expect(await store.getSecret(name)).toEqual({ [name]: v2 })
        expect(readNames(spy)).toEqual([name])
      })

      it('reads the backend every time when the cache is switched off', async () => {
        const name = uniqueName()
        const value = detector.secret()
        await (await door()).set(name, value)
        const store = await makeStore({ cache: false })
        const spy = spyOnReads(store)
        expect(await store.getSecret(name)).toEqual({ [name]: value })
        expect(await store.getSecret(name)).toEqual({ [name]: value })
        expect(spy).toHaveBeenCalledTimes(2)
      })

      it('wraps a raw backend failure in a SecretStoreError and does not poison the cache', async () => {
        const name = uniqueName()
        const value = detector.secret()
        await (await door()).set(name, value)
        const store = await makeStore()
        const raw = new Error('backend exploded')
        const spy = spyOnReads(store).mockRejectedValueOnce(raw)
        const error = await rejection(store.getSecret(name))
        expect(error).toBeInstanceOf(SecretStoreError)
        expect((error as SecretStoreError).store).toBe(store.name)
        expect((error as SecretStoreError).cause).toBe(raw)
        expect(await store.getSecret(name)).toEqual({ [name]: value })
        expect(spy).toHaveBeenCalledTimes(2)
      })
    })

    describe('setSecret and removeSecret', () => {
      if (readOnly) {
        it(`throws NotSupportedError even when writes are enabled (${options.unsupported?.writes})`, async () => {
          const name = uniqueName()
          const store = await makeStore()
          const setError = await rejection(store.setSecret(name, detector.secret()))
          expect(setError).toBeInstanceOf(NotSupportedError)
          expect((setError as SecretStoreError).code).toBe('NOT_SUPPORTED')
          expect(await rejection(store.removeSecret(name))).toBeInstanceOf(NotSupportedError)
          expect(await (await door()).get(name)).toBeUndefined()
        })
        return
      }

      it('creates a secret that lands in the backend', async () => {
        const name = uniqueName()
        const value = detector.secret()
        const store = await makeStore()
        await store.setSecret(name, value)
        expect(await (await door()).get(name)).toBe(value)
        expect(await store.getSecret(name)).toEqual({ [name]: value })
      })

      it('updates a cached secret; the next read returns the new value', async () => {
        const name = uniqueName()
        const [v1, v2] = [detector.secret('v1'), detector.secret('v2')]
        await (await door()).set(name, v1)
        const store = await makeStore()
        expect(await store.getSecret(name)).toEqual({ [name]: v1 })
        await store.setSecret(name, v2)
        expect(await store.getSecret(name)).toEqual({ [name]: v2 })
        expect(await (await door()).get(name)).toBe(v2)
        const fresh = await makeStore({ cache: false })
        expect(await fresh.getSecret(name)).toEqual({ [name]: v2 })
      })

      it("keeps tenants apart: tenant:<tenant>:<name> never reaches another tenant's secret", async () => {
        const base = uniqueName('t')
        // Tenant ids that prefix one another, and names that start with the other tenant's remainder.
        const names = [
          `tenant:acme:${base}`,
          `tenant:acme:corp-${base}`,
          `tenant:acme-corp:${base}`,
          `tenant:acme-corp:corp-${base}`,
          `tenant:acme2:${base}`,
        ]
        const values = names.map((_, i) => detector.secret(`tv${i}`))
        const store = await makeStore()
        for (const [i, name] of names.entries()) await store.setSecret(name, values[i] as string)
        const fresh = await makeStore({ cache: false })
        expect(await fresh.getSecret(...names)).toEqual(Object.fromEntries(names.map((n, i) => [n, values[i]])))
        for (const [i, name] of names.entries()) expect(await (await door()).get(name)).toBe(values[i])
        for (const name of names) await store.removeSecret(name, { purge: true })
      })

      it('rejects invalid values with InvalidSecretValueError and changes nothing', async () => {
        const name = uniqueName()
        const value = detector.secret()
        await (await door()).set(name, value)
        const store = await makeStore()
        for (const bad of ['', 42, null, undefined, 'x'.repeat(store.capabilities.maxValueBytes + 1)]) {
          const error = await rejection(store.setSecret(name, bad as string))
          expect(error).toBeInstanceOf(InvalidSecretValueError)
        }
        expect(await rejection(store.setSecret('', value))).toBeInstanceOf(InvalidSecretNameError)
        expect(await (await door()).get(name)).toBe(value)
      })

      it('removes idempotently: a missing name resolves, and reads give undefined afterwards', async () => {
        const name = uniqueName()
        const value = detector.secret()
        await (await door()).set(name, value)
        const store = await makeStore()
        expect(await store.getSecret(name)).toEqual({ [name]: value })
        await store.removeSecret(name)
        expect(await store.getSecret(name)).toEqual({ [name]: undefined })
        expect(await (await door()).get(name)).toBeUndefined()
        const fresh = await makeStore({ cache: false })
        expect(await fresh.getSecret(name)).toEqual({ [name]: undefined })
        await expect(store.removeSecret(name)).resolves.toBeUndefined()
        await expect(store.removeSecret(uniqueName('never'))).resolves.toBeUndefined()
      })

      it('sets a name again right after removing it (recoverable delete)', async () => {
        const name = uniqueName()
        const [v1, v2] = [detector.secret('v1'), detector.secret('v2')]
        const store = await makeStore()
        await store.setSecret(name, v1)
        await store.removeSecret(name)
        if (store.capabilities.recoverableDelete) {
          expect(await (await door()).isRecoverable?.(name)).toBe(true)
        }
        await store.setSecret(name, v2)
        expect(await (await door()).get(name)).toBe(v2)
        expect(await (await makeStore({ cache: false })).getSecret(name)).toEqual({ [name]: v2 })
      })

      it('sets a name again right after purging it', async () => {
        const name = uniqueName()
        const [v1, v2] = [detector.secret('v1'), detector.secret('v2')]
        const store = await makeStore()
        await store.setSecret(name, v1)
        await store.removeSecret(name, { purge: true })
        expect(await (await door()).get(name)).toBeUndefined()
        if (store.capabilities.recoverableDelete) {
          expect(await (await door()).isRecoverable?.(name)).toBe(false)
        }
        await store.setSecret(name, v2)
        expect(await (await door()).get(name)).toBe(v2)
      })

      it('does not let a failed write leave a stale value in the cache', async () => {
        const name = uniqueName()
        const [v1, v2] = [detector.secret('v1'), detector.secret('v2')]
        await (await door()).set(name, v1)
        const store = await makeStore()
        expect(await store.getSecret(name)).toEqual({ [name]: v1 })
        vi.spyOn(store as unknown as { setSecretImpl: () => Promise<void> }, 'setSecretImpl').mockRejectedValueOnce(
          new Error('write failed'),
        )
        expect(await rejection(store.setSecret(name, v2))).toBeInstanceOf(SecretStoreError)
        expect(await store.getSecret(name)).toEqual({ [name]: v1 })
      })
    })

    describe('brownfield names: existing secrets are reachable by the names the backend shows', () => {
      const brownfield = options.names?.brownfield ?? []
      it("is given names in the backend's own style", () => {
        expect(
          brownfield.length,
          'pass names.brownfield: existing-secret names as the backend shows them',
        ).toBeGreaterThan(0)
      })
      for (const entry of brownfield) {
        const label = typeof entry === 'string' ? entry : entry.label
        it(`reads${readOnly ? '' : ', overwrites and removes'} ${label}`, async () => {
          const [v1, v2] = [detector.secret('v1'), detector.secret('v2')]
          const backdoor = await door()
          let name: string
          if (typeof entry === 'string') {
            name = entry
            await backdoor.remove(name)
            await backdoor.set(name, v1)
          } else {
            name = await entry.create(v1)
          }
          try {
            const store = await makeStore()
            expect(await store.getSecret(name)).toEqual({ [name]: v1 })
            if (readOnly) return
            await store.setSecret(name, v2)
            expect(await backdoor.get(name)).toBe(v2)
            expect(await (await makeStore({ cache: false })).getSecret(name)).toEqual({ [name]: v2 })
            await store.removeSecret(name)
            expect(await backdoor.get(name)).toBeUndefined()
            expect(await (await makeStore({ cache: false })).getSecret(name)).toEqual({ [name]: undefined })
          } finally {
            await backdoor.remove(name)
          }
        })
      }
    })

    describe('operation flags', () => {
      it('enables only get by default; set and remove throw OperationDisabledError and change nothing', async () => {
        const name = uniqueName()
        const value = detector.secret()
        await (await door()).set(name, value)
        const store = await options.createStore({ logger: detector.logger })
        created.push(store)
        const setError = await rejection(store.setSecret(name, detector.secret('other')))
        expect(setError).toBeInstanceOf(OperationDisabledError)
        expect((setError as SecretStoreError).code).toBe('OPERATION_DISABLED')
        expect(await rejection(store.removeSecret(name))).toBeInstanceOf(OperationDisabledError)
        expect(await (await door()).get(name)).toBe(value)
        expect(await store.getSecret(name)).toEqual({ [name]: value })
      })

      it('throws OperationDisabledError for get when enableGet is false', async () => {
        const store = await makeStore({ enableGet: false })
        const spy = spyOnReads(store)
        expect(await rejection(store.getSecret(uniqueName()))).toBeInstanceOf(OperationDisabledError)
        expect(spy).not.toHaveBeenCalled()
      })
    })

    describe('redaction, tracing and destroy', () => {
      it('never shows a value in util.inspect, JSON or spread copies of the store', async () => {
        const name = uniqueName()
        const value = detector.secret()
        await (await door()).set(name, value)
        const store = await makeStore()
        await store.getSecret(name)
        expect(inspect(store, { depth: 10, showHidden: true })).not.toContain(value)
        expect(JSON.stringify(store)).not.toContain(value)
        expect(JSON.stringify({ ...store })).not.toContain(value)
      })

      it.skipIf(spans === undefined)(
        'emits one span per operation with distinct names, counts and cache hits, never values',
        async () => {
          const name = uniqueName()
          const value = detector.secret()
          await (await door()).set(name, value)
          const store = await makeStore()
          await store.getSecret(name, uniqueName('missing'))
          await store.getSecret(name)
          if (!readOnly) {
            await store.setSecret(name, detector.secret('v2'))
            await store.removeSecret(name)
          }
          const finished = (spans?.getFinishedSpans() ?? []).filter(
            (s) => s.attributes[SPAN_ATTRIBUTES.store] === store.name,
          )
          const names = finished.map((s) => s.name)
          expect(names).toEqual(
            readOnly
              ? [SPAN_NAMES.get, SPAN_NAMES.get]
              : [SPAN_NAMES.get, SPAN_NAMES.get, SPAN_NAMES.set, SPAN_NAMES.remove],
          )
          expect(new Set(Object.values(SPAN_NAMES)).size).toBe(3)
          expect(finished[0]?.attributes[SPAN_ATTRIBUTES.nameCount]).toBe(2)
          expect(finished[0]?.attributes[SPAN_ATTRIBUTES.cacheHits]).toBe(0)
          expect(finished[1]?.attributes[SPAN_ATTRIBUTES.cacheHits]).toBe(1)
          for (const span of finished) expect(JSON.stringify(span.attributes)).not.toContain(value)
        },
      )

      it('rejects every call after destroy() with StoreDestroyedError', async () => {
        const name = uniqueName()
        const store = await makeStore()
        await store.destroy()
        for (const call of [
          store.getSecret(name),
          store.setSecret(name, detector.secret()),
          store.removeSecret(name),
        ]) {
          const error = await rejection(call)
          expect(error).toBeInstanceOf(StoreDestroyedError)
          expect((error as SecretStoreError).code).toBe('STORE_DESTROYED')
        }
        await expect(store.destroy()).resolves.toBeUndefined()
      })
    })
  })
}
