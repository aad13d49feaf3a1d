import { AccessDeniedError, type SecretStoreLogger } from '@secret-store/core'
import { secretStoreRejection } from '@secret-store/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { tokenTtlSeconds } from '../src/auth.js'
import { InfisicalSecretStore, type InfisicalSecretStoreOptions } from '../src/index.js'
import { LOGIN, loggedInSdk, REJECTED, RENEWED, recordingLogger } from './support/infisical.js'
import { type InfisicalFake, ROUTES, startInfisicalFake } from './support/infisical-fake.js'

// Universal auth through the real SDK against the fake: login, renewal, re-login. The fake's clock runs
// ahead of the store's by `skew` (a token expiring behind the store's back); a faked Date moves both.
let fake: InfisicalFake
let skew = 0
const stores: InfisicalSecretStore[] = []

beforeAll(async () => {
  fake = await startInfisicalFake({ now: () => Date.now() + skew })
})
afterEach(async () => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  for (const store of stores.splice(0)) await store.destroy()
  fake.reset()
  skew = 0
})
afterAll(async () => {
  await fake?.stop()
})

function makeStore(logger: SecretStoreLogger, overrides: Partial<InfisicalSecretStoreOptions> = {}) {
  const store = new InfisicalSecretStore({
    siteUrl: fake.siteUrl,
    projectId: fake.projectId,
    environment: 'dev',
    universalAuth: fake.machineIdentity,
    cache: false,
    logger,
    ...overrides,
  } as InfisicalSecretStoreOptions)
  stores.push(store)
  return store
}

/** The bearer tokens of the fake's logged secret reads, in order. */
const readTokens = () => fake.requests.filter((r) => r.route === ROUTES.get).map((r) => r.token)

/** Waits (briefly, on real timers) until a background step shows in the fake's log. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve))
  if (!condition()) throw new Error(`never happened: ${what}`)
}

/** Records the timers src/auth.ts starts (and still starts them), so that a test can fire one itself. */
function renewalTimers() {
  const real = globalThis.setTimeout
  const started: Array<{ fn: () => void; ms: number }> = []
  vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
    // The first frame past this spy: a timer of the session itself, not one of the SDK it calls.
    const frames = new Error().stack?.split('\n').slice(1) ?? []
    const caller = frames.find((frame) => !frame.includes('auth.test.ts') && !frame.includes('@vitest/spy'))
    if (caller?.includes('/src/auth.ts')) started.push({ fn, ms: ms ?? 0 })
    return real(fn, ms)
  }) as typeof setTimeout)
  return {
    started,
    fire() {
      const last = started.at(-1)
      if (last === undefined) throw new Error('no timer started')
      last.fn()
    },
  }
}

