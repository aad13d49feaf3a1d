import { randomUUID } from 'node:crypto'
import { InvalidSecretNameError, UnavailableError } from '@secret-store/core'
import { secretStoreRejection } from '@secret-store/testkit'
import { describe, expect, it } from 'vitest'
import { AzureSecretStore, type AzureSecretStoreOptions } from '../src/index.js'
import { clientOptions, keyVaultBackdoor, kvId, rawClient, staticCredential } from './support/azure.js'
import { ROUTES, useKeyVaultFake } from './support/key-vault-fake.js'

const kv = useKeyVaultFake<AzureSecretStore>()
const { stores } = kv

const unique = (label = 'n') => `it-${label}-${randomUUID().slice(0, 8)}`
const door = () => keyVaultBackdoor(rawClient(kv.fake))

type StoreOptions = Partial<Omit<AzureSecretStoreOptions, 'client'>>

function makeStore(options: StoreOptions = {}): AzureSecretStore {
  const store = new AzureSecretStore({
    vaultUrl: kv.fake.vaultUrl,
    credential: staticCredential(),
    clientOptions: clientOptions(kv.fake),
    enableSet: true,
    enableRemove: true,
    cache: false,
    intervalInMs: 1,
    ...options,
  } as AzureSecretStoreOptions)
  stores.push(store)
  return store
}

const rejection = (promise: Promise<unknown>) => secretStoreRejection(promise)

describe("PURISTA's options", () => {
  it('vaultUrl and options (SecretClientOptions) make a store that reads, writes and removes', async () => {
    // As `@purista/azure-secret-store` is configured; the credential is ours, since this machine has no Azure identity.
    const store = new AzureSecretStore({
      enableGet: true,
      enableSet: true,
      enableRemove: true,
      vaultUrl: kv.fake.vaultUrl,
      options: clientOptions(kv.fake),
      credential: staticCredential(),
    })
    stores.push(store)
    await store.setSecret('purista-shaped', 'purista-value')
    expect(await door().get('purista-shaped')).toBe('purista-value')
    expect(await store.getSecret('purista-shaped')).toEqual({ 'purista-shaped': 'purista-value' })
    await store.removeSecret('purista-shaped')
    expect(await store.getSecretWith({ forceFetch: true }, 'purista-shaped')).toEqual({ 'purista-shaped': undefined })
  })
})

describe('credentials', () => {
  it('uses an injected TokenCredential: getToken for the vault scope, its token on every request', async () => {
    const credential = staticCredential(`custom-${randomUUID()}`)
    const store = makeStore({ credential })
    const name = unique()
    await store.setSecret(name, 'value')
    expect(await store.getSecret(name)).toEqual({ [name]: 'value' })
    await store.removeSecret(name)

    expect(credential.calls).toEqual([{ scopes: ['https://vault.azure.net/.default'], tenantId: kv.fake.tenantId }])
    const [challenge, ...authorized] = kv.fake.requests
    expect(challenge).toMatchObject({ method: 'PUT', status: 401, token: undefined })
    expect(authorized.map((r) => r.route)).toEqual([ROUTES.set, ROUTES.get, ROUTES.delete, ROUTES.getDeleted])
    expect(authorized.every((r) => r.token === credential.token)).toBe(true)
  })

  it('uses an injected SecretClient as it is', async () => {
    const credential = staticCredential(`client-${randomUUID()}`)
    const store = new AzureSecretStore({ client: rawClient(kv.fake, credential), enableSet: true })
    stores.push(store)
    const name = unique()
    await store.setSecret(name, 'through-the-client')
    expect(await door().get(name)).toBe('through-the-client')
    expect(credential.calls).toHaveLength(1)
    expect(kv.fake.requests.filter((r) => r.token === credential.token).map((r) => r.path)).toEqual([
      `/secrets/${kvId(name)}`,
    ])
  })
})

