import { AccessDeniedError, UnknownSecretStoreError } from '@secret-store/core'
import { secretStoreRejection } from '@secret-store/testkit'
import { describe, expect, it } from 'vitest'
import { AzureSecretStore, type AzureSecretStoreOptions } from '../src/index.js'
import { clientOptions, guardedClientOptions, keyVaultBackdoor, rawClient, staticCredential } from './support/azure.js'
import { ROUTES, useKeyVaultFake } from './support/key-vault-fake.js'

const kv = useKeyVaultFake<AzureSecretStore>()
const { stores } = kv

function makeStore(options: Partial<AzureSecretStoreOptions> = {}): AzureSecretStore {
  const store = new AzureSecretStore({
    vaultUrl: kv.fake.vaultUrl,
    credential: staticCredential(),
    clientOptions: clientOptions(kv.fake),
    cache: false,
    ...options,
  } as AzureSecretStoreOptions)
  stores.push(store)
  return store
}

/** Writes `count` secrets named `<prefix>-0`, `<prefix>-1`, ... through a raw client; returns their names. */
async function seed(prefix: string, count: number): Promise<string[]> {
  const client = rawClient(kv.fake)
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${i}`)
  for (const name of names) await client.setSecret(name, `value-of-${name}`)
  return names
}

async function list(store: AzureSecretStore, options?: { prefix?: string; pageSize?: number }): Promise<string[]> {
  const names: string[] = []
  for await (const name of store.listSecretNames(options)) names.push(name)
  return names
}

describe('listSecretNames', () => {
  it('makes one GET /secrets per page: 7 names with pageSize 3 take 3 requests', async () => {
    const names = await seed('paged', 7)
    const store = makeStore()
    kv.fake.clearLog()
    expect((await list(store, { prefix: 'paged', pageSize: 3 })).sort()).toEqual(names.sort())
    expect(kv.fake.count(ROUTES.list)).toBe(3)
    expect(kv.fake.count(ROUTES.list, 200)).toBe(3)
  })

  it('asks for at most 25 names a page (Key Vault refuses more): 27 names with pageSize 1000 take 2 requests', async () => {
    const names = await seed('wide', 27)
    const store = makeStore()
    kv.fake.clearLog()
    expect((await list(store, { pageSize: 1_000 })).sort()).toEqual(names.sort())
    expect(kv.fake.count(ROUTES.list, 200)).toBe(2)
    // The default page size (100) is sent as 25 too.
    kv.fake.clearLog()
    expect(await list(store)).toHaveLength(27)
    expect(kv.fake.count(ROUTES.list, 200)).toBe(2)
  })

  it('stops paging when the caller stops: breaking out after the first name makes one request', async () => {
    await seed('early', 7)
    const store = makeStore()
    kv.fake.clearLog()
    for await (const name of store.listSecretNames({ pageSize: 2 })) {
      expect(name).toBe('early-0')
      break
    }
    expect(kv.fake.count(ROUTES.list)).toBe(1)
  })

  it('lists disabled secrets, leaves soft-deleted ones out, and keeps the case a name was created with', async () => {
    const client = rawClient(kv.fake)
    await seed('kept', 2)
    await client.setSecret('kept-Disabled', 'v', { enabled: false })
    await client.setSecret('kept-MixedCase', 'v')
    await keyVaultBackdoor(client).set('kept-deleted', 'v')
    await (await client.beginDeleteSecret('kept-deleted', { intervalInMs: 1 })).pollUntilDone()
    expect((await list(makeStore(), { prefix: 'kept-', pageSize: 2 })).sort()).toEqual(
      ['kept-0', 'kept-1', 'kept-Disabled', 'kept-MixedCase'].sort(),
    )
  })

  it('filters by the exact-case prefix on the client, since Key Vault lists the whole vault', async () => {
    await seed('Team', 2)
    await seed('team', 1)
    const store = makeStore()
    kv.fake.clearLog()
    expect((await list(store, { prefix: 'Team-' })).sort()).toEqual(['Team-0', 'Team-1'])
    // Key Vault names ignore case: `team-0` is `Team-0`, kept as first created.
    expect(await list(store, { prefix: 'team-' })).toEqual([])
    expect(kv.fake.count(ROUTES.list, 200)).toBe(2)
  })

  it('retries a page that failed with a 503, from that page', async () => {
    await seed('retried', 5)
    const store = makeStore()
    await store.getSecret('warm-up')
    kv.fake.clearLog()
    kv.fake.failNext({ status: 503, headers: { 'retry-after-ms': '1' } }, { route: ROUTES.list })
    expect(await list(store, { pageSize: 2 })).toHaveLength(5)
    expect([kv.fake.count(ROUTES.list, 503), kv.fake.count(ROUTES.list, 200)]).toEqual([1, 3])
  })

  it('reports a 403 as AccessDeniedError', async () => {
    await seed('denied', 1)
    const store = makeStore({ credential: staticCredential('denied-token') })
    const error = await secretStoreRejection(list(store))
    expect(error).toBeInstanceOf(AccessDeniedError)
    expect(error.operation).toBe('list')
  })

  it('pages an injected client through its response guard, and lists all pages at once without it', async () => {
    await seed('injected', 5)
    const guarded = makeStore({
      vaultUrl: undefined,
      credential: undefined,
      clientOptions: undefined,
      client: rawClient(kv.fake, staticCredential(), guardedClientOptions(kv.fake)),
    })
    kv.fake.clearLog()
    for await (const _ of guarded.listSecretNames({ pageSize: 2 })) break
    expect(kv.fake.count(ROUTES.list)).toBe(1)

    const bare = makeStore({
      vaultUrl: undefined,
      credential: undefined,
      clientOptions: undefined,
      client: rawClient(kv.fake),
    })
    kv.fake.clearLog()
    const names: string[] = []
    for await (const name of bare.listSecretNames({ pageSize: 2 })) {
      names.push(name)
      break
    }
    expect(names).toEqual(['injected-0'])
    // Without the guard the client does not show the next-page link: every page comes in one call.
    expect(kv.fake.count(ROUTES.list)).toBe(3)
    expect(await list(bare, { pageSize: 2 })).toHaveLength(5)
  })

  it('explains a next-page link that names another host (a proxy in front of Key Vault)', async () => {
    await seed('elsewhere', 3)
    kv.fake.configure({ publicUrl: 'https://vault.invalid' })
    const error = await secretStoreRejection(list(makeStore(), { pageSize: 2 }))
    expect(error).toBeInstanceOf(UnknownSecretStoreError)
    expect(error.message).toContain('next-page link names another host')
  })
})
