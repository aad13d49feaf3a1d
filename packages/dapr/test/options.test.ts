import { CommunicationProtocolEnum, DaprClient, LogLevel } from '@dapr/dapr'
import { afterEach, describe, expect, it } from 'vitest'
import { DaprSecretStore, type DaprSecretStoreOptions } from '../src/index.js'
import { resolveDaprOptions } from '../src/options.js'

const clients: DaprClient[] = []
const sdk = (options: ConstructorParameters<typeof DaprClient>[0]) => {
  const client = new DaprClient({ logger: { level: LogLevel.Error }, ...options })
  clients.push(client)
  return client
}
afterEach(async () => {
  // Never used for a request; stopping only releases the SDK's agents.
  for (const client of clients.splice(0)) await client.stop()
})

const resolve = (own: Partial<DaprSecretStoreOptions>, env: NodeJS.ProcessEnv = {}) =>
  resolveDaprOptions({ secretStoreName: 'kubernetes', ...own } as never, env)

describe('where the store finds the sidecar', () => {
  it("defaults to Dapr's own conventions: DAPR_HOST, DAPR_HTTP_PORT, then 127.0.0.1:3500", () => {
    expect(resolve({}).secretsUrl).toBe('http://127.0.0.1:3500/v1.0/secrets/kubernetes/')
    expect(resolve({}, { DAPR_HOST: 'dapr.local', DAPR_HTTP_PORT: '3601' }).secretsUrl).toBe(
      'http://dapr.local:3601/v1.0/secrets/kubernetes/',
    )
    expect(resolve({ daprPort: 4000 }, { DAPR_HOST: 'dapr.local', DAPR_HTTP_PORT: '3601' }).secretsUrl).toBe(
      'http://dapr.local:4000/v1.0/secrets/kubernetes/',
    )
    expect(resolve({ daprHost: '::1', daprPort: '3500' }).secretsUrl).toBe('http://[::1]:3500/v1.0/secrets/kubernetes/')
  })

  it('takes DAPR_HTTP_ENDPOINT (https too) when neither daprHost nor daprPort is given, as the SDK does', () => {
    const env = { DAPR_HTTP_ENDPOINT: 'https://api.dapr.example/', DAPR_HTTP_PORT: '3601' }
    expect(resolve({}, env).secretsUrl).toBe('https://api.dapr.example/v1.0/secrets/kubernetes/')
    expect(resolve({ daprPort: 3500 }, env).secretsUrl).toBe('http://127.0.0.1:3500/v1.0/secrets/kubernetes/')
    expect(resolve({ daprEndpoint: 'http://sidecar:3500/prefix/' }).secretsUrl).toBe(
      'http://sidecar:3500/prefix/v1.0/secrets/kubernetes/',
    )
  })

  it('sends the API token from the option, else DAPR_API_TOKEN', () => {
    expect(resolve({}).apiToken).toBeUndefined()
    expect(resolve({}, { DAPR_API_TOKEN: 'from-env' }).apiToken).toBe('from-env')
    expect(resolve({ apiToken: 'given' }, { DAPR_API_TOKEN: 'from-env' }).apiToken).toBe('given')
  })

  it("takes an HTTP DaprClient's address and token (its https endpoint too) and never calls it", () => {
    const client = sdk({
      daprHost: '127.0.0.1',
      daprPort: '3999',
      communicationProtocol: CommunicationProtocolEnum.HTTP,
      daprApiToken: 'client-token',
    })
    expect(resolve({ client })).toMatchObject({
      secretsUrl: 'http://127.0.0.1:3999/v1.0/secrets/kubernetes/',
      apiToken: 'client-token',
    })
    const saved = process.env.DAPR_HTTP_ENDPOINT
    process.env.DAPR_HTTP_ENDPOINT = 'https://remote.dapr.example'
    try {
      const remote = sdk({ communicationProtocol: CommunicationProtocolEnum.HTTP })
      expect(resolve({ client: remote }).secretsUrl).toBe('https://remote.dapr.example:443/v1.0/secrets/kubernetes/')
    } finally {
      if (saved === undefined) delete process.env.DAPR_HTTP_ENDPOINT
      else process.env.DAPR_HTTP_ENDPOINT = saved
    }
  })

  it('refuses a gRPC DaprClient: the SDK loses keys of multi-valued secrets over gRPC', () => {
    const client = sdk({
      daprHost: '127.0.0.1',
      daprPort: '50001',
      communicationProtocol: CommunicationProtocolEnum.GRPC,
    })
    expect(() => new DaprSecretStore({ secretStoreName: 'kubernetes', client })).toThrow(
      /DaprSecretStore: a gRPC DaprClient is refused: @dapr\/dapr 3.x returns only the first key of a multi-valued secret/,
    )
  })

  it('sends per-request metadata as metadata.<key> query parameters', () => {
    expect(resolve({ metadata: { namespace: 'payments', 'version id': 'a&b' } }).query).toBe(
      '?metadata.namespace=payments&metadata.version+id=a%26b',
    )
    expect(resolve({ metadata: {} }).query).toBe('')
  })

  it('percent-encodes the component name', () => {
    expect(resolve({ secretStoreName: 'my store/1' }).secretsUrl).toBe(
      'http://127.0.0.1:3500/v1.0/secrets/my%20store%2F1/',
    )
  })
})

