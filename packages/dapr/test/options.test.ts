import { CommunicationProtocolEnum, DaprClient, LogLevel } from '@dapr/dapr'
import { ConfigurationError } from '@secret-store/core'
import { afterEach, describe, expect, it } from 'vitest'
import { DaprSecretStore, type DaprSecretStoreOptions } from '../src/index.js'
import { ownClientOptions, resolveDaprOptions } from '../src/options.js'

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

const endpointOf = (own: Partial<DaprSecretStoreOptions>, env: NodeJS.ProcessEnv = {}) => {
  const { sidecar } = resolve(own, env)
  return 'endpoint' in sidecar ? sidecar.endpoint : 'an injected client'
}

describe('where the store finds the sidecar', () => {
  it("defaults to Dapr's own conventions: DAPR_HOST, DAPR_HTTP_PORT, then 127.0.0.1:3500", () => {
    expect(endpointOf({})).toBe('http://127.0.0.1:3500')
    expect(endpointOf({}, { DAPR_HOST: 'dapr.local', DAPR_HTTP_PORT: '3601' })).toBe('http://dapr.local:3601')
    expect(endpointOf({ daprPort: 4000 }, { DAPR_HOST: 'dapr.local', DAPR_HTTP_PORT: '3601' })).toBe(
      'http://dapr.local:4000',
    )
    expect(endpointOf({ daprHost: '::1', daprPort: '3500' })).toBe('http://[::1]:3500')
  })

  it('takes DAPR_HTTP_ENDPOINT (https too) when neither daprHost nor daprPort is given, as the SDK does', () => {
    const env = { DAPR_HTTP_ENDPOINT: 'https://api.dapr.example/', DAPR_HTTP_PORT: '3601' }
    expect(endpointOf({}, env)).toBe('https://api.dapr.example')
    expect(endpointOf({ daprPort: 3500 }, env)).toBe('http://127.0.0.1:3500')
    expect(endpointOf({ daprEndpoint: 'http://sidecar:3500/' })).toBe('http://sidecar:3500')
  })

  it('sends the API token from the option, else DAPR_API_TOKEN', () => {
    const token = (own: Partial<DaprSecretStoreOptions>, env: NodeJS.ProcessEnv = {}) =>
      (resolve(own, env).sidecar as { apiToken?: string }).apiToken
    expect(token({})).toBeUndefined()
    expect(token({}, { DAPR_API_TOKEN: 'from-env' })).toBe('from-env')
    expect(token({ apiToken: 'given' }, { DAPR_API_TOKEN: 'from-env' })).toBe('given')
  })

  it('builds its own client for the endpoint: HTTP, the token, a logger that never prints request headers', () => {
    for (const [endpoint, clientUrl] of [
      ['http://127.0.0.1:3500', 'http://127.0.0.1:3500/v1.0'],
      ['http://[::1]:3999', 'http://[::1]:3999/v1.0'],
      ['https://api.dapr.example', 'https://api.dapr.example:443/v1.0'],
      ['http://sidecar', 'http://sidecar:80/v1.0'],
    ] as const) {
      const options = ownClientOptions(endpoint, 'tok')
      expect(options, endpoint).toMatchObject({
        communicationProtocol: CommunicationProtocolEnum.HTTP,
        daprApiToken: 'tok',
        logger: { level: LogLevel.Error },
      })
      // The SDK's HTTP client parses the options back into the same address.
      const client = sdk(options)
      expect((client.daprClient as unknown as { clientUrl: string }).clientUrl, endpoint).toBe(clientUrl)
      expect(client.options.daprApiToken).toBe('tok')
    }
    expect(ownClientOptions('http://127.0.0.1:3500', undefined)).not.toHaveProperty('daprApiToken')
  })

  it('reads through an injected HTTP DaprClient as it is', () => {
    const client = sdk({
      daprHost: '127.0.0.1',
      daprPort: '3999',
      communicationProtocol: CommunicationProtocolEnum.HTTP,
      daprApiToken: 'client-token',
    })
    expect((resolve({ client }).sidecar as { client: unknown }).client).toBe(client)
  })

  it('refuses a gRPC DaprClient: the SDK loses keys of multi-valued secrets over gRPC', () => {
    const client = sdk({
      daprHost: '127.0.0.1',
      daprPort: '50001',
      communicationProtocol: CommunicationProtocolEnum.GRPC,
    })
    expect(() => new DaprSecretStore({ secretStoreName: 'kubernetes', client })).toThrow(
      /is misconfigured: a gRPC DaprClient is refused: @dapr\/dapr 3.x returns only the first key of a multi-valued secret/,
    )
  })

  it('sends per-request metadata as metadata.<key> query parameters', () => {
    expect(resolve({ metadata: { namespace: 'payments', 'version id': 'a&b' } }).metadata).toBe(
      'metadata.namespace=payments&metadata.version+id=a%26b',
    )
    expect(resolve({ metadata: {} }).metadata).toBe('')
  })
})

describe('option checks', () => {
  const refused = (options: Record<string, unknown>) => () =>
    new DaprSecretStore({ secretStoreName: 'kubernetes', ...options } as DaprSecretStoreOptions)

  it('names the bad option', () => {
    expect(refused({ secretStoreName: '' })).toThrow(/secretStoreName must name the secret store component/)
    expect(refused({ secretStoreName: 7 })).toThrow(/secretStoreName must name/)
    expect(refused({ secretStoreNmae: 'x' })).toThrow(
      /unknown option "secretStoreNmae" \(did you mean "secretStoreName"\?\); accepted options: .*clientConfig/,
    )
    expect(refused({ daprHost: 'h', clientConfig: { daprPort: '3500' } })).toThrow(
      'the sidecar is given twice: pass either daprHost or clientConfig, not both',
    )
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
    // The SDK would drop the path and reach another address.
    expect(refused({ daprEndpoint: 'http://sidecar:3500/prefix/' })).toThrow(
      'daprEndpoint (or DAPR_HTTP_ENDPOINT) must have no path: @dapr/dapr reaches the Dapr API at its root',
    )
    expect(refused({ daprEndpoint: 'http://x', daprPort: 1 })).toThrow('pass either daprEndpoint or daprHost/daprPort')
    expect(refused({ client: {} })).toThrow('client must be a DaprClient')
    expect(refused({ client: { options: {} } })).toThrow('client must be a DaprClient')
    expect(refused({ metadata: { a: 1 } })).toThrow('metadata must map non-empty keys to strings')
    expect(refused({ maxConcurrency: 0 })).toThrow(RangeError)
    expect(refused({ bulk: 'sometimes' })).toThrow(ConfigurationError)
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
