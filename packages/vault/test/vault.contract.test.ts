import { type FaultProxy, freeLoopbackPort, registerContractSuite, startFaultProxy } from '@secret-store/testkit'
import { afterAll, beforeAll } from 'vitest'
import { VaultSecretStore } from '../src/index.js'
import { type OpenBaoServer, startOpenBao } from './support/openbao.js'
import { createAppRole, kvBackdoor, mountKv, type RawClient, rawClient } from './support/vault.js'

// One real OpenBao dev server for every suite in this file: KV v2 at `secret/` (dev default), KV v1 at `kv1/`.
let server: OpenBaoServer
let admin: RawClient
let appRole: { roleId: string; secretId: string }
// The stores under test reach OpenBao through a fault proxy that counts their reads; the back door goes direct.
let proxy: FaultProxy
let closedPort: number

/** Reads: GETs under the KV mounts, of values and of names (`?list=true`); not AppRole logins or version detection. */
const isKvRead = (request: { method: string; path: string }) =>
  request.method === 'GET' && /^\/v1\/(secret|kv1)\//.test(request.path)

beforeAll(async () => {
  server = await startOpenBao()
  proxy = await startFaultProxy({ target: server.endpoint, isRead: isKvRead })
  closedPort = await freeLoopbackPort()
  admin = rawClient(server.endpoint, server.rootToken)
  await mountKv(admin, 'kv1', 1)
  // No rule for `secret/detailed-metadata/`, as on Vault: this suite lists through `metadata` and a read per name.
  await admin.write('sys/policies/acl/contract-app', {
    policy:
      'path "secret/data/contract-app/*" { capabilities = ["create", "read", "update", "delete"] }\npath "secret/metadata/contract-app/*" { capabilities = ["read", "list", "delete"] }',
  })
  appRole = await createAppRole(admin, 'contract', { policies: ['contract-app'], tokenTtl: '5m', tokenMaxTtl: '10m' })
})

afterAll(async () => {
  await proxy?.close()
  await server?.stop()
})

const shared = {
  faults: () => proxy,
  faultTargets: {
    isRead: isKvRead,
    isValueWrite: (request: { method: string; path: string }) =>
      (request.method === 'PUT' || request.method === 'POST') && /^\/v1\/(secret|kv1)\//.test(request.path),
  },
  credentials: () => [server.rootToken, appRole.secretId],
  createUnreachableStore: (options: object) =>
    new VaultSecretStore({ ...options, endpoint: `http://127.0.0.1:${closedPort}`, token: server.rootToken }),
}
const counted = <T extends object>(door: T) => ({
  ...door,
  requestStats: proxy.requestStats,
  resetRequestStats: proxy.resetRequestStats,
})

// Paths as Vault users write them: folders, `:` and `@`, dots, spaces and non-ASCII characters.
const names = {
  brownfield: [
    'apps/payments/db-password',
    'tenant:acme:stripeApiKey',
    'team a/api key',
    'svc@example/config.v1.2',
    'ünïcode/pässwörd',
    'a%2Fb?c#d',
    '__proto__',
  ],
  invalid: ['/leading', 'trailing/', 'a//b', '../escape', 'a/../b', 'a/./b', '.', '..'],
}

registerContractSuite({
  ...shared,
  name: 'VaultSecretStore on KV v2',
  createStore: (options) =>
    new VaultSecretStore({ ...options, endpoint: proxy.url, token: server.rootToken, mount: 'secret' }),
  backdoor: () => counted(kvBackdoor(admin, 'secret', 2)),
  names,
})

registerContractSuite({
  ...shared,
  name: 'VaultSecretStore on KV v1',
  createStore: (options) =>
    new VaultSecretStore({
      ...options,
      endpoint: proxy.url,
      token: server.rootToken,
      mount: 'kv1',
      kvVersion: 1,
    }),
  backdoor: () => counted(kvBackdoor(admin, 'kv1', 1)),
  names,
})

registerContractSuite({
  ...shared,
  name: 'VaultSecretStore on KV v2 with AppRole, a prefix and a custom field',
  createStore: (options) =>
    new VaultSecretStore({
      ...options,
      endpoint: proxy.url,
      appRole,
      prefix: 'contract-app',
      field: 'secret',
    }),
  backdoor: () => counted(kvBackdoor(admin, 'secret', 2, { prefix: 'contract-app', field: 'secret' })),
  names,
})
