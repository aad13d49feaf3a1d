import { registerContractSuite } from '@secret-store/testkit'
import { afterAll, beforeAll } from 'vitest'
import { AzureSecretStore } from '../src/index.js'
import {
  type Backend,
  clientOptions,
  keyVaultBackdoor,
  rawClient,
  startBackend,
  staticCredential,
} from './support/azure.js'

// One backend for every suite in this file: the loopback Key Vault fake, or a real Lowkey Vault when
// LOWKEY_VAULT_JAR points at its jar (a choice of backend, not a skip).
const backendName = process.env.LOWKEY_VAULT_JAR ? 'Lowkey Vault' : 'the loopback Key Vault fake'
let backend: Backend

beforeAll(async () => {
  backend = await startBackend()
})

afterAll(async () => {
  await backend?.stop()
})

// Names as Key Vault users write them, and names Key Vault refuses.
const names = {
  brownfield: [
    'my-secret',
    'backup-5',
    'db-2024',
    'paymentApiKey',
    'PAYMENT-API-KEY-2',
    '0-leading-digit',
    'x'.repeat(127),
  ],
  invalid: ['db_password', 'app/db.url', 'a:b', 'x'.repeat(128), 'tenant:Acme:key', 'tenant:acme_corp:key', 'a b'],
}

const connection = () => ({
  vaultUrl: backend.vaultUrl,
  credential: staticCredential(),
  clientOptions: clientOptions(backend),
  intervalInMs: 10,
})

registerContractSuite({
  name: `AzureSecretStore with recoverable deletes on ${backendName}`,
  createStore: (options) => new AzureSecretStore({ ...options, ...connection() }),
  backdoor: () => keyVaultBackdoor(rawClient(backend)),
  names,
})

registerContractSuite({
  name: `AzureSecretStore with purgeOnRemove and an injected SecretClient on ${backendName}`,
  createStore: (options) =>
    new AzureSecretStore({
      ...options,
      client: rawClient(backend, staticCredential()),
      purgeOnRemove: true,
      intervalInMs: 10,
    }),
  backdoor: () => keyVaultBackdoor(rawClient(backend)),
  names,
})