describe('option checks', () => {
  const refused = (options: Record<string, unknown>) => () =>
    new DaprSecretStore({ secretStoreName: 'kubernetes', ...options } as DaprSecretStoreOptions)

  it('names the bad option', () => {
    expect(refused({ secretStoreName: '' })).toThrow(/secretStoreName must name the secret store component/)
    expect(refused({ secretStoreName: undefined })).toThrow(/secretStoreName must name/)
    expect(refused({ bulk: 'sometimes' })).toThrow("bulk must be 'auto', 'never' or 'always'")
    expect(refused({ tenantSeparator: '-' })).toThrow("tenantSeparator must be ':', '.' or '/'")
    for (const keySeparator of ['', '##', 'a', '_', '-', ':', 7]) {
      expect(refused({ keySeparator }), String(keySeparator)).toThrow(/keySeparator must be false or one character/)
    }
    expect(refused({ keySeparator: '.', tenantSeparator: '.' })).toThrow(/keySeparator must be/)
    expect(refused({ daprPort: 0 })).toThrow('daprPort must be a port number from 1 to 65535')
    expect(refused({ daprPort: '35x' })).toThrow(/daprPort must be/)
    expect(refused({ daprHost: 'host/path' })).toThrow('daprHost must be a host name or address')
    expect(refused({ daprEndpoint: 'ftp://x' })).toThrow(
      /daprEndpoint \(or DAPR_HTTP_ENDPOINT\) must be an http: or https: URL/,
    )
    expect(refused({ daprEndpoint: 'http://user:pw@x' })).toThrow('daprEndpoint must not carry credentials')
    expect(refused({ daprEndpoint: 'http://x', daprPort: 1 })).toThrow('pass either daprEndpoint or daprHost/daprPort')
    expect(refused({ client: {} })).toThrow('client must be a DaprClient')
    expect(refused({ metadata: { a: 1 } })).toThrow('metadata must map non-empty keys to strings')
    expect(refused({ maxConcurrency: 0 })).toThrow(RangeError)
  })

  it('refuses host, port or token beside an injected client', () => {
    const client = sdk({
      daprHost: '127.0.0.1',
      daprPort: '3500',
      communicationProtocol: CommunicationProtocolEnum.HTTP,
    })
    expect(refused({ client, daprPort: 3500 })).toThrow('pass either client or daprEndpoint/daprHost/daprPort/apiToken')
    expect(refused({ client, apiToken: 't' })).toThrow('pass either client or')
  })

  it('says it is read-only: capabilities, writes refused at construction, and no token in any output', () => {
    for (const writes of [{ enableSet: true }, { enableRemove: true }]) {
      expect(() => new DaprSecretStore({ secretStoreName: 'kubernetes', ...writes })).toThrow(
        /read-only; enableSet and enableRemove cannot be turned on/,
      )
    }
    const store = new DaprSecretStore({ secretStoreName: 'kubernetes', apiToken: 'tok-123' })
    expect(store.capabilities).toMatchObject({ writes: false, batchReads: true })
    expect(JSON.stringify(store)).not.toContain('tok-123')
    expect(new DaprSecretStore({ secretStoreName: 'kubernetes', bulk: 'never' }).capabilities.batchReads).toBe(false)
  })
})
