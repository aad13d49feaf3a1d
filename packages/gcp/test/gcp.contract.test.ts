import { SecretManagerServiceClient } from '@google-cloud/secret-manager'
import type { StoreBaseOptions } from '@secret-store/core'
import { freeLoopbackPort, registerContractSuite } from '@secret-store/testkit'
import { afterAll, beforeAll } from 'vitest'
import { GCPSecretStore } from '../src/index.js'
import { loopbackClientOptions } from './support/client-options.js'
import { brownfieldNames, invalidNames, secretManagerBackdoor } from './support/gcp.js'
import { type FakeSecretManager, startSecretManagerFake } from './support/secret-manager-fake.js'
import { isSecretRead, isValueWrite } from './support/secret-manager-faults.js'

// The contract suite against the loopback Secret Manager fake, through the real SDK over gRPC. Stores
// reach the fake on its observed port (read counts, faults); the back door uses its direct port.
const PROJECT = 'contract-project'
// Secret Manager names projects by number in its answers; the fake does too.
const PROJECT_NUMBER = '123456789012'
// Never used: with `auth` given the client ignores them. The suite checks they never show in any output.
const credentials = {
  client_email: 'contract-suite@contract-project.iam.gserviceaccount.com',
  private_key: 'contract-suite-private-key-0123456789abcdef',
}

let fake: FakeSecretManager
let raw: SecretManagerServiceClient
let closedPort: number

beforeAll(async () => {
  fake = await startSecretManagerFake({ projectNumbers: { [PROJECT]: PROJECT_NUMBER } })
  raw = new SecretManagerServiceClient(fake.directClientOptions())
  closedPort = await freeLoopbackPort()
})
afterAll(async () => {
  await raw?.close()
  await fake?.stop()
})

const door = async () => ({
  ...secretManagerBackdoor(raw, `projects/${PROJECT}`),
  requestStats: fake.requestStats,
  resetRequestStats: fake.resetRequestStats,
})

const clientOptions = (port: number) => ({ ...loopbackClientOptions(port), credentials })

const shared = {
  backdoor: door,
  faults: () => fake,
  faultTargets: { isRead: isSecretRead, isValueWrite },
  credentials: [credentials.private_key],
  createUnreachableStore: (options: StoreBaseOptions) =>
    new GCPSecretStore({ ...options, projectId: PROJECT, clientOptions: clientOptions(closedPort) }),
  names: { brownfield: brownfieldNames(door, { id: PROJECT, number: PROJECT_NUMBER }), invalid: invalidNames(PROJECT) },
}

registerContractSuite({
  ...shared,
  name: 'GCPSecretStore with recoverable removes on the loopback Secret Manager fake',
  createStore: (options) =>
    new GCPSecretStore({ ...options, projectId: PROJECT, clientOptions: clientOptions(fake.port) }),
})

const injected: SecretManagerServiceClient[] = []
afterAll(async () => {
  for (const client of injected.splice(0)) await client.close()
})

registerContractSuite({
  ...shared,
  name: 'GCPSecretStore with purgeOnRemove, destroyed old versions and an injected client on the fake',
  createStore: (options) => {
    const client = new SecretManagerServiceClient(fake.clientOptions())
    injected.push(client)
    return new GCPSecretStore({
      ...options,
      projectId: PROJECT,
      client,
      purgeOnRemove: true,
      oldVersions: 'destroy',
      keepVersions: 1,
    })
  },
})
