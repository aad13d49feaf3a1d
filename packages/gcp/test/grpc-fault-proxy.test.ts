import { SecretManagerServiceClient } from '@google-cloud/secret-manager'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type GrpcFaultProxy, startGrpcFaultProxy } from './support/grpc-fault-proxy.js'
import { grpcFailure, text } from './support/sdk.js'
import { type FakeSecretManager, startSecretManagerFake } from './support/secret-manager-fake.js'
import { isSecretRead } from './support/secret-manager-faults.js'

// The HTTP/2 fault proxy in front of the fake (whose own faults stay off): it must pass gRPC through
// unchanged, and its faults must reach the client the way grpc-js reports a proxy's or a network's.
let fake: FakeSecretManager
let proxy: GrpcFaultProxy
let client: SecretManagerServiceClient

beforeAll(async () => {
  fake = await startSecretManagerFake()
  proxy = await startGrpcFaultProxy(fake.port)
  client = new SecretManagerServiceClient(proxy.clientOptions())
})
afterEach(() => {
  proxy.clear()
  proxy.resetRequestStats()
  fake.reset()
})
afterAll(async () => {
  await client?.close()
  await proxy?.close()
  await fake?.stop()
})

const SECRET = 'projects/p/secrets/s'
const LATEST = `${SECRET}/versions/latest`
const NO_RETRY = { retry: null }
const access = (options: object = NO_RETRY) => client.accessSecretVersion({ name: LATEST }, options)

async function seed(value = 'value'): Promise<void> {
  await client.createSecret({ parent: 'projects/p', secretId: 's', secret: { replication: { automatic: {} } } })
  await client.addSecretVersion({ parent: SECRET, payload: { data: Buffer.from(value) } })
}

describe('the gRPC fault proxy', () => {
  it('passes answers, error statuses (trailers-only) and their details through unchanged, counting reads', async () => {
    await seed('through the proxy')
    expect(text((await access())[0].payload?.data)).toBe('through the proxy')
    const missing = await grpcFailure(client.getSecret({ name: 'projects/p/secrets/missing' }, NO_RETRY))
    expect([missing.code, missing.details]).toEqual([5, 'Secret [projects/p/secrets/missing] not found.'])
    expect(proxy.requestStats()).toEqual({ reads: 1, peakReads: 1 })
    expect(proxy.log.map((r) => [r.method, r.path])).toEqual([
      ['POST', 'CreateSecret'],
      ['POST', 'AddSecretVersion'],
      ['GET', 'AccessSecretVersion'],
      ['GET', 'GetSecret'],
    ])
  })

  it("gives what grpc-js makes of a proxy's plain HTTP answers", async () => {
    await seed()
    const seen: Array<[number, number | undefined, string | undefined]> = []
    for (const status of [502, 503, 429, 404, 500, 200]) {
      proxy.inject(
        { kind: 'status', status, body: '<html>proxy</html>', headers: { 'content-type': 'text/html' } },
        {
          times: 1,
          match: isSecretRead,
        },
      )
      const failure = await grpcFailure(access())
      seen.push([status, failure.code, failure.details])
    }
    expect(seen).toEqual([
      [502, 14, 'Received HTTP status code 502'],
      [503, 14, 'Received HTTP status code 503'],
      [429, 14, 'Received HTTP status code 429'],
      [404, 12, 'Received HTTP status code 404'],
      [500, 2, 'Received HTTP status code 500'],
      [200, 13, expect.stringContaining('Call ended without gRPC status')],
    ])
  })

  it('resets the connection (UNAVAILABLE), cuts an answer after the change is made (INTERNAL), and delays', async () => {
    await seed()
    proxy.inject({ kind: 'reset' }, { times: 1, match: isSecretRead })
    expect((await grpcFailure(access())).code).toBe(14)
    expect(text((await access())[0].payload?.data)).toBe('value')

    proxy.inject({ kind: 'cut' }, { times: 1, match: (r) => r.path === 'AddSecretVersion' })
    const cut = await grpcFailure(client.addSecretVersion({ parent: SECRET, payload: { data: Buffer.from('v2') } }))
    expect(cut.code).toBe(13)
    expect(fake.secrets.get(SECRET)?.versions).toHaveLength(2)

    proxy.inject({ kind: 'delay', ms: 60 }, { times: 1 })
    const started = performance.now()
    expect(text((await access())[0].payload?.data)).toBe('v2')
    expect(performance.now() - started).toBeGreaterThanOrEqual(55)
  })

  it('never answers a blackholed or dripped call: the client gives up at its deadline', async () => {
    await seed()
    for (const fault of [{ kind: 'blackhole' }, { kind: 'drip' }] as const) {
      proxy.inject(fault, { times: 1 })
      expect((await grpcFailure(access({ ...NO_RETRY, timeout: 100 }))).code).toBe(4)
    }
    // The blackholed calls never reached the backend.
    expect(fake.requests.filter((r) => r.method === 'AccessSecretVersion')).toEqual([])
  })
})
