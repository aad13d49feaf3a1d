import { inspect } from 'node:util'
import type { SecretStore, StoreBaseOptions } from '@secret-store/core'
import { afterAll, afterEach, beforeEach, describe } from 'vitest'
import { LeakDetector } from '../leak-detector.js'
import { rejectionOf } from '../rejections.js'
import { captureSpans } from '../spans.js'
import { registerCacheTests } from './cache.js'
import type { ContractBackdoor, ContractSuiteOptions, FaultInjector, SuiteContext } from './context.js'
import { registerErrorTests } from './errors.js'
import { registerFreshnessTests, registerTypedValueTests } from './freshness.js'
import { registerLeakTests } from './leaks.js'
import { registerListingTests } from './listing.js'
import { registerNameTests } from './names.js'
import { registerReadTests } from './reads.js'
import { registerReliabilityTests } from './reliability.js'
import { registerScopeTests } from './scope.js'
import { registerWriteTests } from './writes.js'

export type {
  BrownfieldName,
  ContractBackdoor,
  ContractSuiteOptions,
  FaultInjector,
  FaultTargets,
} from './context.js'

/**
 * Registers the shared contract suite for one store with vitest: reads, writes, cache, concurrency,
 * errors, scoped views, leaks and brownfield names. It drives the store only through the public
 * `SecretStore` interface and checks what reached the backend through the back door.
 */
export function registerContractSuite(options: ContractSuiteOptions): void {
  const prefix = options.namePrefix ?? 'contract'
  const timeout = options.timeoutMs ?? 30_000

  describe(`secret store contract: ${options.name}`, { timeout }, () => {
    const detector = new LeakDetector()
    const created: SecretStore[] = []
    const spans = captureSpans()
    let backdoor: ContractBackdoor | undefined
    let injector: FaultInjector | undefined

    const door = async () => {
      backdoor ??= typeof options.backdoor === 'function' ? await options.backdoor() : options.backdoor
      return backdoor
    }
    const faults = async () => {
      injector ??= typeof options.faults === 'function' ? await options.faults() : options.faults
      return injector
    }
    const keep = async (store: SecretStore | Promise<SecretStore>) => {
      const ready = await store
      created.push(ready)
      return ready
    }
    const withLogger = (extra: StoreBaseOptions): StoreBaseOptions => ({
      ...extra,
      logger: extra.logger ?? detector.logger,
    })

    const readOnly = options.unsupported?.writes !== undefined
    // A read-only store may refuse set and remove already at construction, so they are enabled only for writable ones.
    const enabled = readOnly ? { enableGet: true } : { enableGet: true, enableSet: true, enableRemove: true }
    const context: SuiteContext = {
      options,
      detector,
      readOnly,
      store: (overrides = {}) => keep(options.createStore(withLogger({ ...enabled, ...overrides }))),
      bareStore: (storeOptions) => keep(options.createStore(withLogger(storeOptions))),
      unreachableStore: (overrides = {}) =>
        keep(options.createUnreachableStore(withLogger({ ...enabled, ...overrides }))),
      door,
      faults,
      uniqueName: (label = 'n') =>
        `${prefix}-${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`,
      rejection: async (promise) => {
        const error = await rejectionOf(promise)
        detector.scanError('thrown error', error)
        return error
      },
      isRead: (request) => (options.faultTargets?.isRead ?? ((r) => r.method === 'GET'))(request),
      isValueWrite: (request) =>
        (options.faultTargets?.isValueWrite ?? ((r) => r.method === 'PUT' || r.method === 'POST'))(request),
    }

    beforeEach(async () => {
      detector.watchConsole()
      spans?.reset()
      const credentials = typeof options.credentials === 'function' ? options.credentials() : options.credentials
      for (const credential of credentials ?? []) detector.track(credential)
      ;(await door()).resetRequestStats()
    })

    afterEach(async () => {
      detector.release()
      ;(await faults()).clear()
      for (const store of created.splice(0)) {
        detector.scan('util.inspect(store)', inspect(store, { depth: 8, showHidden: true }))
        detector.scan('JSON.stringify(store)', JSON.stringify(store))
        detector.scan('a spread copy of the store', { ...store })
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
      try {
        detector.assertNoLeaks()
      } finally {
        detector.reset()
      }
    })

    afterAll(async () => {
      for (const store of created.splice(0)) await store.destroy()
    })

    describe('reads', () => registerReadTests(context))
    describe('writes', () => registerWriteTests(context))
    describe('cache and concurrency', () => registerCacheTests(context))
    describe('freshness and rotation', () => registerFreshnessTests(context))
    describe('typed values', () => registerTypedValueTests(context))
    describe('errors and faults', () => registerErrorTests(context))
    describe('deadlines, retries and hostile answers', () => registerReliabilityTests(context))
    describe('flags, scoped views and PURISTA option names', () => registerScopeTests(context))
    describe('leaks, tracing and destroy', () => registerLeakTests(context, spans))
    describe('brownfield names', () => registerNameTests(context))
    describe('listing names', () => registerListingTests(context))
  })
}
