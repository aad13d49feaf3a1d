import type { InfisicalSDK } from '@infisical/sdk'
import { type FaultProxy, freeLoopbackPort, registerContractSuite, startFaultProxy } from '@secret-store/testkit'
import { afterAll, beforeAll } from 'vitest'
import { InfisicalSecretStore } from '../src/index.js'
import { fakeBackdoor, isSecretRead, loggedInSdk } from './support/infisical.js'
import { type InfisicalFake, startInfisicalFake } from './support/infisical-fake.js'

// One fake Infisical for every suite here. The stores reach it through a fault proxy that counts their
// reads, and log in through the real @infisical/sdk; the back door goes direct.
let fake: InfisicalFake
let proxy: FaultProxy
let closedPort: number
let doorSdk: InfisicalSDK
let accessToken: string

beforeAll(async () => {
  fake = await startInfisicalFake()
  proxy = await startFaultProxy({ target: fake.siteUrl, isRead: isSecretRead })
  closedPort = await freeLoopbackPort()
  doorSdk = await loggedInSdk(fake)
  accessToken = (await loggedInSdk(fake)).auth().getAccessToken() as string
})

afterAll(async () => {
  await proxy?.close()
  await fake?.stop()
})

const counted = (door: ReturnType<typeof fakeBackdoor>) => ({
  ...door,
  requestStats: proxy.requestStats,
  resetRequestStats: proxy.resetRequestStats,
})

// Keys as Infisical users write them, folders below the store's secretPath, and the tenant form.
const names = {
  brownfield: [
    'DB_PASSWORD',
    'STRIPE_API_KEY',
    'payments/STRIPE_WEBHOOK_SECRET',
    'app/db-main/DATABASE_URL',
    'service.config-v2',
    'Ünïcode key ?#%',
    'tenant:acme:STRIPE_API_KEY',
  ],
  invalid: [
    'A:B',
    'tenant:acme:A:B',
    'tenant:acme:',
    '/LEADING',
    'TRAILING/',
    'a//KEY',
    'fo.lder/KEY',
    'my folder/KEY',
    ' PADDED',
    'PADDED ',
    '.',
    '..',
    'app/..',
  ],
}

const shared = {
  faults: () => proxy,
  faultTargets: { isRead: isSecretRead },
  credentials: () => [fake.machineIdentity.clientSecret, fake.machineIdentity.clientId, accessToken],
  names,
}

registerContractSuite({
  ...shared,
  name: 'InfisicalSecretStore with universal auth',
  createStore: (options) =>
    new InfisicalSecretStore({
      ...options,
      siteUrl: proxy.url,
      projectId: fake.projectId,
      environment: 'dev',
      universalAuth: fake.machineIdentity,
    }),
  // However long the SDK keeps retrying the login, the store's deadline ends the wait.
  createUnreachableStore: (options) =>
    new InfisicalSecretStore({
      timeoutMs: 3_000,
      attemptTimeoutMs: 1_000,
      ...options,
      siteUrl: `http://127.0.0.1:${closedPort}`,
      projectId: fake.projectId,
      environment: 'dev',
      universalAuth: fake.machineIdentity,
    }),
  backdoor: () => counted(fakeBackdoor(fake, doorSdk, { environment: 'dev' })),
})

registerContractSuite({
  ...shared,
  name: 'InfisicalSecretStore with an access token, in a folder, one request per name, references kept',
  createStore: (options) =>
    new InfisicalSecretStore({
      ...options,
      siteUrl: proxy.url,
      projectId: fake.projectId,
      environment: 'staging',
      secretPath: '/contract/app',
      expandSecretReferences: false,
      listThreshold: Number.POSITIVE_INFINITY,
      accessToken,
    }),
  createUnreachableStore: (options) =>
    new InfisicalSecretStore({
      ...options,
      siteUrl: `http://127.0.0.1:${closedPort}`,
      projectId: fake.projectId,
      environment: 'staging',
      accessToken,
    }),
  backdoor: () => counted(fakeBackdoor(fake, doorSdk, { environment: 'staging', secretPath: '/contract/app' })),
})
