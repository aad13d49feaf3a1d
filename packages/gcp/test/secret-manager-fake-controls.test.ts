import { SecretManagerServiceClient } from '@google-cloud/secret-manager'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { crc32c } from './support/crc32c.js'
import { codeOf, grpcFailure, text } from './support/sdk.js'
import { type FakeSecretManager, startSecretManagerFake } from './support/secret-manager-fake.js'

// What the fake adds for tests: the request log, fault injection, latency and a corrupted checksum.
let fake: FakeSecretManager
let client: SecretManagerServiceClient

beforeAll(async () => {
  fake = await startSecretManagerFake()
  client = new SecretManagerServiceClient(fake.clientOptions())
})
afterEach(() => {
  fake.reset()
})
afterAll(async () => {
  await client?.close()
  await fake?.stop()
})

const SECRET = 'projects/p/secrets/s'

async function seed(value = 'value'): Promise<void> {
  await client.createSecret({ parent: 'projects/p', secretId: 's', secret: { replication: { automatic: {} } } })
  await client.addSecretVersion({ parent: SECRET, payload: { data: Buffer.from(value) } })
}

describe('the Secret Manager fake controls', () => {
  it('logs every call with its method, the resource it names and its status code', async () => {
    expect(fake.endpoint).toBe(`127.0.0.1:${fake.port}`)
    await seed()
    await client.accessSecretVersion({ name: `${SECRET}/versions/latest` })
    await codeOf(client.getSecret({ name: 'projects/p/secrets/missing' }))

    expect(fake.requests).toEqual([
      { method: 'CreateSecret', name: SECRET, code: 0 },
      { method: 'AddSecretVersion', name: SECRET, code: 0 },
      { method: 'AccessSecretVersion', name: `${SECRET}/versions/latest`, code: 0 },
      { method: 'GetSecret', name: 'projects/p/secrets/missing', code: 5 },
    ])
    expect(fake.count('AccessSecretVersion')).toBe(1)
    expect(fake.count('GetSecret', 5)).toBe(1)
    expect(fake.count('GetSecret', 0)).toBe(0)

    fake.clearLog()
    expect(fake.requests).toEqual([])
    expect(fake.secrets.has(SECRET)).toBe(true)
  })

  it('failNext: the injected code surfaces as err.code, once, on the method it names', async () => {
    await seed()
    fake.failNext({ code: 7, details: 'Permission denied on resource.' })
    const denied = await grpcFailure(client.getSecret({ name: SECRET }))
    expect(denied.code).toBe(7)
    expect(denied.details).toBe('Permission denied on resource.')
    expect(denied.message).toBe('7 PERMISSION_DENIED: Permission denied on resource.')
    await client.getSecret({ name: SECRET })

    fake.failNext({ code: 9, method: 'AddSecretVersion' })
    await client.getSecret({ name: SECRET })
    expect(await codeOf(client.addSecretVersion({ parent: SECRET, payload: { data: Buffer.from('x') } }))).toBe(9)
    // The fault was answered before the state was touched.
    expect(fake.secrets.get(SECRET)?.versions).toHaveLength(1)

    fake.failNext({ code: 6, method: 'CreateSecret' })
    fake.failNext({ code: 3, method: 'CreateSecret' })
    const create = () =>
      client.createSecret({ parent: 'projects/p', secretId: 'n', secret: { replication: { automatic: {} } } })
    expect(await codeOf(create())).toBe(6)
    expect(await codeOf(create())).toBe(3)
    await create()
    expect(fake.requests.map((r) => r.code)).toEqual([0, 0, 7, 0, 0, 9, 6, 3, 0])
  })

  it('a RESOURCE_EXHAUSTED or UNAVAILABLE access is retried by the client, other methods surface it', async () => {
    await seed('retried')
    // The client retries AccessSecretVersion on codes 8 and 14 (first back-off: a random part of 2 s).
    fake.failNext({ code: 14, method: 'AccessSecretVersion' })
    const [response] = await client.accessSecretVersion({ name: `${SECRET}/versions/latest` })
    expect(text(response.payload?.data)).toBe('retried')
    expect(fake.requests.filter((r) => r.method === 'AccessSecretVersion').map((r) => r.code)).toEqual([14, 0])

    fake.failNext({ code: 8, method: 'GetSecretVersion' })
    expect(await codeOf(client.getSecretVersion({ name: `${SECRET}/versions/1` }))).toBe(8)
    fake.failNext({ code: 14, method: 'GetSecret' })
    expect(await codeOf(client.getSecret({ name: SECRET }))).toBe(14)
  })

  it('answers after the configured latency and reports the peak of calls in flight', async () => {
    await seed()
    fake.clearLog()
    fake.configure({ latencyMs: 100 })
    const started = performance.now()
    await Promise.all(Array.from({ length: 5 }, () => client.accessSecretVersion({ name: `${SECRET}/versions/1` })))
    expect(performance.now() - started).toBeGreaterThanOrEqual(95)
    expect(fake.peakInFlight).toBe(5)

    fake.clearLog()
    await client.getSecret({ name: SECRET })
    expect(fake.peakInFlight).toBe(1)
  })

  it('corruptNextAccess: the next payload carries a CRC32C that does not match its data', async () => {
    await seed('integrity')
    const name = `${SECRET}/versions/latest`
    fake.corruptNextAccess()
    const [corrupted] = await client.accessSecretVersion({ name })
    const data = corrupted.payload?.data as Uint8Array
    expect(text(data)).toBe('integrity')
    expect(Number(corrupted.payload?.dataCrc32c)).not.toBe(crc32c(data))

    const [intact] = await client.accessSecretVersion({ name })
    expect(Number(intact.payload?.dataCrc32c)).toBe(crc32c(intact.payload?.data as Uint8Array))
  })

  it('reset clears the secrets, the log, pending faults and corruption, and the settings', async () => {
    await seed()
    fake.failNext({ code: 13 })
    fake.corruptNextAccess()
    fake.configure({ latencyMs: 1_000 })
    fake.reset()

    expect(fake.secrets.size).toBe(0)
    expect(fake.requests).toEqual([])
    await seed()
    const [response] = await client.accessSecretVersion({ name: `${SECRET}/versions/1` })
    expect(Number(response.payload?.dataCrc32c)).toBe(crc32c(Buffer.from('value')))
    expect(fake.requests.every((r) => r.code === 0)).toBe(true)
  })
})
