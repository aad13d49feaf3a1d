import { inspect } from 'node:util'
import {
  AccessDeniedError,
  ConfigurationError,
  InvalidSecretValueError,
  type SecretStoreError,
  UnavailableError,
} from '@secret-store/core'
import { type FaultProxy, freeLoopbackPort, secretStoreRejection, startFaultProxy } from '@secret-store/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { InfisicalSecretStore, type InfisicalSecretStoreOptions } from '../src/index.js'
import { isSecretRead } from './support/infisical.js'
import { type InfisicalFake, ROUTES, startInfisicalFake } from './support/infisical-fake.js'
import { fastSdkTimers } from './support/sdk-timers.js'

// The store against the Infisical fake, through the real SDK for logins: requests counted by the fake.
let fake: InfisicalFake
let proxy: FaultProxy
const stores: InfisicalSecretStore[] = []

beforeAll(async () => {
  fake = await startInfisicalFake()
  proxy = await startFaultProxy({ target: fake.siteUrl, isRead: isSecretRead })
})
afterEach(async () => {
  for (const store of stores.splice(0)) await store.destroy()
  fake.reset()
  proxy.clear()
})
afterAll(async () => {
  await proxy?.close()
  await fake?.stop()
})

type Overrides = Partial<Omit<InfisicalSecretStoreOptions, 'universalAuth' | 'accessToken'>> & {
  accessToken?: string
}

function makeStore(overrides: Overrides = {}): InfisicalSecretStore {
  const auth = overrides.accessToken === undefined ? { universalAuth: fake.machineIdentity } : {}
  const store = new InfisicalSecretStore({
    siteUrl: fake.siteUrl,
    projectId: fake.projectId,
    environment: 'dev',
    cache: false,
    enableSet: true,
    enableRemove: true,
    ...auth,
    ...overrides,
  } as InfisicalSecretStoreOptions)
  stores.push(store)
  return store
}

/** The secret requests the fake saw (logins left out), as `route status`. */
const secretRequests = () =>
  fake.requests.filter((r) => r.route !== ROUTES.login).map((r) => `${r.route ?? r.path} ${r.status}`)

/**
 * Runs a test that abandons SDK calls on a fake and proxy of its own, stopped at its end: the SDK keeps
 * retrying an abandoned call for seconds, and its late requests must not land in a later test's fake.
 */
async function isolated(test: (own: InfisicalFake, ownProxy: FaultProxy) => Promise<void>): Promise<void> {
  const own = await startInfisicalFake()
  const ownProxy = await startFaultProxy({ target: own.siteUrl, isRead: isSecretRead })
  try {
    await test(own, ownProxy)
  } finally {
    await ownProxy.close()
    await own.stop()
  }
}

const storeOn = (own: InfisicalFake, siteUrl: string, overrides: Overrides) =>
  makeStore({ siteUrl, projectId: own.projectId, universalAuth: own.machineIdentity, ...overrides } as Overrides)

