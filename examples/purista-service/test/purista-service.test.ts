import type { Logger as PuristaLogger, SecretStore as PuristaSecretStore } from '@purista/core'
import {
  bindSecrets,
  DefaultSecretStore,
  SecretStoreBaseClass,
  type SecretStoreLogger,
  type SecretValues,
  type StoreBaseConfig,
} from '@secret-store/core'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { runPaymentService } from '../src/run.js'

/** A store built on the base class over a map we can inspect directly. */
class MapBackedStore extends SecretStoreBaseClass<{ map: Map<string, string> }> {
  constructor(config: StoreBaseConfig<{ map: Map<string, string> }>) {
    super('MapBackedStore', config)
  }
  protected async getSecretImpl(...names: string[]) {
    return Object.fromEntries(names.map((n) => [n, this.config.config.map.get(n)]))
  }
  protected async setSecretImpl(name: string, value: string) {
    this.config.config.map.set(name, value)
  }
  protected async removeSecretImpl(name: string) {
    this.config.config.map.delete(name)
  }
}

const seed = () =>
  new Map([
    ['paymentApiKey', 'seeded-payment-key'],
    ['dbPassword', 'seeded-db-password'],
    ['oldApiKey', 'seeded-old-key'],
  ])

describe('a real PURISTA 1.11 service using our stores through context.secrets', () => {
  it('works with DefaultSecretStore', async () => {
    const map = seed()
    const store = new DefaultSecretStore({ enableSet: true, enableRemove: true, map })
    const result = await runPaymentService(store, 'rotated-key-default')
    expect(result).toEqual({ hadPaymentApiKey: true, hadDbPassword: true, keyChanged: true, oldApiKeyRemoved: true })
    expect(map.get('paymentApiKey')).toBe('rotated-key-default')
    expect(map.has('oldApiKey')).toBe(false)
    await store.destroy()
  })

  it('works with a store built on SecretStoreBaseClass', async () => {
    const map = seed()
    const store = new MapBackedStore({ enableSet: true, enableRemove: true, config: { map } })
    const result = await runPaymentService(store, 'rotated-key-custom')
    expect(result).toEqual({ hadPaymentApiKey: true, hadDbPassword: true, keyChanged: true, oldApiKeyRemoved: true })
    expect(map.get('paymentApiKey')).toBe('rotated-key-custom')
    expect(map.has('oldApiKey')).toBe(false)
    await store.destroy()
  })

  it('works with a tenant-scoped view, which keeps the handler inside its tenant', async () => {
    const map = new Map([
      ['tenant:acme:paymentApiKey', 'acme-payment-key'],
      ['paymentApiKey', 'global-payment-key'],
    ])
    const store = new MapBackedStore({ enableSet: true, enableRemove: true, config: { map } })
    const result = await runPaymentService(bindSecrets(store, { tenant: 'acme' }), 'rotated-key-acme')
    expect(result).toEqual({ hadPaymentApiKey: true, hadDbPassword: false, keyChanged: true, oldApiKeyRemoved: true })
    expect(map.get('tenant:acme:paymentApiKey')).toBe('rotated-key-acme')
    expect(map.get('paymentApiKey')).toBe('global-payment-key')
    await store.destroy()
  })

  it('surfaces a disabled operation to the caller as a failed command, leaving the secret alone', async () => {
    const map = seed()
    const store = new DefaultSecretStore({ map }) // only get is enabled
    await expect(runPaymentService(store, 'rotated-key-readonly')).rejects.toBeDefined()
    expect(map.get('paymentApiKey')).toBe('seeded-payment-key')
    await store.destroy()
  })
})

/** PURISTA 3.x's accepted shape, restated from its published declarations (identical in 1.11). */
interface Purista3SecretStore {
  name: string
  getSecret: <SecretNames extends string[]>(
    ...secretNames: SecretNames
  ) => Promise<{ [K in SecretNames extends ReadonlyArray<infer U> ? U : never]: string | undefined }>
  removeSecret: (secretName: string) => Promise<void>
  setSecret: (secretName: string, secretValue: string) => Promise<void>
  destroy(): Promise<void>
}

describe('type compatibility with PURISTA', () => {
  it('our stores and the scoped view satisfy PURISTA 1.11 and the 3.x SecretStore shape', () => {
    expectTypeOf<DefaultSecretStore>().toExtend<PuristaSecretStore>()
    expectTypeOf<MapBackedStore>().toExtend<PuristaSecretStore>()
    expectTypeOf<ReturnType<typeof bindSecrets>>().toExtend<PuristaSecretStore>()
    expectTypeOf<DefaultSecretStore>().toExtend<Purista3SecretStore>()
    expectTypeOf<MapBackedStore>().toExtend<Purista3SecretStore>()
    expectTypeOf<ReturnType<typeof bindSecrets>>().toExtend<Purista3SecretStore>()
    // getSecret('a', 'b') is typed with exactly those keys.
    expectTypeOf<Awaited<ReturnType<DefaultSecretStore['getSecret']>>>().toEqualTypeOf<SecretValues<string[]>>()
    const read = (store: DefaultSecretStore) => store.getSecret('a', 'b')
    expectTypeOf<Awaited<ReturnType<typeof read>>>().toEqualTypeOf<{ a: string | undefined; b: string | undefined }>()
    // The check can fail: a non-generic getter is not what PURISTA accepts.
    type Loose = Omit<Purista3SecretStore, 'getSecret'> & {
      getSecret: (...names: string[]) => Promise<Record<string, string | undefined>>
    }
    expectTypeOf<Loose>().not.toExtend<Purista3SecretStore>()
    // A PURISTA logger can be handed to our stores as it is.
    expectTypeOf<PuristaLogger>().toExtend<SecretStoreLogger>()
  })

  it("accepts PURISTA's own store options (enableCache, cacheTtl, logLevel) and honours them", async () => {
    const map = seed()
    const store = new DefaultSecretStore({ enableCache: false, cacheTtl: undefined, logLevel: 'error', map })
    expect(await store.getSecret('paymentApiKey')).toEqual({ paymentApiKey: 'seeded-payment-key' })
    map.set('paymentApiKey', 'changed-behind-the-store')
    // With PURISTA's enableCache: false the change is seen at once.
    expect(await store.getSecret('paymentApiKey')).toEqual({ paymentApiKey: 'changed-behind-the-store' })
    await store.destroy()
  })
})
