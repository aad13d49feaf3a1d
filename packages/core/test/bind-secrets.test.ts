import {
  AccessDeniedError,
  bindSecrets,
  DefaultSecretStore,
  InvalidSecretNameError,
  OperationDisabledError,
  type SecretStore,
  SecretStoreError,
  StoreDestroyedError,
} from '@secret-store/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

/** A store that records every name that reaches it. */
function recordingStore() {
  const map = new Map<string, string>()
  const touched: string[] = []
  const store = new DefaultSecretStore({ enableSet: true, enableRemove: true, map, cache: false })
  const recorder: SecretStore = {
    name: store.name,
    getSecret: (...names) => {
      touched.push(...names)
      return store.getSecret(...names)
    },
    setSecret: (name, value) => {
      touched.push(name)
      return store.setSecret(name, value)
    },
    removeSecret: (name) => {
      touched.push(name)
      return store.removeSecret(name)
    },
    destroy: () => store.destroy(),
  }
  return { map, touched, store: recorder }
}

// Names a hostile or careless handler might pass: path tricks, other tenants' prefixes, separators.
const trickyName = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '../tenant:evil:key',
    'tenant:evil:key',
    ':evil:key',
    '/tenant:evil:key',
    '..',
    '',
    'a/../../b',
    '__proto__',
    'tenant:acme:x',
  ),
  fc
    .array(fc.constantFrom('tenant', 'evil', 'acme', ':', '/', '..', '.', 'key', '_', '-', ' '), { maxLength: 8 })
    .map((parts) => parts.join('')),
)