describe('reads', () => {
  it('read one name with one GET, as the SDK spells it, expanding references unless told not to', async () => {
    fake.put('dev', '/', 'HOST', 'db.local')
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Infisical's reference syntax
    fake.put('dev', '/', 'URL', 'pg://${HOST}')
    expect(await makeStore().getSecret('URL')).toEqual({ URL: 'pg://db.local' })
    expect(secretRequests()).toEqual([`${ROUTES.get} 200`])
    // The SDK also sends `secretName` and `includeImports`, which the server ignores (it reads `include_imports`,
    // false unless sent): imports are not followed either way.
    expect(fake.requests.at(-1)?.query).toEqual({
      secretName: 'URL',
      workspaceId: fake.projectId,
      environment: 'dev',
      secretPath: '/',
      type: 'shared',
      expandSecretReferences: 'true',
      includeImports: 'false',
      viewSecretValue: 'true',
    })
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Infisical's reference syntax
    expect(await makeStore({ expandSecretReferences: false }).getSecret('URL')).toEqual({ URL: 'pg://${HOST}' })
  })

  it('read a missing secret, a missing folder and a missing tenant as undefined', async () => {
    const store = makeStore()
    expect(await store.getSecret('NOPE')).toEqual({ NOPE: undefined })
    expect(await store.getSecret('no/such/FOLDER')).toEqual({ 'no/such/FOLDER': undefined })
    expect(await store.getSecret('tenant:nobody:KEY')).toEqual({ 'tenant:nobody:KEY': undefined })
    expect(secretRequests()).toEqual([`${ROUTES.get} 404`, `${ROUTES.get} 404`, `${ROUTES.get} 404`])
  })

  it('read a folder with one list request from three cold names up, and fewer names one GET each', async () => {
    for (const key of ['A', 'B', 'C']) fake.put('dev', '/', key, `root-${key}`)
    fake.put('dev', '/app', 'X', 'app-x')
    fake.put('dev', '/app', 'Y', 'app-y')
    fake.put('dev', '/tenant/acme', 'Z', 'acme-z')
    expect(await makeStore().getSecret('A', 'B')).toEqual({ A: 'root-A', B: 'root-B' })
    expect(secretRequests()).toEqual([`${ROUTES.get} 200`, `${ROUTES.get} 200`])

    fake.clearLog()
    expect(await makeStore().getSecret('A', 'B', 'C', 'MISSING')).toEqual({
      A: 'root-A',
      B: 'root-B',
      C: 'root-C',
      MISSING: undefined,
    })
    expect(secretRequests()).toEqual([`${ROUTES.list} 200`])
    expect(fake.requests.at(-1)?.query).toMatchObject({ secretPath: '/', recursive: 'false', include_imports: 'false' })

    // Grouped by folder: the root's four names are one list, the two in /app and the tenant's one are GETs.
    fake.clearLog()
    const mixed = await makeStore().getSecret('A', 'B', 'C', 'D', 'app/X', 'app/Y', 'tenant:acme:Z')
    expect(mixed).toEqual({
      A: 'root-A',
      B: 'root-B',
      C: 'root-C',
      D: undefined,
      'app/X': 'app-x',
      'app/Y': 'app-y',
      'tenant:acme:Z': 'acme-z',
    })
    expect(fake.count(ROUTES.list)).toBe(1)
    expect(fake.count(ROUTES.get)).toBe(3)

    fake.clearLog()
    await makeStore({ listThreshold: 2 }).getSecret('app/X', 'app/Y')
    expect(secretRequests()).toEqual([`${ROUTES.list} 200`])
    expect(fake.requests.at(-1)?.query.secretPath).toBe('/app')
  })

  it('with listThreshold: Infinity, read one name per GET, at most maxConcurrency at once', async () => {
    for (const key of ['A', 'B', 'C', 'D', 'E', 'F']) fake.put('dev', '/', key, key.toLowerCase())
    const store = makeStore({ listThreshold: Number.POSITIVE_INFINITY, maxConcurrency: 2 })
    expect(store.capabilities.batchReads).toBe(false)
    expect(makeStore().capabilities.batchReads).toBe(true)
    await store.getSecret('A')
    fake.configure({ latencyMs: 30 })
    fake.clearLog()
    expect(await store.getSecret('A', 'B', 'C', 'D', 'E', 'F')).toEqual({
      A: 'a',
      B: 'b',
      C: 'c',
      D: 'd',
      E: 'e',
      F: 'f',
    })
    expect([fake.count(ROUTES.get), fake.count(ROUTES.list), fake.peakInFlight]).toEqual([6, 0, 2])
  })

  it('read a list of a folder that does not exist as all missing', async () => {
    expect(await makeStore().getSecret('none/A', 'none/B', 'none/C')).toEqual({
      'none/A': undefined,
      'none/B': undefined,
      'none/C': undefined,
    })
    expect(secretRequests()).toEqual([`${ROUTES.list} 404`])
  })

  it('make one login and one request for 1,000 concurrent readers of cold names', async () => {
    for (const key of ['A', 'B', 'C', 'D']) fake.put('dev', '/', key, key)
    const store = makeStore({ cache: {} })
    const one = await Promise.all(Array.from({ length: 1000 }, () => store.getSecret('A')))
    expect(one.every((r) => r.A === 'A')).toBe(true)
    expect([fake.count(ROUTES.login), fake.count(ROUTES.get)]).toEqual([1, 1])
    fake.clearLog()
    const many = await Promise.all(Array.from({ length: 1000 }, () => store.getSecret('B', 'C', 'D')))
    expect(many.every((r) => r.B === 'B' && r.C === 'C' && r.D === 'D')).toBe(true)
    expect([fake.count(ROUTES.login), fake.count(ROUTES.list), fake.count(ROUTES.get)]).toEqual([0, 1, 0])
  })

  it('never return a hidden value: a value Infisical hides is an AccessDeniedError', async () => {
    const hidden = JSON.stringify({
      secret: { secretKey: 'A', secretValue: '<hidden-by-infisical>', secretValueHidden: true, type: 'shared' },
    })
    proxy.inject(
      { kind: 'status', status: 200, body: hidden, headers: { 'content-type': 'application/json' } },
      { match: isSecretRead },
    )
    const error = await secretStoreRejection(makeStore({ siteUrl: proxy.url }).getSecret('A'))
    expect(error).toBeInstanceOf(AccessDeniedError)
    expect(error.message).not.toContain('<hidden')
  })

  it("read answers that are not Infisical's as unavailable, never as missing, and cache none of them", async () => {
    fake.put('dev', '/', 'A', 'value-a')
    const json = { 'content-type': 'application/json' }
    const answers = [
      { status: 404, body: '<html>Not Found</html>', headers: { 'content-type': 'text/html' } },
      { status: 404, body: JSON.stringify({ message: 'Route not found', error: 'Not Found', statusCode: 404 }) },
      { status: 200, body: '' },
      { status: 200, body: '{"secret":{"secretKey":"A","secr', headers: json },
      { status: 200, body: '{}', headers: json },
      { status: 200, body: '[]', headers: json },
    ]
    const store = makeStore({ siteUrl: proxy.url, cache: {}, retry: false })
    for (const answer of answers) {
      proxy.inject({ kind: 'status', ...answer }, { match: isSecretRead, times: 1 })
      const error = await secretStoreRejection(store.getSecret('A'))
      expect(error, answer.body).toBeInstanceOf(UnavailableError)
      expect(error.message).toMatch(/not Infisical's/)
    }
    expect(await store.getSecret('A')).toEqual({ A: 'value-a' })
  })

  it('report an unknown project as a misconfiguration, not as missing', async () => {
    const error = await secretStoreRejection(makeStore({ projectId: 'no-such-project' }).getSecret('A'))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message).toBe(
      'secret store "InfisicalSecretStore" is misconfigured: Infisical answered 404; check projectId and environment',
    )
  })
})

