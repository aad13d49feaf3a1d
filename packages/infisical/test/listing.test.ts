import { AccessDeniedError, ConfigurationError, type SecretStoreError, UnavailableError } from '@secret-store/core'
import { secretStoreRejection } from '@secret-store/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { InfisicalSecretStore, type InfisicalSecretStoreOptions } from '../src/index.js'
import { listedNames, listingFolder } from '../src/listing.js'
import { type InfisicalFake, ROUTES, startInfisicalFake } from './support/infisical-fake.js'

// Listing names against the Infisical fake: requests counted and inspected by the fake.
let fake: InfisicalFake
const stores: InfisicalSecretStore[] = []

beforeAll(async () => {
  fake = await startInfisicalFake()
})
afterEach(async () => {
  for (const store of stores.splice(0)) await store.destroy()
  fake.reset()
})
afterAll(async () => {
  await fake?.stop()
})

function makeStore(overrides: Partial<InfisicalSecretStoreOptions> = {}): InfisicalSecretStore {
  const store = new InfisicalSecretStore({
    siteUrl: fake.siteUrl,
    projectId: fake.projectId,
    environment: 'dev',
    universalAuth: fake.machineIdentity,
    ...overrides,
  } as InfisicalSecretStoreOptions)
  stores.push(store)
  return store
}

async function list(store: InfisicalSecretStore, prefix?: string): Promise<string[]> {
  const names: string[] = []
  for await (const name of store.listSecretNames({ prefix })) names.push(name)
  return names
}
const lists = () => fake.requests.filter((r) => r.route === ROUTES.list)

describe('listing names', () => {
  const seed = () => {
    fake.put('dev', '/', 'DB_PASSWORD', 'v')
    fake.put('dev', '/', 'payments', 'a key named like a folder')
    fake.put('dev', '/payments', 'STRIPE_KEY', 'v')
    fake.put('dev', '/payments/eu', 'STRIPE_KEY', 'v')
    fake.put('dev', '/tenant/acme', 'STRIPE_KEY', 'v')
    fake.put('dev', '/other', 'X', 'v')
    fake.put('prod', '/', 'PROD_ONLY', 'v')
  }

  it('lists every name in one recursive request that asks for no values and expands no references', async () => {
    seed()
    const store = makeStore()
    expect(store.capabilities.listing).toBe(true)
    expect((await list(store)).sort()).toEqual([
      'DB_PASSWORD',
      'other/X',
      'payments',
      'payments/STRIPE_KEY',
      'payments/eu/STRIPE_KEY',
      'tenant/acme/STRIPE_KEY',
    ])
    expect(lists()).toHaveLength(1)
    expect(lists()[0]?.query).toMatchObject({
      secretPath: '/',
      recursive: 'true',
      viewSecretValue: 'false',
      expandSecretReferences: 'false',
      include_imports: 'false',
    })
    expect(lists()[0]?.status).toBe(200)
  })

  it('lists from the deepest folder the prefix names; the base keeps the names that start with it', async () => {
    seed()
    const store = makeStore()
    expect((await list(store, 'payments/')).sort()).toEqual(['payments/STRIPE_KEY', 'payments/eu/STRIPE_KEY'])
    expect(await list(store, 'payments/e')).toEqual(['payments/eu/STRIPE_KEY'])
    expect((await list(store, 'pay')).sort()).toEqual(['payments', 'payments/STRIPE_KEY', 'payments/eu/STRIPE_KEY'])
    expect(await list(store, 'tenant/acme/')).toEqual(['tenant/acme/STRIPE_KEY'])
    expect(lists().map((r) => r.query.secretPath)).toEqual(['/payments', '/payments', '/', '/tenant/acme'])
  })

  it('lists names relative to secretPath, and nothing outside it', async () => {
    fake.put('dev', '/svc', 'A', 'v')
    fake.put('dev', '/svc/db', 'B', 'v')
    fake.put('dev', '/svc-other', 'C', 'v')
    fake.put('dev', '/', 'ROOT', 'v')
    const store = makeStore({ secretPath: '/svc' })
    expect((await list(store)).sort()).toEqual(['A', 'db/B'])
    expect(await list(store, 'db/')).toEqual(['db/B'])
    expect(lists().map((r) => r.query.secretPath)).toEqual(['/svc', '/svc/db'])
    expect(await store.getSecret('db/B')).toEqual({ 'db/B': 'v' })
  })

  it('answers a missing folder with no names, and a prefix no folder can match without a request', async () => {
    const store = makeStore()
    expect(await list(store, 'no/such/')).toEqual([])
    expect(lists().map((r) => `${r.query.secretPath} ${r.status}`)).toEqual(['/no/such 404'])
    fake.clearLog()
    expect(await list(store, 'fo.lder/KEY')).toEqual([])
    expect(await list(store, 'a//')).toEqual([])
    expect(lists()).toEqual([])
  })

  it("maps a role's denial to AccessDeniedError, an unknown environment to ConfigurationError", async () => {
    fake.put('dev', '/', 'A', 'v')
    fake.configure({ denied: ['read'] })
    const denied = await secretStoreRejection(list(makeStore()))
    expect(denied).toBeInstanceOf(AccessDeniedError)
    expect((denied as SecretStoreError).operation).toBe('list')
    fake.configure({ denied: [] })
    expect(await secretStoreRejection(list(makeStore({ environment: 'qa' })))).toBeInstanceOf(ConfigurationError)
  })

  it("calls an answer that is not Infisical's unavailable, never an empty listing", async () => {
    fake.failNext({ status: 200, body: {}, route: ROUTES.list, times: 10 })
    const store = makeStore({ retry: false })
    expect(await secretStoreRejection(list(store))).toBeInstanceOf(UnavailableError)
  })
})

describe('listing helpers', () => {
  it('pick the folder a prefix fully names', () => {
    expect(listingFolder('', '/')).toBe('/')
    expect(listingFolder('DB', '/')).toBe('/')
    expect(listingFolder('a/b/K', '/')).toBe('/a/b')
    expect(listingFolder('a/', '/svc')).toBe('/svc/a')
    expect(listingFolder('a.b/K', '/')).toBeUndefined()
    expect(listingFolder('/K', '/')).toBeUndefined()
  })

  it('turn an answer back into names, leaving out personal secrets, foreign folders and unreadable keys', () => {
    const answer = {
      secrets: [
        { secretKey: 'A', secretPath: '/svc' },
        { secretKey: 'B', secretPath: '/svc/db' },
        { secretKey: 'P', secretPath: '/svc', type: 'personal' },
        { secretKey: 'C', secretPath: '/svcx' },
        { secretKey: 'a:b', secretPath: '/svc' },
        { secretKey: 'D' },
        'junk',
      ],
    }
    expect(listedNames(answer, '/svc')).toEqual(['A', 'db/B'])
    expect(() => listedNames({}, '/')).toThrow()
  })
})
