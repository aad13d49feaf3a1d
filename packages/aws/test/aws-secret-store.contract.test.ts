import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { type FaultProxy, freeLoopbackPort, registerContractSuite, startFaultProxy } from '@secret-store/testkit'
import { afterAll, beforeAll } from 'vitest'
import { AWSSecretStore } from '../src/index.js'
import {
  AWS_INVALID_NAMES,
  awsBrownfieldNames,
  createBackdoor,
  emulateAwsDeletionRules,
  isAwsRead,
  isAwsValueWrite,
  motoClientConfig,
} from './support/aws.js'
import { type MotoServer, startMoto } from './support/moto.js'

// The stores under test reach moto through a fault proxy that counts their reads; the back door goes direct.
let moto: MotoServer
let proxy: FaultProxy
let closedPort: number
const clients: SecretsManagerClient[] = []
const rawClient = () => {
  const client = new SecretsManagerClient(motoClientConfig(moto.endpoint))
  clients.push(client)
  return client
}
// Long enough for the leak detector to look for: credentials must never show in any output.
const credentials = { accessKeyId: 'AKIACONTRACTSUITE01', secretAccessKey: 'contract-suite-secret-access-key-0123' }
// One attempt per SDK call, as the README advises for an injected client: the store does the retrying.
const storeConfig = (endpoint: string) => ({ ...motoClientConfig(endpoint), credentials, maxAttempts: 1 })

beforeAll(async () => {
  moto = await startMoto()
  proxy = await startFaultProxy({ target: moto.endpoint, isRead: isAwsRead })
  closedPort = await freeLoopbackPort()
})
afterAll(async () => {
  for (const client of clients.splice(0)) client.destroy()
  await proxy?.close()
  await moto?.stop()
})

const shared = {
  backdoor: () => ({
    ...createBackdoor(rawClient()),
    requestStats: proxy.requestStats,
    resetRequestStats: proxy.resetRequestStats,
  }),
  faults: () => proxy,
  faultTargets: { isRead: isAwsRead, isValueWrite: isAwsValueWrite },
  credentials: Object.values(credentials),
  createUnreachableStore: (options: object) =>
    new AWSSecretStore({ ...options, clientConfig: storeConfig(`http://127.0.0.1:${closedPort}`) }),
  names: { brownfield: awsBrownfieldNames(rawClient), invalid: AWS_INVALID_NAMES },
}

registerContractSuite({
  ...shared,
  name: 'AWSSecretStore on moto',
  createStore: (options) => new AWSSecretStore({ ...options, clientConfig: storeConfig(proxy.url) }),
})

// moto accepts writes to a secret scheduled for deletion; AWS does not. Run the contract again with AWS's rules.
registerContractSuite({
  ...shared,
  name: 'AWSSecretStore on moto with AWS deletion rules',
  createStore: (options) => {
    const client = new SecretsManagerClient(storeConfig(proxy.url))
    clients.push(client)
    emulateAwsDeletionRules(client, rawClient())
    return new AWSSecretStore({ ...options, client })
  },
})
