import { SecretManagerServiceClient } from '@google-cloud/secret-manager'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { crc32c } from './support/crc32c.js'
import { codeOf, grpcFailure, text } from './support/sdk.js'
import { type FakeSecretManager, startSecretManagerFake } from './support/secret-manager-fake.js'
import { grpcCodeForHttpStatus, isSecretRead, restVerb } from './support/secret-manager-faults.js'

// The fake's controls for the contract suite: transport faults in the testkit's terms, read counts,
// and the direct port that bypasses them. Calls go through the official client with its retries off,
// so each fault is seen exactly as the server answered it.
let fake: FakeSecretManager
let client: SecretManagerServiceClient
let direct: SecretManagerServiceClient

beforeAll(async () => {
  fake = await startSecretManagerFake()
  client = new SecretManagerServiceClient(fake.clientOptions())
  direct = new SecretManagerServiceClient(fake.directClientOptions())
})
afterEach(() => {
  fake.reset()
})
afterAll(async () => {
  await client?.close()
  await direct?.close()
  await fake?.stop()
})

const SECRET = 'projects/p/secrets/s'
const LATEST = `${SECRET}/versions/latest`
const NO_RETRY = { retry: null }

async function seed(value = 'value'): Promise<void> {
  await direct.createSecret({ parent: 'projects/p', secretId: 's', secret: { replication: { automatic: {} } } })
  await direct.addSecretVersion({ parent: SECRET, payload: { data: Buffer.from(value) } })
}

const access = (options: object = NO_RETRY) => client.accessSecretVersion({ name: LATEST }, options)

describe('the Secret Manager fake: injected faults', () => {
  it('maps HTTP statuses to the gRPC codes of a Google front end, never to NOT_FOUND', () => {
    expect([200, 400, 401, 403, 404, 408, 429, 500, 501, 502, 503, 504, 418].map(grpcCodeForHttpStatus)).toEqual([
      13, 13, 16, 7, 12, 4, 8, 13, 12, 14, 14, 4, 2,
    ])
    expect(
      ['AccessSecretVersion', 'ListSecrets', 'AddSecretVersion', 'DeleteSecret', 'UpdateSecret'].map(restVerb),
    ).toEqual(['GET', 'GET', 'POST', 'DELETE', 'PATCH'])
  })

  it('answers status faults with that code, a retry-after as a RetryInfo detail, on matching calls only', async () => {
    await seed()
    fake.inject({ kind: 'status', status: 503, headers: { 'Retry-After': '1.5' } }, { match: isSecretRead, times: 1 })
    const failure = (await grpcFailure(access())) as { code?: number; statusDetails?: unknown[] }
    expect(failure.code).toBe(14)
    expect(failure.statusDetails).toEqual([
      expect.objectContaining({ retryDelay: expect.objectContaining({ nanos: 500_000_000 }) }),
    ])
    const [detail] = (failure.statusDetails ?? []) as Array<{ retryDelay?: { seconds?: unknown } }>
    expect(Number(detail?.retryDelay?.seconds)).toBe(1)

    fake.inject({ kind: 'status', status: 404 }, { match: (r) => r.method === 'GET' && r.path === 'GetSecret' })
    expect(await codeOf(client.getSecret({ name: SECRET }, NO_RETRY))).toBe(12)
    expect(text((await access())[0].payload?.data)).toBe('value')
    expect(fake.requests.map((r) => [r.method, r.code])).toEqual([
      ['AccessSecretVersion', 14],
      ['GetSecret', 12],
      ['AccessSecretVersion', 0],
    ])
  })

  it('resets (UNAVAILABLE), delays, and loses the answer of a call whose change is made (cut)', async () => {
    await seed()
    fake.inject({ kind: 'reset' }, { times: 1 })
    expect(await codeOf(access())).toBe(14)

    fake.inject({ kind: 'delay', ms: 60 }, { times: 1 })
    const started = performance.now()
    expect(text((await access())[0].payload?.data)).toBe('value')
    expect(performance.now() - started).toBeGreaterThanOrEqual(55)

    fake.inject({ kind: 'cut' }, { match: (r) => r.path === 'AddSecretVersion', times: 1 })
    expect(await codeOf(client.addSecretVersion({ parent: SECRET, payload: { data: Buffer.from('v2') } }))).toBe(14)
    expect(fake.secrets.get(SECRET)?.versions).toHaveLength(2)
  })

  it('holds blackholed and dripped calls until the client gives up, and records them as cancelled', async () => {
    await seed()
    for (const fault of [{ kind: 'blackhole' }, { kind: 'drip' }] as const) {
      fake.clearLog()
      fake.inject(fault, { times: 1 })
      expect(await codeOf(access({ ...NO_RETRY, timeout: 100 }))).toBe(4)
      await vi.waitFor(() => expect(fake.requests.map((r) => r.code)).toEqual([1]))
    }
    expect(text((await access())[0].payload?.data)).toBe('value')
  })

  it('counts reads (AccessSecretVersion) and their peak in flight, apart from the log', async () => {
    await seed()
    fake.resetRequestStats()
    fake.configure({ latencyMs: 30 })
    await Promise.all([access(), access(), access(), client.getSecret({ name: SECRET })])
    expect(fake.requestStats()).toEqual({ reads: 3, peakReads: 3 })
    fake.resetRequestStats()
    expect(fake.requestStats()).toEqual({ reads: 0, peakReads: 0 })
    expect(fake.requests).toHaveLength(4)
  })

  it('serves the same state on the direct port without log, faults, latency or corruption', async () => {
    await seed('direct')
    fake.inject({ kind: 'status', status: 500 })
    fake.corruptNextAccess()
    fake.configure({ latencyMs: 1_000 })
    const [answer] = await direct.accessSecretVersion({ name: LATEST })
    expect(text(answer.payload?.data)).toBe('direct')
    expect(Number(answer.payload?.dataCrc32c)).toBe(crc32c(Buffer.from('direct')))
    expect(fake.requests).toEqual([])
    expect(fake.requestStats().reads).toBe(0)
    fake.clear()
    fake.configure({ latencyMs: 0 })
    // The corruption is still waiting for the observed port.
    const [spoilt] = await access()
    expect(Number(spoilt.payload?.dataCrc32c)).not.toBe(crc32c(Buffer.from('direct')))
  })

  it('spoils the next access as asked: a flipped data bit, or no checksum at all', async () => {
    await seed('abc')
    fake.corruptNextAccess('flip-data-bit')
    const [flipped] = await access()
    expect(text(flipped.payload?.data)).toBe('`bc')
    expect(Number(flipped.payload?.dataCrc32c)).toBe(crc32c(Buffer.from('abc')))
    fake.corruptNextAccess('omit-checksum')
    const [bare] = await access()
    expect(text(bare.payload?.data)).toBe('abc')
    expect(bare.payload?.dataCrc32c ?? null).toBeNull()
  })
})