describe('reads', () => {
  it('keeps at most maxConcurrency reads in flight: 20 names, limit 8 → 20 GETs, peak 8', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `${unique('many')}-${i}`)
    for (const name of names.slice(0, 10)) await door().set(name, `value-of-${name}`)
    const store = makeStore()
    await store.getSecret(unique('warm-up'))
    kv.fake.clearLog()
    // Each answer waits, so the store's reads overlap as far as its limit lets them.
    kv.fake.configure({ latencyMs: 300 })
    const result = await store.getSecret(...names)
    expect(result).toEqual(Object.fromEntries(names.map((n, i) => [n, i < 10 ? `value-of-${n}` : undefined])))
    expect(kv.fake.count(ROUTES.get)).toBe(20)
    expect(kv.fake.requests).toHaveLength(20)
    expect(kv.fake.peakInFlight).toBe(8)
  })

  it('honours a smaller maxConcurrency', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `${unique('few')}-${i}`)
    const store = makeStore({ maxConcurrency: 3 })
    await store.getSecret(unique('warm-up'))
    kv.fake.clearLog()
    kv.fake.configure({ latencyMs: 200 })
    await store.getSecret(...names)
    expect(kv.fake.count(ROUTES.get)).toBe(7)
    expect(kv.fake.peakInFlight).toBe(3)
  })

  it('sends one GET for 1,000 concurrent cold reads of one name', async () => {
    const name = unique('hot')
    await door().set(name, 'hot-value')
    const store = makeStore({ cache: undefined })
    await store.getSecret(unique('warm-up'))
    kv.fake.clearLog()
    const results = await Promise.all(Array.from({ length: 1000 }, () => store.getSecret(name)))
    expect(results.every((r) => r[name] === 'hot-value')).toBe(true)
    expect(kv.fake.requests.map((r) => [r.route, r.status])).toEqual([[ROUTES.get, 200]])
  })

  it('reads names that differ only in case as the one secret Key Vault keeps for them', async () => {
    const base = unique('case')
    const store = makeStore()
    await store.setSecret(`${base}-ApiKey`, 'v1')
    const fresh = makeStore({ cache: false })
    expect(await fresh.getSecret(`${base}-apikey`, `${base}-APIKEY`)).toEqual({
      [`${base}-apikey`]: 'v1',
      [`${base}-APIKEY`]: 'v1',
    })
  })

  it('stores tenant:acme:stripeApiKey as tenant--acme--stripeApiKey', async () => {
    await makeStore().setSecret('tenant:acme:stripeApiKey', 'v')
    expect(kv.fake.requests.filter((r) => r.status === 200).map((r) => r.path)).toEqual([
      '/secrets/tenant--acme--stripeApiKey',
    ])
    expect(await door().get('tenant:acme:stripeApiKey')).toBe('v')
  })

  it('rejects a name Key Vault cannot hold before any request, with Key Vault rule', async () => {
    const store = makeStore()
    kv.fake.clearLog()
    const error = await rejection(store.getSecret('ok-name', 'A'.repeat(128)))
    expect(error).toBeInstanceOf(InvalidSecretNameError)
    expect(error.message).toContain('Key Vault names are 1 to 127 letters, digits and -')
    expect(await rejection(store.setSecret(`tenant:acme:${'a'.repeat(120)}`, 'v'))).toBeInstanceOf(
      InvalidSecretNameError,
    )
    expect(await rejection(store.getSecret('tenant:Acme:key'))).toBeInstanceOf(InvalidSecretNameError)
    expect(kv.fake.requests).toEqual([])
  })
})