describe('writes', () => {
  it('update an existing secret with one PATCH, without reading first', async () => {
    fake.put('dev', '/', 'A', 'v1')
    await makeStore().setSecret('A', 'v2')
    expect(secretRequests()).toEqual([`${ROUTES.update} 200`])
    expect(fake.requests.at(-1)?.body).toEqual({
      workspaceId: fake.projectId,
      environment: 'dev',
      secretPath: '/',
      type: 'shared',
      secretValue: 'v2',
    })
    expect(fake.get('dev', '/', 'A')).toMatchObject({ value: 'v2', version: 2 })
  })

  it("create on Infisical's 404; a name the store saw missing or removed is created with one POST", async () => {
    const store = makeStore()
    await store.setSecret('NEW', 'v1')
    expect(secretRequests()).toEqual([`${ROUTES.update} 404`, `${ROUTES.create} 200`])
    fake.clearLog()
    await store.getSecret('OTHER')
    await store.setSecret('OTHER', 'v1')
    await store.removeSecret('NEW')
    await store.setSecret('NEW', 'v2')
    expect(secretRequests()).toEqual([
      `${ROUTES.get} 404`,
      `${ROUTES.create} 200`,
      `${ROUTES.delete} 200`,
      `${ROUTES.create} 200`,
    ])
    expect([fake.get('dev', '/', 'NEW')?.value, fake.get('dev', '/', 'OTHER')?.value]).toEqual(['v2', 'v1'])
  })

  it('create missing folders, parents included, for a name in a new folder or a new tenant', async () => {
    const store = makeStore({ secretPath: '/services/payments' })
    await store.setSecret('tenant:acme:STRIPE_KEY', 'sk-acme')
    expect(secretRequests()).toEqual([`${ROUTES.update} 404`, `${ROUTES.createFolder} 200`, `${ROUTES.create} 200`])
    expect(fake.requests.find((r) => r.route === ROUTES.createFolder)?.body).toEqual({
      workspaceId: fake.projectId,
      environment: 'dev',
      name: 'acme',
      path: '/services/payments/tenant',
    })
    expect(fake.get('dev', '/services/payments/tenant/acme', 'STRIPE_KEY')?.value).toBe('sk-acme')
    fake.clearLog()
    await store.setSecret('tenant:acme:OTHER', 'v')
    expect(secretRequests()).toEqual([`${ROUTES.update} 404`, `${ROUTES.create} 200`])
  })

  it('update after all when someone else created the secret meanwhile (400 on create)', async () => {
    const store = makeStore()
    expect(await store.getSecret('RACE')).toEqual({ RACE: undefined })
    fake.put('dev', '/', 'RACE', 'theirs')
    fake.clearLog()
    await store.setSecret('RACE', 'mine')
    expect(secretRequests()).toEqual([`${ROUTES.create} 400`, `${ROUTES.update} 200`])
    expect(fake.get('dev', '/', 'RACE')?.value).toBe('mine')
  })

  it('refuse, without a request, values Infisical would not store as written', async () => {
    const store = makeStore()
    for (const value of [' padded', 'padded ', 'two newlines\n\n', '\ttab', 'nbsp\u00a0']) {
      const error = await secretStoreRejection(store.setSecret('A', value))
      expect(error, JSON.stringify(value)).toBeInstanceOf(InvalidSecretValueError)
      expect(error.message).not.toContain(value.trim())
    }
    const tenant = await secretStoreRejection(store.setSecret('tenant:acme:A', ' padded'))
    expect(tenant.secretName).toBe('tenant:acme:A')
    expect(secretRequests()).toEqual([])
    await store.setSecret('PEM', '-----BEGIN KEY-----\nabc\n-----END KEY-----\n')
    expect(fake.get('dev', '/', 'PEM')?.value).toBe('-----BEGIN KEY-----\nabc\n-----END KEY-----\n')
    expect(await makeStore().getSecret('PEM')).toEqual({ PEM: '-----BEGIN KEY-----\nabc\n-----END KEY-----\n' })
  })

  it('remove with one DELETE; a missing name or folder resolves; purge is the same delete', async () => {
    fake.put('dev', '/', 'A', 'v1')
    fake.put('dev', '/', 'B', 'v1')
    const store = makeStore()
    await store.removeSecret('A')
    await store.removeSecret('A')
    await store.removeSecret('no/folder/A')
    await store.removeSecret('B', { purge: true })
    expect(secretRequests()).toEqual([
      `${ROUTES.delete} 200`,
      `${ROUTES.delete} 404`,
      `${ROUTES.delete} 404`,
      `${ROUTES.delete} 200`,
    ])
    expect(fake.requests.at(-1)?.body).toEqual({
      workspaceId: fake.projectId,
      environment: 'dev',
      secretPath: '/',
      type: 'shared',
    })
    expect([fake.get('dev', '/', 'A'), fake.get('dev', '/', 'B')]).toEqual([undefined, undefined])
  })

  it("turn Infisical's refusals into typed errors: role denials, folder creation, an unknown environment", async () => {
    fake.put('dev', '/', 'A', 'v1')
    const store = makeStore()
    fake.configure({ denied: ['edit', 'createFolder'] })
    const denied = await secretStoreRejection(store.setSecret('A', 'v2'))
    expect(denied).toBeInstanceOf(AccessDeniedError)
    expect(denied.message).toBe('access denied to "A": Infisical answered 403 (permission denied)')
    expect(await secretStoreRejection(store.setSecret('new/B', 'v'))).toBeInstanceOf(AccessDeniedError)
    expect(fake.count(ROUTES.login)).toBe(1)
    fake.configure({ denied: [] })
    const nowhere = await secretStoreRejection(makeStore({ environment: 'qa' }).setSecret('app/B', 'v'))
    expect(nowhere).toBeInstanceOf(ConfigurationError)
    expect(fake.get('dev', '/', 'A')?.value).toBe('v1')
  })
})

