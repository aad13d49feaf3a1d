import { randomUUID } from 'node:crypto'
import { CommunicationProtocolEnum, DaprClient, LogLevel } from '@dapr/dapr'
import { type FaultProxy, freeLoopbackPort, registerContractSuite, startFaultProxy } from '@secret-store/testkit'
import { afterAll, beforeAll } from 'vitest'
import { DaprSecretStore } from '../src/index.js'
import { type FileBackdoor, fileBackdoor } from './support/backdoor.js'
import { type Daprd, startDaprd } from './support/daprd.js'

// One real daprd for both suites, requiring an API token. The stores reach it through a fault proxy
// that counts their reads; the back door writes the secrets file and reads daprd directly.
let daprd: Daprd
let proxy: FaultProxy
let door: FileBackdoor
let closedPort: number
const apiToken = `contract-token-${randomUUID()}`

/** Reads of secrets: single and bulk GETs of the secrets API. */
const isSecretsRead = (request: { method: string; path: string }) =>
  request.method === 'GET' && request.path.startsWith('/v1.0/secrets/')

beforeAll(async () => {
  daprd = await startDaprd({ apiToken })
  proxy = await startFaultProxy({ target: daprd.httpEndpoint, isRead: isSecretsRead })
  closedPort = await freeLoopbackPort()
  door = fileBackdoor(daprd)
})

afterAll(async () => {
  await proxy?.close()
  await daprd?.stop()
})

const proxyPort = () => Number(new URL(proxy.url).port)

/** An HTTP DaprClient of the real SDK: the store takes its address and token. */
const sdkClient = (port: number) =>
  new DaprClient({
    daprHost: '127.0.0.1',
    daprPort: String(port),
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    daprApiToken: apiToken,
    logger: { level: LogLevel.Error },
  })

const shared = {
  faults: () => proxy,
  faultTargets: { isRead: isSecretsRead },
  credentials: () => [apiToken],
  backdoor: () => ({ ...door, requestStats: proxy.requestStats, resetRequestStats: proxy.resetRequestStats }),
  unsupported: { writes: "Dapr's secrets API has no writes" },
}

// Keys as the local file store holds them: nested keys flattened with ":", paths, spaces, URL syntax,
// non-ASCII text, a prototype name, and neighbours of the reserved `bulk`.
const brownfield = [
  'db:password',
  'tenant:acme:stripeApiKey',
  'team a/api key',
  'q?x=1&y=2',
  'p%41 50%',
  'ünïcode-名前',
  '__proto__',
  'BULK',
  'bulk-export',
  '...',
]

registerContractSuite({
  ...shared,
  name: 'DaprSecretStore on the local file store (bulk: auto, host and port)',
  createStore: (options) =>
    new DaprSecretStore({
      ...options,
      secretStoreName: daprd.stores.file,
      daprHost: '127.0.0.1',
      daprPort: proxyPort(),
      apiToken,
    }),
  createUnreachableStore: (options) =>
    new DaprSecretStore({
      ...options,
      secretStoreName: daprd.stores.file,
      daprHost: '127.0.0.1',
      daprPort: closedPort,
      apiToken,
    }),
  names: { brownfield, invalid: ['bulk', '.', '..', '#password', 'db#', 'tenant:acme:', 'tenant:acme:#key'] },
})

registerContractSuite({
  ...shared,
  name: 'DaprSecretStore on the multi-valued file store (bulk: always, injected DaprClient, no key separator)',
  createStore: (options) =>
    new DaprSecretStore({
      ...options,
      secretStoreName: daprd.stores.multiValued,
      client: sdkClient(proxyPort()),
      bulk: 'always',
      keySeparator: false,
    }),
  createUnreachableStore: (options) =>
    new DaprSecretStore({
      ...options,
      secretStoreName: daprd.stores.multiValued,
      client: sdkClient(closedPort),
      bulk: 'always',
      keySeparator: false,
    }),
  names: { brownfield: [...brownfield, 'h#x', 'a#b#c'], invalid: ['bulk', '.', '..'] },
})
