import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { registerContractSuite } from '@secret-store/testkit'
import { afterAll, beforeAll } from 'vitest'
import { AWSSecretStore } from '../src/index.js'
import {
  AWS_INVALID_NAMES,
  awsBrownfieldNames,
  createBackdoor,
  emulateAwsDeletionRules,
  motoClientConfig,
} from './support/aws.js'
import { type MotoServer, startMoto } from './support/moto.js'

let moto: MotoServer
const clients: SecretsManagerClient[] = []
const rawClient = () => {
  const client = new SecretsManagerClient(motoClientConfig(moto.endpoint))
  clients.push(client)
  return client
}

beforeAll(async () => {
  moto = await startMoto()
})
afterAll(async () => {
  for (const client of clients.splice(0)) client.destroy()
  await moto?.stop()
})

registerContractSuite({
  name: 'AWSSecretStore on moto',
  createStore: (options) => new AWSSecretStore({ ...options, clientConfig: motoClientConfig(moto.endpoint) }),
  backdoor: () => createBackdoor(rawClient()),
  names: { brownfield: awsBrownfieldNames(rawClient), invalid: AWS_INVALID_NAMES },
})

// moto accepts writes to a secret scheduled for deletion; AWS does not. Run the contract again with AWS's rules.
registerContractSuite({
  name: 'AWSSecretStore on moto with AWS deletion rules',
  createStore: (options) => {
    const client = rawClient()
    emulateAwsDeletionRules(client, rawClient())
    return new AWSSecretStore({ ...options, client })
  },
  backdoor: () => createBackdoor(rawClient()),
  names: { brownfield: awsBrownfieldNames(rawClient), invalid: AWS_INVALID_NAMES },
})