describe('deadlines and retries', () => {
  it("give a dead server's typed error within the store's timeout, although the SDK retries for 15 s", async () => {
    const port = await freeLoopbackPort()
    const deadline = { timeoutMs: 1_500, attemptTimeoutMs: 500 }
    // Universal auth: the SDK retries the login; with an access token: the SDK retries the secret request.
    for (const overrides of [{}, { accessToken: 'token' }]) {
      const store = makeStore({ siteUrl: `http://127.0.0.1:${port}`, ...deadline, ...overrides })
      const calls = [
        // A read is retried by the store until its deadline; writes get one attempt.
        { call: () => store.getSecret('A'), within: deadline.timeoutMs },
        { call: () => store.setSecret('A', 'v'), within: deadline.attemptTimeoutMs },
        // Held behind the abandoned write to the same secret, which the SDK still retries.
        { call: () => store.removeSecret('A'), within: deadline.attemptTimeoutMs },
      ]
      for (const { call, within } of calls) {
        const started = Date.now()
        const error = await secretStoreRejection(call())
        expect(Date.now() - started).toBeLessThan(within + 400)
        expect(error).toBeInstanceOf(UnavailableError)
        expect(error.retryable).toBe(true)
      }
    }
  })

  it('share one login among every caller while Infisical does not answer it', async () => {
    const other = await startInfisicalFake()
    try {
      other.failNext({ drop: true, route: ROUTES.login, times: 100 })
      const store = new InfisicalSecretStore({
        siteUrl: other.siteUrl,
        projectId: other.projectId,
        environment: 'dev',
        universalAuth: other.machineIdentity,
        timeoutMs: 1_200,
        attemptTimeoutMs: 400,
      })
      stores.push(store)
      const errors = await Promise.all(
        Array.from({ length: 20 }, (_, i) => secretStoreRejection(store.getSecret(`N${i}`))),
      )
      expect(errors.every((e) => e instanceof UnavailableError)).toBe(true)
      // The SDK's first try and at most its first retry (1 s later): one login at a time, not one per caller.
      expect(other.count(ROUTES.login)).toBeGreaterThanOrEqual(1)
      expect(other.count(ROUTES.login)).toBeLessThanOrEqual(2)
    } finally {
      await other.stop()
    }
  })

  it("bound the SDK's own retries of a 429 by the attempt; its Retry-After is lost", () =>
    isolated(async (own) => {
      own.put('dev', '/', 'A', 'v1')
      const store = storeOn(own, own.siteUrl, { timeoutMs: 2_000, attemptTimeoutMs: 2_000, retry: false })
      await store.getSecret('A')
      own.clearLog()
      own.failNext({ status: 429, route: ROUTES.get, times: 10 })
      const started = Date.now()
      const error = (await secretStoreRejection(store.getSecret('A'))) as UnavailableError
      expect(error).toBeInstanceOf(UnavailableError)
      expect(error.retryable).toBe(true)
      expect(error.retryAfterMs).toBeUndefined()
      expect(Date.now() - started).toBeLessThan(2_000 + 500)
      // The SDK's first try and its retry after about 1 s; the next one (about 2 s later) is past the attempt.
      expect(own.count(ROUTES.get)).toBe(2)
    }))

  it("give up a throttled read once the SDK has, and retry it by the store's policy", async () => {
    fake.put('dev', '/', 'A', 'v1')
    const store = makeStore({ retry: { attempts: 2, baseDelayMs: 0 } })
    await store.getSecret('A')
    const timers = fastSdkTimers()
    try {
      fake.clearLog()
      fake.failNext({ status: 429, route: ROUTES.get, times: 10 })
      const error = (await secretStoreRejection(store.getSecret('A'))) as UnavailableError
      expect(error).toBeInstanceOf(UnavailableError)
      expect(error.message).toContain('Infisical answered 429')
      // Five requests per store attempt: the SDK's retries multiply with the store's.
      expect(fake.count(ROUTES.get)).toBe(10)
    } finally {
      timers.restore()
    }
  })

  it("retry a read by the store's policy when the SDK does not (a 503)", async () => {
    fake.put('dev', '/', 'A', 'v1')
    const store = makeStore({ retry: { attempts: 3, baseDelayMs: 0 } })
    await store.getSecret('A')
    fake.clearLog()
    fake.failNext({ status: 503, route: ROUTES.get, times: 2 })
    expect(await store.getSecret('A')).toEqual({ A: 'v1' })
    expect(secretRequests()).toEqual([`${ROUTES.get} 503`, `${ROUTES.get} 503`, `${ROUTES.get} 200`])
  })

  it('wait, for the next write to a secret, until the SDK has given up an abandoned one', () =>
    isolated(async (own, ownProxy) => {
      const store = storeOn(own, ownProxy.url, { timeoutMs: 600, attemptTimeoutMs: 300 })
      await store.setSecret('A', 'v1')
      own.clearLog()
      // The update hangs: its caller stops at 300 ms, the SDK's request waits for its own 10 s timeout.
      ownProxy.inject({ kind: 'blackhole' }, { match: (r) => r.method === 'PATCH', times: 1 })
      expect(await secretStoreRejection(store.setSecret('A', 'v2'))).toBeInstanceOf(UnavailableError)
      expect(await secretStoreRejection(store.removeSecret('A'))).toBeInstanceOf(UnavailableError)
      // The remove never went out while the abandoned update might still land; other names are not held up.
      expect(own.count(ROUTES.delete)).toBe(0)
      await store.setSecret('B', 'v')
      expect(own.get('dev', '/', 'B')?.value).toBe('v')
    }))

  it('stop waiting for a request that outlasts the attempt timeout', () =>
    isolated(async (own, ownProxy) => {
      own.put('dev', '/', 'A', 'v1')
      const store = storeOn(own, ownProxy.url, { attemptTimeoutMs: 300, timeoutMs: 1_000, retry: false })
      await store.getSecret('A')
      ownProxy.inject({ kind: 'blackhole' }, { match: isSecretRead })
      const started = Date.now()
      const error = await secretStoreRejection(store.getSecret('A'))
      expect(error).toBeInstanceOf(UnavailableError)
      expect(Date.now() - started).toBeLessThan(900)
    }))

  it('map a throttled login, after the SDK gave up, as unavailable', async () => {
    const timers = fastSdkTimers()
    try {
      fake.failNext({ status: 429, route: ROUTES.login, times: 5 })
      const error = await secretStoreRejection(makeStore({ retry: false }).getSecret('A'))
      expect(error).toBeInstanceOf(UnavailableError)
      expect(error.message).toContain('Infisical (universal auth login) answered 429')
      expect(fake.count(ROUTES.login)).toBe(5)
    } finally {
      timers.restore()
    }
  })
})

