import {
  AccessDeniedError,
  bindSecrets,
  DefaultSecretStore,
  isAuthenticationError,
  UnavailableError,
  withSecrets,
} from '@secret-store/core'
import { afterEach, describe, expect, it, vi } from 'vitest'

/** The backend's map, counting reads per name. */
class CountingMap extends Map<string, string> {
  readonly reads = new Map<string, number>()
  override get(name: string): string | undefined {
    this.reads.set(name, (this.reads.get(name) ?? 0) + 1)
    return super.get(name)
  }
  total(): number {
    return [...this.reads.values()].reduce((a, b) => a + b, 0)
  }
}

/** A downstream system that accepts only its current password, failing like a PostgreSQL driver. */
function database(password: string) {
  const db = { password, logins: 0, rejected: 0 }
  const connect = async (given: string | undefined) => {
    await new Promise((resolve) => setImmediate(resolve))
    if (given !== db.password) {
      db.rejected++
      throw Object.assign(new Error('password authentication failed for user "app"'), { code: '28P01' })
    }
    db.logins++
    return 'connected'
  }
  return { db, connect }
}

function setup() {
  const map = new CountingMap()
  map.set('dbPassword', 'old')
  map.set('apiKey', 'key')
  const store = new DefaultSecretStore({ map })
  return { map, store }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('withSecrets', () => {
  it('runs the work with the secrets, and after a rejected password reads them again once and retries once', async () => {
    const { map, store } = setup()
    const { db, connect } = database('old')
    expect(await withSecrets(store, ['dbPassword'], ({ dbPassword }) => connect(dbPassword))).toBe('connected')
    // Rotation: the backend and the database change; the store's cache still holds the old password.
    map.set('dbPassword', 'new')
    db.password = 'new'
    map.reads.clear()
    expect(await withSecrets(store, ['dbPassword'], ({ dbPassword }) => connect(dbPassword))).toBe('connected')
    expect(db.rejected).toBe(1)
    expect(map.reads.get('dbPassword')).toBe(1)
    // The refreshed value is in the cache for everyone else.
    expect(await store.getSecret('dbPassword')).toEqual({ dbPassword: 'new' })
    expect(map.reads.get('dbPassword')).toBe(1)
  })

  it('a rotation storm of 200 concurrent callers makes one backend read per name', async () => {
    const { map, store } = setup()
    await store.getSecret('dbPassword', 'apiKey')
    map.set('dbPassword', 'new')
    const { db, connect } = database('new')
    map.reads.clear()
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        withSecrets(store, ['dbPassword', 'apiKey'], ({ dbPassword }) => connect(dbPassword)),
      ),
    )
    expect(results.every((r) => r === 'connected')).toBe(true)
    expect(db.rejected).toBe(200)
    expect(Object.fromEntries(map.reads)).toEqual({ dbPassword: 1, apiKey: 1 })
  })

  it('a caller that fails with the old value after the refresh has finished takes its result', async () => {
    const { map, store } = setup()
    await store.getSecret('dbPassword')
    map.set('dbPassword', 'new')
    const { db, connect } = database('new')
    map.reads.clear()
    let releaseSlow: () => void = () => {}
    const slowStarted = new Promise<void>((resolve) => {
      releaseSlow = resolve
    })
    // The slow caller reads the old value now, and fails only after the fast caller's refresh is done.
    const slow = withSecrets(store, ['dbPassword'], async ({ dbPassword }) => {
      if (dbPassword === 'old') await slowStarted
      return connect(dbPassword)
    })
    expect(await withSecrets(store, ['dbPassword'], ({ dbPassword }) => connect(dbPassword))).toBe('connected')
    expect(map.reads.get('dbPassword')).toBe(1)
    releaseSlow()
    expect(await slow).toBe('connected')
    expect(db.rejected).toBe(2)
    expect(map.reads.get('dbPassword')).toBe(1)
  })

  it('after the reuse window, a failure with the same old value reads again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const { map, store } = setup()
    const { connect } = database('never-matches')
    map.reads.clear()
    const attempt = () =>
      withSecrets(store, ['dbPassword'], ({ dbPassword }) => connect(dbPassword), { reuseRefreshMs: 1_000 })
    await expect(attempt()).rejects.toMatchObject({ code: '28P01' })
    await expect(attempt()).rejects.toMatchObject({ code: '28P01' })
    expect(map.reads.get('dbPassword')).toBe(2) // the first cold read, then one refresh shared by both
    vi.setSystemTime(Date.now() + 1_500)
    await expect(attempt()).rejects.toMatchObject({ code: '28P01' })
    expect(map.reads.get('dbPassword')).toBe(3)
  })

  it('lets other failures through without a read, and a second rejection too', async () => {
    const { map, store } = setup()
    await store.getSecret('dbPassword')
    map.reads.clear()
    const boom = new Error('syntax error at or near "selec"')
    await expect(
      withSecrets(store, ['dbPassword'], () => {
        throw boom
      }),
    ).rejects.toBe(boom)
    expect(map.total()).toBe(0)
    // The password was rotated in the database but not yet in the backend: one refresh, then the error.
    const { connect } = database('rotated-elsewhere')
    await expect(withSecrets(store, ['dbPassword'], ({ dbPassword }) => connect(dbPassword))).rejects.toMatchObject({
      code: '28P01',
    })
    expect(map.reads.get('dbPassword')).toBe(1)
  })

  it('takes a predicate of the caller, and works through a bindSecrets view', async () => {
    const { map, store } = setup()
    map.set('tenant:acme:token', 'old')
    const view = bindSecrets(store, { tenant: 'acme', names: ['token'] })
    await view.getSecret('token')
    map.set('tenant:acme:token', 'new')
    const seen: Array<string | undefined> = []
    const result = await withSecrets(
      view,
      ['token'],
      ({ token }) => {
        seen.push(token)
        if (token !== 'new') throw Object.assign(new Error('expired'), { kind: 'expired-token' })
        return 'ok'
      },
      { isAuthError: (error) => (error as { kind?: string }).kind === 'expired-token' },
    )
    expect(result).toBe('ok')
    expect(seen).toEqual(['old', 'new'])
  })
})

describe('isAuthenticationError', () => {
  it.each([
    ['HTTP 401 status', { status: 401 }],
    ['HTTP 401 statusCode', { statusCode: 401 }],
    ['axios-style response', { response: { status: 401 } }],
    ['AWS SDK metadata', { name: 'UnrecognizedClientException', $metadata: { httpStatusCode: 400 } }],
    ['PostgreSQL', { code: '28P01' }],
    ['MySQL', { code: 'ER_ACCESS_DENIED_ERROR' }],
    ['SQL Server', { code: 'ELOGIN' }],
    ['MongoDB', { codeName: 'AuthenticationFailed', code: 18 }],
    ['Redis', new Error('WRONGPASS invalid username-password pair or user is disabled.')],
    ['OAuth', { error: 'invalid_client' }],
    ['a wrapped cause', new Error('query failed', { cause: { code: '28P01' } })],
  ])('recognises %s', (_label, error) => {
    expect(isAuthenticationError(error)).toBe(true)
  })

  it.each([
    ['a 403 (permission, not credentials)', { status: 403 }],
    ['a 500', { status: 500 }],
    ['a syntax error', new Error('syntax error')],
    ['the secret store denying access', new AccessDeniedError('policy', { store: 's' })],
    ['the secret store being down', new UnavailableError('down', { store: 's' })],
    ['not an object', 'unauthorized'],
    ['undefined', undefined],
  ])('does not count %s', (_label, error) => {
    expect(isAuthenticationError(error)).toBe(false)
  })
})
