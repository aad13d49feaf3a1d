import { SecretManagerServiceClient } from '@google-cloud/secret-manager'
import { AccessDeniedError } from '@secret-store/core'
import { secretStoreRejection } from '@secret-store/testkit'
import { grpc } from 'google-gax'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { GCPSecretStore, type GCPSecretStoreOptions } from '../src/index.js'
import { secretManagerBackdoor } from './support/gcp.js'
import { type FakeSecretManager, startSecretManagerFake } from './support/secret-manager-fake.js'

// listSecretNames on the loopback fake, through the real SDK: the requests a listing makes.
const PROJECT = 'list-project'
const REGION = 'europe-west3'

let fake: FakeSecretManager
let raw: SecretManagerServiceClient
let door: ReturnType<typeof secretManagerBackdoor>
const stores: GCPSecretStore[] = []

beforeAll(async () => {
  fake = await startSecretManagerFake()
  raw = new SecretManagerServiceClient(fake.directClientOptions())
  door = secretManagerBackdoor(raw, `projects/${PROJECT}`)
})
afterEach(async () => {
  for (const s of stores.splice(0)) await s.destroy()
  fake.reset()
})
afterAll(async () => {
  await raw?.close()
  await fake?.stop()
})

function store(overrides: Partial<GCPSecretStoreOptions> = {}): GCPSecretStore {
  const options = { projectId: PROJECT, enableRemove: true, cache: false, clientOptions: fake.clientOptions() }
  const created = new GCPSecretStore({ ...options, ...overrides } as GCPSecretStoreOptions)
  stores.push(created)
  return created
}

async function seed(prefix: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`)
  for (const id of ids) await door.set(id, `value-of-${id}`)
  return ids
}

async function list(s: GCPSecretStore, options?: { prefix?: string; pageSize?: number }): Promise<string[]> {
  const names: string[] = []
  for await (const name of s.listSecretNames(options)) names.push(name)
  return names
}

describe('listSecretNames', () => {
  it('makes one ListSecrets per page: 7 secrets with pageSize 3 take 3, plus one GetSecretVersion per name', async () => {
    const ids = await seed('paged', 7)
    const s = store()
    fake.clearLog()
    expect((await list(s, { prefix: 'paged-', pageSize: 3 })).sort()).toEqual(ids.sort())
    expect(fake.count('ListSecrets')).toBe(3)
    expect(fake.count('GetSecretVersion')).toBe(7)
    expect(fake.requests.filter((r) => r.method === 'GetSecretVersion').map((r) => r.name)).toContain(
      `projects/${PROJECT}/secrets/paged-0/versions/latest`,
    )
  })

  it('stops paging when the caller stops: breaking out after the first name makes one ListSecrets', async () => {
    await seed('early', 7)
    const s = store()
    fake.clearLog()
    for await (const name of s.listSecretNames({ pageSize: 2 })) {
      expect(name).toBe('early-0')
      break
    }
    expect(fake.count('ListSecrets')).toBe(1)
    // The names of that one page are checked for a readable version.
    expect(fake.count('GetSecretVersion')).toBe(2)
  })

  it('checks versions only for names under the prefix, which it applies itself (no server-side filter)', async () => {
    await seed('other', 4)
    const ids = await seed('wanted', 2)
    const s = store()
    fake.clearLog()
    expect(await list(s, { prefix: 'wanted-' })).toEqual(ids)
    expect([fake.count('ListSecrets'), fake.count('GetSecretVersion')]).toEqual([1, 2])
  })

  it('leaves out what reads as missing: removed (versions disabled), without versions, latest disabled', async () => {
    await seed('kept', 2)
    const s = store()
    await seed('gone', 1)
    await s.removeSecret('gone-0')
    await raw.createSecret({
      parent: `projects/${PROJECT}`,
      secretId: 'kept-empty',
      secret: { replication: { automatic: {} } },
    })
    await seed('kept-stale', 1)
    await door.set('kept-stale-0', 'newer')
    await raw.disableSecretVersion({ name: `projects/${PROJECT}/secrets/kept-stale-0/versions/2` })
    expect((await list(s, { pageSize: 2 })).sort()).toEqual(['kept-0', 'kept-1'])
    // A purged secret is gone from ListSecrets itself.
    await store({ purgeOnRemove: true }).removeSecret('kept-1')
    expect(await list(s)).toEqual(['kept-0'])
  })

  it('lists the secrets of its own location only, by their ids', async () => {
    await seed('global', 1)
    const regional = store({ location: REGION })
    await store({ location: REGION, enableSet: true }).setSecret('regional-0', 'v')
    expect(await list(regional)).toEqual(['regional-0'])
    expect(await regional.getSecret('regional-0')).toEqual({ 'regional-0': 'v' })
    expect(await list(store())).toEqual(['global-0'])
  })

  it('reports PERMISSION_DENIED as AccessDeniedError', async () => {
    await seed('denied', 1)
    fake.failNext({ code: grpc.status.PERMISSION_DENIED, method: 'ListSecrets' })
    const error = await secretStoreRejection(list(store()))
    expect(error).toBeInstanceOf(AccessDeniedError)
    expect(error.operation).toBe('list')
  })

  it('retries a page that failed with UNAVAILABLE, from that page', async () => {
    await seed('retried', 5)
    const s = store()
    fake.clearLog()
    fake.failNext({ code: grpc.status.UNAVAILABLE, method: 'ListSecrets' })
    expect(await list(s, { pageSize: 2 })).toHaveLength(5)
    expect([fake.count('ListSecrets', grpc.status.UNAVAILABLE), fake.count('ListSecrets', 0)]).toEqual([1, 3])
  })
})