describe('bindSecrets', () => {
  it('runs the handbook context.secrets calls against a bound store', async () => {
    const store = new DefaultSecretStore({
      enableSet: true,
      enableRemove: true,
      config: { paymentApiKey: 'dev-key-only', dbPassword: 'dev-db-pass', oldApiKey: 'old-key' },
    })
    const context = { secrets: bindSecrets(store) }

    const secrets = await context.secrets.getSecret('paymentApiKey', 'dbPassword')
    const paymentApiKey: string | undefined = secrets.paymentApiKey
    expect(paymentApiKey).toBe('dev-key-only')
    expect(secrets.dbPassword).toBe('dev-db-pass')
    await context.secrets.setSecret('paymentApiKey', 'new-key-value')
    await context.secrets.removeSecret('oldApiKey')
    expect(await store.getSecret('paymentApiKey', 'oldApiKey')).toEqual({
      paymentApiKey: 'new-key-value',
      oldApiKey: undefined,
    })
  })

  it('keeps a tenant view inside tenant:<id>: for every name it is handed (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(trickyName, { minLength: 1, maxLength: 4 }), async (names) => {
        const { map, touched, store } = recordingStore()
        map.set('tenant:evil:key', 'evil-tenant-secret')
        map.set('key', 'unscoped-secret')
        const view = bindSecrets(store, { tenant: 'acme' })

        const outcomes = await Promise.allSettled([
          view.getSecret(...names),
          ...names.map((n) => view.setSecret(n, 'written-by-acme')),
          ...names.map((n) => view.removeSecret(n)),
        ])
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(SecretStoreError)
          if (outcome.status === 'fulfilled' && outcome.value) {
            expect(Object.values(outcome.value)).not.toContain('evil-tenant-secret')
            expect(Object.values(outcome.value)).not.toContain('unscoped-secret')
          }
        }
        expect(touched.every((name) => name.startsWith('tenant:acme:'))).toBe(true)
        expect(map.get('tenant:evil:key')).toBe('evil-tenant-secret')
        expect(map.get('key')).toBe('unscoped-secret')
        for (const key of map.keys()) {
          expect(key === 'tenant:evil:key' || key === 'key' || key.startsWith('tenant:acme:')).toBe(true)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('maps tenant names both ways and returns results under the names the handler used', async () => {
    const { map, store } = recordingStore()
    const view = bindSecrets(store, { tenant: 'acme' })
    await view.setSecret('stripeApiKey', 'sk-acme-1234')
    expect(map.get('tenant:acme:stripeApiKey')).toBe('sk-acme-1234')
    expect(await view.getSecret('stripeApiKey', 'missing')).toEqual({
      stripeApiKey: 'sk-acme-1234',
      missing: undefined,
    })
    expect(view.scopePrefix).toBe('tenant:acme:')
    expect(view.name).toBe('DefaultSecretStore[tenant:acme]')
  })

  it('allows only listed names and prefixes', async () => {
    const { store } = recordingStore()
    const view = bindSecrets(store, { names: ['paymentApiKey'], prefixes: ['db/'] })
    await expect(view.getSecret('paymentApiKey', 'db/password')).resolves.toEqual({
      paymentApiKey: undefined,
      'db/password': undefined,
    })
    await expect(view.getSecret('paymentApiKey', 'other')).rejects.toBeInstanceOf(AccessDeniedError)
    await expect(view.setSecret('dbx', 'value-1234')).rejects.toBeInstanceOf(AccessDeniedError)
  })

  it('offers only the allowed operations', async () => {
    const { map, store } = recordingStore()
    map.set('a', 'value-a')
    const view = bindSecrets(store, { operations: ['get'] })
    expect(await view.getSecret('a')).toEqual({ a: 'value-a' })
    await expect(view.setSecret('a', 'value-b')).rejects.toBeInstanceOf(OperationDisabledError)
    await expect(view.removeSecret('a')).rejects.toBeInstanceOf(OperationDisabledError)
    expect(map.get('a')).toBe('value-a')
  })

  it('still honours the store flags underneath', async () => {
    const store = new DefaultSecretStore({ config: { a: 'value-a' } })
    const view = bindSecrets(store)
    await expect(view.setSecret('a', 'value-b')).rejects.toBeInstanceOf(OperationDisabledError)
  })

  it('rejects invalid names and bad tenant ids', async () => {
    const { store } = recordingStore()
    const view = bindSecrets(store, { tenant: 'acme' })
    await expect(view.getSecret('')).rejects.toBeInstanceOf(InvalidSecretNameError)
    await expect(view.getSecret('bad\nname')).rejects.toBeInstanceOf(InvalidSecretNameError)
    expect(() => bindSecrets(store, { tenant: 'a:b' })).toThrow(TypeError)
    expect(() => bindSecrets(store, { tenant: '' })).toThrow(TypeError)
  })

  it('copies its options: changing the caller arrays later does not widen the view', async () => {
    const { map, store } = recordingStore()
    map.set('tenant:acme:other', 'hidden')
    const prefixes = ['payment/']
    const names = ['db']
    const view = bindSecrets(store, { tenant: 'acme', prefixes, names })
    prefixes.push('')
    names.push('other')
    await expect(view.getSecret('other')).rejects.toBeInstanceOf(AccessDeniedError)
  })

  it('is disabled by destroy() without destroying the store underneath', async () => {
    const { map, store } = recordingStore()
    map.set('a', 'value-a')
    const view = bindSecrets(store)
    await view.destroy()
    await expect(view.getSecret('a')).rejects.toBeInstanceOf(StoreDestroyedError)
    expect(await store.getSecret('a')).toEqual({ a: 'value-a' })
  })
})

describe('bindSecrets: fresh reads and invalidation', () => {
  /** A caching store over a map the test changes behind its back, counting backend reads per name. */
  function cachingStore() {
    const map = new Map<string, string>()
    const store = new DefaultSecretStore({ map })
    return { map, store }
  }

  it('reads fresh values through the view and invalidates only names it may read', async () => {
    const { map, store } = cachingStore()
    map.set('tenant:acme:db', 'v1')
    map.set('tenant:other:db', 'o1')
    const acme = bindSecrets(store, { tenant: 'acme', names: ['db'] })
    const other = bindSecrets(store, { tenant: 'other' })
    expect(await acme.getSecret('db')).toEqual({ db: 'v1' })
    expect(await other.getSecret('db')).toEqual({ db: 'o1' })
    map.set('tenant:acme:db', 'v2')
    map.set('tenant:other:db', 'o2')
    expect(await acme.getSecret('db')).toEqual({ db: 'v1' }) // cached
    expect(await acme.getSecretWith({ forceFetch: true }, 'db')).toEqual({ db: 'v2' })
    expect(await acme.getSecretWith({ maxAgeMs: 60_000 }, 'db')).toEqual({ db: 'v2' })

    // The other tenant's cached entry is untouched by acme's fresh read and by acme's invalidate().
    acme.invalidate()
    expect(await other.getSecret('db')).toEqual({ db: 'o1' })
    // A view invalidates names it may read, nothing else.
    expect(() => acme.invalidate('secret')).toThrow(AccessDeniedError)
    expect(() => other.invalidate()).toThrow(/name the secrets to invalidate/)
    other.invalidate('db')
    expect(await other.getSecret('db')).toEqual({ db: 'o2' })
    // Fresh reads are scoped like plain ones.
    await expect(acme.getSecretWith({ forceFetch: true }, 'secret')).rejects.toBeInstanceOf(AccessDeniedError)
  })

  it('a read-only view may invalidate and read fresh; a view without get may not', async () => {
    const { map, store } = cachingStore()
    map.set('a', '1')
    const writer = bindSecrets(store, { operations: ['set'] })
    expect(() => writer.invalidate('a')).toThrow(OperationDisabledError)
    await expect(writer.getSecretWith({ forceFetch: true }, 'a')).rejects.toBeInstanceOf(OperationDisabledError)
  })

  it('over a plain PURISTA-shaped store, a fresh read invalidates (when it can) and reads again', async () => {
    const { map, store: base } = cachingStore()
    map.set('a', '1')
    const plain: SecretStore = {
      name: 'plain',
      getSecret: (...names) => base.getSecret(...names),
      setSecret: (n, v) => base.setSecret(n, v),
      removeSecret: (n) => base.removeSecret(n),
      destroy: () => base.destroy(),
    }
    const view = bindSecrets(plain)
    expect(await view.getSecret('a')).toEqual({ a: '1' })
    map.set('a', '2')
    // The plain store has no getSecretWith nor invalidate: the view can only read it again (cached).
    expect(await view.getSecretWith({ forceFetch: true }, 'a')).toEqual({ a: '1' })
    const withInvalidate = bindSecrets({
      ...plain,
      invalidate: (...names: string[]) => base.invalidate(...names),
    } as SecretStore)
    expect(await withInvalidate.getSecretWith({ forceFetch: true }, 'a')).toEqual({ a: '2' })
  })
})