describe('universal auth', () => {
  it('logs in once for 200 concurrent first callers, and sends the token as a bearer header', async () => {
    for (const key of ['A', 'B']) fake.put('dev', '/', key, key)
    const logger = recordingLogger()
    const store = makeStore(logger)
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => store.getSecret(i % 2 ? 'A' : 'B')))
    expect(results.every((r) => Object.values(r)[0] !== undefined)).toBe(true)
    expect(fake.count(ROUTES.login)).toBe(1)
    expect(logger.count(LOGIN)).toBe(1)
    expect(fake.requests[0]?.body).toEqual(fake.machineIdentity)
    expect(new Set(readTokens()).size).toBe(1)
    expect(readTokens()[0]).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
  })

  it('renews the token on a timer at 2/3 of its TTL, and sends the renewed one', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    fake.configure({ tokenTtlSeconds: 60, maxTtlSeconds: 3_600 })
    fake.put('dev', '/', 'A', '1')
    const timers = renewalTimers()
    const logger = recordingLogger()
    const store = makeStore(logger)
    await store.getSecret('A')
    const [first] = readTokens()
    const delay = timers.started.at(-1)?.ms
    expect(timers.started).toHaveLength(1)
    expect(delay).toBeGreaterThan(39_000)
    expect(delay).toBeLessThanOrEqual(40_000)
    vi.setSystemTime(Date.now() + 40_000)
    timers.fire()
    await until(() => logger.count(RENEWED) === 1, 'the renewal')
    expect(fake.requests.find((r) => r.route === ROUTES.renew)).toMatchObject({ status: 200, token: first })
    await store.getSecret('A')
    expect(readTokens()[1]).not.toBe(first)
    expect([fake.count(ROUTES.login), fake.count(ROUTES.renew)]).toEqual([1, 1])
  })

  it('renews on the first request past 2/3 of the TTL when the timer is late, without holding it up', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    fake.configure({ tokenTtlSeconds: 60, maxTtlSeconds: 3_600 })
    fake.put('dev', '/', 'A', '1')
    const logger = recordingLogger()
    const store = makeStore(logger)
    await store.getSecret('A')
    vi.setSystemTime(Date.now() + 41_000)
    expect(await store.getSecret('A')).toEqual({ A: '1' })
    await until(() => logger.count(RENEWED) === 1, 'the renewal')
    await store.getSecret('A')
    const [first, second, third] = readTokens()
    expect(second).toBe(first)
    expect(third).not.toBe(first)
    expect(fake.count(ROUTES.login)).toBe(1)
  })

  it('logs in afresh when the renewal is refused past the max TTL, and no call fails', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    fake.configure({ tokenTtlSeconds: 60, maxTtlSeconds: 80 })
    fake.put('dev', '/', 'A', '1')
    const logger = recordingLogger()
    const store = makeStore(logger)
    await store.getSecret('A')
    vi.setSystemTime(Date.now() + 41_000)
    // Renewing now would run to 101 s, past the 80 s max TTL: refused, and the token is deleted.
    const reads = await Promise.all(Array.from({ length: 20 }, () => store.getSecret('A')))
    expect(reads.every((r) => r.A === '1')).toBe(true)
    await until(() => logger.count(LOGIN) === 2, 'the second login')
    expect(fake.requests.filter((r) => r.route === ROUTES.renew).map((r) => r.status)).toEqual([401])
    await store.getSecret('A')
    expect(fake.requests.at(-1)).toMatchObject({ route: ROUTES.get, status: 200 })
    expect(fake.count(ROUTES.login)).toBe(2)
  })

  it('survives a token expiring behind its back with one login and no failed call', async () => {
    fake.configure({ tokenTtlSeconds: 60 })
    for (const key of ['A', 'B', 'C', 'D']) fake.put('dev', '/', key, key)
    const logger = recordingLogger()
    const store = makeStore(logger, { listThreshold: Number.POSITIVE_INFINITY })
    await store.getSecret('A')
    skew = 61_000
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => store.getSecret('ABCD'[i % 4] as string)))
    expect(results.map((r) => Object.values(r)[0])).toEqual(Array.from({ length: 40 }, (_, i) => 'ABCD'[i % 4]))
    expect(fake.count(ROUTES.login)).toBe(2)
    // 40 callers of 4 names: 4 reads (coalesced per name), each refused once, then retried after the one login.
    expect(fake.requests.filter((r) => r.route === ROUTES.get).map((r) => r.status)).toEqual([
      200, 403, 403, 403, 403, 200, 200, 200, 200,
    ])
    expect(logger.count(LOGIN)).toBe(2)
    expect(logger.count(REJECTED)).toBeGreaterThanOrEqual(1)
  })

  it('retries a call rejected for its token exactly once, after one new login', async () => {
    fake.put('dev', '/', 'A', '1')
    const store = makeStore(recordingLogger())
    await store.getSecret('A')
    fake.revokeTokens()
    expect(await store.getSecret('A')).toEqual({ A: '1' })
    expect(fake.count(ROUTES.login)).toBe(2)
    fake.clearLog()
    fake.failNext({ status: 401, route: ROUTES.get, times: 3 })
    const error = await secretStoreRejection(store.getSecret('A'))
    expect(error).toBeInstanceOf(AccessDeniedError)
    expect(error.message).toContain('Infisical answered 401 (the access token was rejected)')
    expect([fake.count(ROUTES.get), fake.count(ROUTES.login)]).toEqual([2, 1])
  })

  it("does not log in again when the identity's role denies the call", async () => {
    fake.put('dev', '/', 'A', '1')
    const store = makeStore(recordingLogger())
    await store.getSecret('A')
    fake.configure({ denied: ['read'] })
    expect(await secretStoreRejection(store.getSecret('A'))).toBeInstanceOf(AccessDeniedError)
    expect(fake.count(ROUTES.login)).toBe(1)
  })

  it('refuses wrong credentials with one login request per call, so retries cannot lock the identity', async () => {
    const store = makeStore(recordingLogger(), {
      universalAuth: { ...fake.machineIdentity, clientSecret: 'wrong-secret-wrong-secret' },
    } as Partial<InfisicalSecretStoreOptions>)
    const error = await secretStoreRejection(store.getSecret('A'), ['wrong-secret-wrong-secret'])
    expect(error).toBeInstanceOf(AccessDeniedError)
    expect(error.message).toContain('universal auth login (401)')
    expect(fake.count(ROUTES.login)).toBe(1)
  })

  it('with a given access token, never logs in: a rejected token is access denied', async () => {
    fake.put('dev', '/', 'A', '1')
    const token = (await loggedInSdk(fake)).auth().getAccessToken() as string
    fake.clearLog()
    const store = makeStore(recordingLogger(), { accessToken: token, universalAuth: undefined } as never)
    expect(await store.getSecret('A')).toEqual({ A: '1' })
    fake.revokeTokens()
    expect(await secretStoreRejection(store.getSecret('A'), [token])).toBeInstanceOf(AccessDeniedError)
    expect(fake.count(ROUTES.login)).toBe(0)
  })

  it('stops renewing once destroyed', async () => {
    fake.configure({ tokenTtlSeconds: 60, maxTtlSeconds: 3_600 })
    fake.put('dev', '/', 'A', '1')
    const timers = renewalTimers()
    const store = makeStore(recordingLogger())
    await store.getSecret('A')
    expect(timers.started).toHaveLength(1)
    await store.destroy()
    timers.fire()
    await new Promise((resolve) => setImmediate(resolve))
    expect(fake.count(ROUTES.renew)).toBe(0)
  })
})

describe('tokenTtlSeconds', () => {
  const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`

  it('reads the TTL from the iat and exp claims, and nothing from a token without them', () => {
    expect(tokenTtlSeconds(jwt({ iat: 1_000, exp: 1_060 }))).toBe(60)
    expect(tokenTtlSeconds(jwt({ iat: 1_000 }))).toBeUndefined()
    expect(tokenTtlSeconds(jwt({ iat: 1_000, exp: 900 }))).toBeUndefined()
    expect(tokenTtlSeconds('not-a-jwt')).toBeUndefined()
    expect(tokenTtlSeconds('a.%%%.c')).toBeUndefined()
  })
})