describe('options', () => {
  const base = () => ({ projectId: fake.projectId, environment: 'dev', universalAuth: fake.machineIdentity })

  it('are checked when the store is built, naming the bad one', () => {
    const bad: Array<[object, RegExp]> = [
      [{ ...base(), accessToken: 't' }, /exactly one of universalAuth or accessToken/],
      [{ projectId: 'p', environment: 'dev' }, /exactly one of universalAuth or accessToken/],
      [{ ...base(), universalAuth: { clientId: '', clientSecret: 's' } }, /universalAuth.clientId/],
      [{ ...base(), universalAuth: { clientId: 'c' } }, /universalAuth.clientSecret/],
      [{ ...base(), projectId: '' }, /projectId/],
      [{ ...base(), environment: undefined }, /environment/],
      [{ ...base(), siteUrl: 'ftp://x' }, /siteUrl/],
      [{ ...base(), siteUrl: 'not a url' }, /siteUrl/],
      [{ ...base(), secretPath: '/a b' }, /secretPath/],
      [{ ...base(), expandSecretReferences: 'yes' }, /expandSecretReferences/],
      [{ ...base(), listThreshold: 1 }, /listThreshold/],
      [{ ...base(), listThreshold: 2.5 }, /listThreshold/],
      [
        { ...base(), secretPth: '/app' },
        /unknown option "secretPth" \(did you mean "secretPath"\?\); accepted options: /,
      ],
    ]
    for (const [options, message] of bad) {
      expect(() => new InfisicalSecretStore(options as InfisicalSecretStoreOptions), String(message)).toThrow(message)
      expect(() => new InfisicalSecretStore(options as InfisicalSecretStoreOptions), String(message)).toThrow(
        ConfigurationError,
      )
    }
  })

  it("refuse PURISTA's service token (bearerToken) with the machine-identity options to use instead", () => {
    // As `@purista/infisical-secret-store` is built: an HTTP client config with a service token.
    const serviceToken = 'st.6f1c9e0b.4c7e-token-secret-part.0a1b2c3d4e5f'
    const purista = { enableGet: true, bearerToken: serviceToken, baseUrl: 'https://app.infisical.com' }
    let error: unknown
    try {
      new InfisicalSecretStore(purista as unknown as InfisicalSecretStoreOptions)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as Error).message).toContain('service tokens (bearerToken')
    expect((error as Error).message).toContain('universalAuth: { clientId, clientSecret }')
    expect(`${(error as Error).message}${JSON.stringify(error)}`).not.toContain(serviceToken)
  })

  it('keep the credentials out of every form of the store', async () => {
    fake.put('dev', '/', 'A', 'value-visible-only-in-reads')
    const store = makeStore({ siteUrl: `${fake.siteUrl}/` })
    expect(await store.getSecret('A')).toEqual({ A: 'value-visible-only-in-reads' })
    const token = fake.requests.at(-1)?.token as string
    for (const form of [inspect(store, { depth: 10, showHidden: true }), JSON.stringify(store)]) {
      for (const hidden of [fake.machineIdentity.clientSecret, token, 'value-visible-only-in-reads']) {
        expect(form.includes(hidden)).toBe(false)
      }
    }
    expect(
      (await secretStoreRejection(makeStore({ accessToken: 'not-a-jwt' }).getSecret('A'))) as SecretStoreError,
    ).toBeInstanceOf(AccessDeniedError)
  })
})