describe('removeSecret', () => {
  it('soft-deletes by default and waits until Key Vault shows the deleted secret', async () => {
    const name = unique('soft')
    await door().set(name, 'v')
    kv.fake.configure({ visibleAfterPolls: 3 })
    const store = makeStore()
    expect(store.capabilities.recoverableDelete).toBe(true)
    await store.removeSecret(name)
    // The poll loop ran until the deletion showed: three hidden answers, then the deleted secret.
    expect([kv.fake.count(ROUTES.getDeleted, 404), kv.fake.count(ROUTES.getDeleted, 200)]).toEqual([3, 1])
    expect(kv.fake.count(ROUTES.purge)).toBe(0)
    expect(await door().isRecoverable?.(name)).toBe(true)
  })

  it('purges on request: per call, or for every remove with purgeOnRemove', async () => {
    const [perCall, byStore] = [unique('purge'), unique('purge')]
    await door().set(perCall, 'v')
    await door().set(byStore, 'v')
    await makeStore().removeSecret(perCall, { purge: true })
    const purging = makeStore({ purgeOnRemove: true })
    expect(purging.capabilities.recoverableDelete).toBe(false)
    await purging.removeSecret(byStore)
    expect(kv.fake.count(ROUTES.purge, 204)).toBe(2)
    expect(await door().isRecoverable?.(perCall)).toBe(false)
    expect(await door().isRecoverable?.(byStore)).toBe(false)
    // An explicit purge: false wins over the store's setting.
    const kept = unique('kept')
    await door().set(kept, 'v')
    await purging.removeSecret(kept, { purge: false })
    expect(await door().isRecoverable?.(kept)).toBe(true)
  })

  it('is idempotent: a missing name resolves, an already soft-deleted one resolves or is purged', async () => {
    const store = makeStore()
    await store.removeSecret(unique('never'))
    await store.removeSecret(unique('never'), { purge: true })
    expect(kv.fake.count(ROUTES.delete, 404)).toBe(2)
    expect(kv.fake.count(ROUTES.purge, 404)).toBe(1)

    const name = unique('twice')
    await door().set(name, 'v')
    await store.removeSecret(name)
    await store.removeSecret(name)
    expect(await door().isRecoverable?.(name)).toBe(true)
    await store.removeSecret(name, { purge: true })
    expect(await door().isRecoverable?.(name)).toBe(false)
  })
})

describe('setSecret on a soft-deleted name', () => {
  it('recovers it and writes a new version by default', async () => {
    const name = unique('recover')
    const store = makeStore()
    await store.setSecret(name, 'v1')
    await store.removeSecret(name)
    kv.fake.clearLog()
    kv.fake.configure({ visibleAfterPolls: 2 })
    await store.setSecret(name, 'v2')
    expect(kv.fake.requests.filter((r) => r.route !== ROUTES.get).map((r) => [r.route, r.status])).toEqual([
      [ROUTES.set, 409],
      [ROUTES.recover, 200],
      [ROUTES.set, 200],
    ])
    expect(await door().get(name)).toBe('v2')
    const versions = []
    for await (const v of rawClient(kv.fake).listPropertiesOfSecretVersions(kvId(name))) versions.push(v)
    expect(versions).toHaveLength(2)
  })

  it('purges it and writes when the store purges', async () => {
    const name = unique('repurge')
    await door().set(name, 'v1')
    await makeStore().removeSecret(name)
    const store = makeStore({ purgeOnRemove: true })
    kv.fake.clearLog()
    await store.setSecret(name, 'v2')
    expect(kv.fake.requests.map((r) => [r.route, r.status])).toEqual([
      [ROUTES.set, 401],
      [ROUTES.set, 409],
      [ROUTES.purge, 204],
      [ROUTES.set, 200],
    ])
    const versions = []
    for await (const v of rawClient(kv.fake).listPropertiesOfSecretVersions(kvId(name))) versions.push(v)
    expect(versions).toHaveLength(1)
  })

  it('retries a write that Key Vault still answers with 409 right after a purge', async () => {
    const name = unique('busy')
    const store = makeStore({ purgeOnRemove: true })
    await store.setSecret(name, 'v1')
    kv.fake.configure({ conflictsAfterPurge: 3 })
    await store.removeSecret(name)
    await store.setSecret(name, 'v2')
    expect([kv.fake.count(ROUTES.set, 409), kv.fake.count(ROUTES.set, 200)]).toEqual([3, 2])
    // The purge of removeSecret; the retries' purges find nothing left to purge.
    expect(kv.fake.count(ROUTES.purge, 204)).toBe(1)
    expect(await door().get(name)).toBe('v2')
  })

  it('gives up with a retryable UnavailableError when the name stays busy', async () => {
    const name = unique('stuck')
    const store = makeStore({ purgeOnRemove: true })
    await store.setSecret(name, 'v1')
    kv.fake.configure({ conflictsAfterPurge: 100 })
    await store.removeSecret(name)
    const error = await rejection(store.setSecret(name, 'v2'))
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error.retryable).toBe(true)
    expect(error.message).toContain('409')
    // The first write, then six retries.
    expect(kv.fake.count(ROUTES.set, 409)).toBe(7)
  })
})
