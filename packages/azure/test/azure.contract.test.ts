import { type FaultProxy, freeLoopbackPort, registerContractSuite, startFaultProxy } from '@secret-store/testkit'
import { afterAll, beforeAll } from 'vitest'
import { AzureSecretStore } from '../src/index.js'
import {
  type Backend,
  clientOptions,
  guardedClientOptions,
  keyVaultBackdoor,
  rawClient,
  startBackend,
  staticCredential,
} from './support/azure.js'

// One backend for every suite in this file: the loopback Key Vault fake, or a real Lowkey Vault when
// LOWKEY_VAULT_JAR points at its jar (a choice of backend, not a skip).
const backendName = process.env.LOWKEY_VAULT_JAR ? 'Lowkey Vault' : 'the loopback Key Vault fake'
let backend: Backend
// The stores under test reach the backend through a TLS fault proxy that counts their reads.
let proxy: FaultProxy
let closedPort: number
// Authenticated GETs of a secret: the client's first request is an unauthenticated probe for the challenge.
const isSecretRead = (request: { method: string; path: string; headers: Record<string, unknown> }) =>
  request.method === 'GET' && request.path.startsWith('/secrets/') && request.headers.authorization !== undefined
const credential = staticCredential('contract-suite-bearer-token-0123456789')

beforeAll(async () => {
  backend = await startBackend()
  proxy = await startFaultProxy({ target: backend.vaultUrl, targetCa: backend.ca, tls: true, isRead: isSecretRead })
  // Key Vault's next-page links name the vault, and the client follows them only to the vault it calls.
  backend.publishAs?.(proxy.url)
  closedPort = await freeLoopbackPort()
})

afterAll(async () => {
  await proxy?.close()
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
  vaultUrl: proxy.url,
  credential,
  clientOptions: clientOptions({ ca: proxy.ca as string }),
  intervalInMs: 10,
})

const shared = {
  backdoor: () => ({
    ...keyVaultBackdoor(rawClient(backend)),
    requestStats: proxy.requestStats,
    resetRequestStats: proxy.resetRequestStats,
  }),
  faults: () => proxy,
  faultTargets: {
    isRead: isSecretRead,
    isValueWrite: (request: { method: string; path: string }) =>
      request.method === 'PUT' && request.path.startsWith('/secrets/'),
  },
  credentials: [credential.token],
  createUnreachableStore: (options: object) =>
    new AzureSecretStore({ ...options, ...connection(), vaultUrl: `https://127.0.0.1:${closedPort}` }),
  names,
}

registerContractSuite({
  name: `AzureSecretStore with recoverable deletes on ${backendName}`,
  ...shared,
  createStore: (options) => new AzureSecretStore({ ...options, ...connection() }),
})

registerContractSuite({
  ...shared,
  name: `AzureSecretStore with purgeOnRemove and an injected SecretClient on ${backendName}`,
  createStore: (options) =>
    new AzureSecretStore({
      ...options,
      client: rawClient(
        { vaultUrl: proxy.url, ca: proxy.ca as string },
        credential,
        guardedClientOptions({ ca: proxy.ca as string }),
      ),
      purgeOnRemove: true,
      intervalInMs: 10,
    }),
})
