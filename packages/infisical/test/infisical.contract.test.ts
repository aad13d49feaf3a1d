import type { InfisicalSDK } from '@infisical/sdk'
import { type FaultProxy, freeLoopbackPort, registerContractSuite, startFaultProxy } from '@secret-store/testkit'
import { afterAll, beforeAll } from 'vitest'
import { InfisicalSecretStore } from '../src/index.js'
import { fakeBackdoor, isSecretRead, loggedInSdk } from './support/infisical.js'
import { type InfisicalFake, startInfisicalFake, untagged } from './support/infisical-fake.js'

// One fake Infisical for every suite here. The stores reach it through a fault proxy that counts their
// reads, and log in and call it through the real @infisical/sdk; the back door goes direct. The SDK retries
// a reset connection or a 429 by itself (1, 2, 4, 8 s apart): under those faults a call ends at the store's
// attempt timeout, not at once, and the SDK drops Retry-After.
let fake: InfisicalFake
let proxy: FaultProxy
let closedPort: number
let doorSdk: InfisicalSDK
let accessToken: string

/**
 * Each store reaches the proxy below a path of its own (`/store-<n>`), and only reads of stores not yet
 * destroyed count: a call the store gave up on goes on retrying inside the SDK for up to about a minute,
 * and must not be counted as a read of a later test.
 */
let storeCount = 0
const liveStores = new Set<string>()
const tagOf = (path: string) => /^\/(store-\d+)\//.exec(path)?.[1]
const isRead = (request: { method: string; path: string }) => isSecretRead({ ...request, path: untagged(request.path) })
const isCountedRead = (request: { method: string; path: string }) =>
  isRead(request) && liveStores.has(tagOf(request.path) ?? '')

/** A store of the suite, reaching the proxy at its own path; destroying it stops its reads from counting. */
function tagged(create: (siteUrl: string) => InfisicalSecretStore): InfisicalSecretStore {
  const tag = `store-${++storeCount}`
  liveStores.add(tag)
  const store = create(`${proxy.url}/${tag}`)
  const destroy = store.destroy.bind(store)
  store.destroy = async () => {
    liveStores.delete(tag)
    await destroy()
  }
  return store
}

beforeAll(async () => {
  fake = await startInfisicalFake()
  proxy = await startFaultProxy({ target: fake.siteUrl, isRead: isCountedRead })
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

/** Where each suite's store keeps its secrets, for its back door. */
type Where = { environment: string; secretPath?: string }

/**
 * Keys as Infisical users write them, folders below the store's secretPath, and the tenant form. The
 * tenant form is not a name Infisical shows (it lives as `tenant/acme/STRIPE_API_KEY`, also listed here):
 * it is made by the test, so that listing looks for the name the dashboard shows instead.
 */
const namesAt = (where: Where) => ({
  brownfield: [
    'DB_PASSWORD',
    'STRIPE_API_KEY',
    'payments/STRIPE_WEBHOOK_SECRET',
    'app/db-main/DATABASE_URL',
    'service.config-v2',
    'Ünïcode key ?#%',
    'tenant/acme/STRIPE_API_KEY',
    {
      label: 'tenant:acme:STRIPE_API_KEY',
      create: async (value: string) => {
        await fakeBackdoor(fake, doorSdk, where).set('tenant:acme:STRIPE_API_KEY', value)
        return 'tenant:acme:STRIPE_API_KEY'
      },
    },
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
})

const shared = {
  faults: () => proxy,
  faultTargets: { isRead },
  credentials: () => [fake.machineIdentity.clientSecret, fake.machineIdentity.clientId, accessToken],
}

const universal: Where = { environment: 'dev' }
const inFolder: Where = { environment: 'staging', secretPath: '/contract/app' }

registerContractSuite({
  ...shared,
  names: namesAt(universal),
  name: 'InfisicalSecretStore with universal auth',
  createStore: (options) =>
    tagged(
      (siteUrl) =>
        new InfisicalSecretStore({
          ...options,
          siteUrl,
          projectId: fake.projectId,
          environment: 'dev',
          universalAuth: fake.machineIdentity,
        }),
    ),
  // However long the SDK keeps retrying the login, the store's deadline ends the wait (a short one here).
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
  backdoor: () => counted(fakeBackdoor(fake, doorSdk, universal)),
})

registerContractSuite({
  ...shared,
  names: namesAt(inFolder),
  name: 'InfisicalSecretStore with an access token, in a folder, one request per name, references kept',
  createStore: (options) =>
    tagged(
      (siteUrl) =>
        new InfisicalSecretStore({
          ...options,
          siteUrl,
          projectId: fake.projectId,
          environment: 'staging',
          secretPath: '/contract/app',
          expandSecretReferences: false,
          listThreshold: Number.POSITIVE_INFINITY,
          accessToken,
        }),
    ),
  // However long the SDK keeps retrying the secret requests, the store's deadline ends the wait.
  createUnreachableStore: (options) =>
    new InfisicalSecretStore({
      timeoutMs: 3_000,
      attemptTimeoutMs: 1_000,
      ...options,
      siteUrl: `http://127.0.0.1:${closedPort}`,
      projectId: fake.projectId,
      environment: 'staging',
      accessToken,
    }),
  backdoor: () => counted(fakeBackdoor(fake, doorSdk, inFolder)),
})
