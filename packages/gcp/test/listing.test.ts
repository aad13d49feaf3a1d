import { AccessDeniedError } from '@secret-store/core'
import { secretStoreRejection } from '@secret-store/testkit'
import { grpc } from 'google-gax'
import { describe, expect, it } from 'vitest'
import { GCPSecretStore, type GCPSecretStoreOptions } from '../src/index.js'
import { useSecretManagerFake } from './support/per-file.js'

// listSecretNames on the loopback fake, through the real SDK: the requests a listing makes.
const PROJECT = 'list-project'
const REGION = 'europe-west3'

const sm = useSecretManagerFake<GCPSecretStore>(PROJECT)
const { stores } = sm

function store(overrides: Partial<GCPSecretStoreOptions> = {}): GCPSecretStore {
  const options = { projectId: PROJECT, enableRemove: true, cache: false, clientOptions: sm.fake.clientOptions() }
  const created = new GCPSecretStore({ ...options, ...overrides } as GCPSecretStoreOptions)
  stores.push(created)
  return created
}

async function seed(prefix: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`)
  for (const id of ids) await sm.door.set(id, `value-of-${id}`)
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
    sm.fake.clearLog()
    expect((await list(s, { prefix: 'paged-', pageSize: 3 })).sort()).toEqual(ids.sort())
    expect(sm.fake.count('ListSecrets')).toBe(3)
    expect(sm.fake.count('GetSecretVersion')).toBe(7)
    expect(sm.fake.requests.filter((r) => r.method === 'GetSecretVersion').map((r) => r.name)).toContain(
      `projects/${PROJECT}/secrets/paged-0/versions/latest`,
    )
  })

  it('stops paging when the caller stops: breaking out after the first name makes one ListSecrets', async () => {
    await seed('early', 7)
    const s = store()
    sm.fake.clearLog()
    for await (const name of s.listSecretNames({ pageSize: 2 })) {
      expect(name).toBe('early-0')
      break
    }
    expect(sm.fake.count('ListSecrets')).toBe(1)
    // The names of that one page are checked for a readable version.
    expect(sm.fake.count('GetSecretVersion')).toBe(2)
  })

  it('checks versions only for names under the prefix, which it applies itself (no server-side filter)', async () => {
    await seed('other', 4)
    const ids = await seed('wanted', 2)
    const s = store()
    sm.fake.clearLog()
    expect(await list(s, { prefix: 'wanted-' })).toEqual(ids)
    expect([sm.fake.count('ListSecrets'), sm.fake.count('GetSecretVersion')]).toEqual([1, 2])
  })

  it('leaves out what reads as missing: removed (versions disabled), without versions, latest disabled', async () => {
    await seed('kept', 2)
    const s = store()
    await seed('gone', 1)
    await s.removeSecret('gone-0')
    await sm.raw.createSecret({
      parent: `projects/${PROJECT}`,
      secretId: 'kept-empty',
      secret: { replication: { automatic: {} } },
    })
    await seed('kept-stale', 1)
    await sm.door.set('kept-stale-0', 'newer')
    await sm.raw.disableSecretVersion({ name: `projects/${PROJECT}/secrets/kept-stale-0/versions/2` })
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
    sm.fake.failNext({ code: grpc.status.PERMISSION_DENIED, method: 'ListSecrets' })
    const error = await secretStoreRejection(list(store()))
    expect(error).toBeInstanceOf(AccessDeniedError)
    expect(error.operation).toBe('list')
  })

  it('retries a page that failed with UNAVAILABLE, from that page', async () => {
    await seed('retried', 5)
    const s = store()
    sm.fake.clearLog()
    sm.fake.failNext({ code: grpc.status.UNAVAILABLE, method: 'ListSecrets' })
    expect(await list(s, { pageSize: 2 })).toHaveLength(5)
    expect([sm.fake.count('ListSecrets', grpc.status.UNAVAILABLE), sm.fake.count('ListSecrets', 0)]).toEqual([1, 3])
  })
})
