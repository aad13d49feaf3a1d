/**
 * DaprSecretStore against real daprd sidecars (test/support/daprd.ts), reading through @dapr/dapr's
 * DaprClient: multi-valued secrets, the env store, scoping, an unknown store, bulk versus per-secret request
 * counts (counted by a fault proxy), names the SDK garbles unless encoded, the API token, redirects, and a
 * sidecar that is not there or comes up late.
 */
import { CommunicationProtocolEnum, DaprClient, LogLevel } from '@dapr/dapr'
import {
  AccessDeniedError,
  ConfigurationError,
  InvalidSecretNameError,
  type SecretStoreError,
  type StoreBaseOptions,
  UnavailableError,
} from '@secret-store/core'
import {
  type FaultProxy,
  freeLoopbackPort,
  type ProxiedRequest,
  rejectionOf,
  startFaultProxy,
} from '@secret-store/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DaprSecretStore, type DaprSecretStoreOptions } from '../src/index.js'
import { DAPRD_STORES, type Daprd, type SecretsJson, startDaprd } from './support/daprd.js'

const SECRETS: SecretsJson = {
  'db-password': 's3cret',
  empty: '',
  denied: 'not for you',
  db: { user: 'admin', password: 'pw' },
  deep: { a: { b: 'c' } },
  'a/b': 'slash',
  'q?x': 'query',
  'h#x': 'hash',
  'p%41': 'percent',
  'with space': 'space',
}
const { file, multiValued, env } = DAPRD_STORES

const isSecretsRead = (request: ProxiedRequest) => request.method === 'GET' && request.path.startsWith('/v1.0/secrets/')
/** The SDK's request for the sidecar's metadata: how it (and the store before it) checks that the sidecar is up. */
const isMetadataProbe = (request: ProxiedRequest) => request.path === '/v1.0/metadata'

/**
 * A proxy in front of a daprd that counts the secrets API's GETs and logs their paths (below the store),
 * and counts the probes of the wait for the sidecar.
 */
async function counted(daprd: Daprd) {
  const proxy = await startFaultProxy({ target: daprd.httpEndpoint, isRead: isSecretsRead })
  const paths = () =>
    proxy.stats.log.filter(isSecretsRead).map((request) => request.path.replace(/^\/v1\.0\/secrets\/[^/]+\//, ''))
  const probes = () => proxy.stats.log.filter(isMetadataProbe).length
  return { proxy, port: Number(new URL(proxy.url).port), paths, probes }
}

const stores: DaprSecretStore[] = []
const make = (options: DaprSecretStoreOptions) => {
  const store = new DaprSecretStore({ cache: false, retry: false, ...options } as DaprSecretStoreOptions)
  stores.push(store)
  return store
}
afterEach(async () => {
  for (const store of stores.splice(0)) await store.destroy()
})

describe('DaprSecretStore on a daprd with local stores', () => {
  let daprd: Daprd
  let proxy: FaultProxy
  let port: number
  let paths: () => string[]
  const on = (secretStoreName: string, options: Partial<DaprSecretStoreOptions> = {}) =>
    make({ secretStoreName, daprHost: '127.0.0.1', daprPort: port, ...options } as DaprSecretStoreOptions)

  beforeAll(async () => {
    daprd = await startDaprd({
      secrets: SECRETS,
      env: { GREETING: 'hello', EMPTY_VARIABLE: '' },
      secretScopes: { [file]: { deniedSecrets: ['denied'] } },
    })
    ;({ proxy, port, paths } = await counted(daprd))
  })
  afterAll(async () => {
    await proxy?.close()
    await daprd?.stop()
  })
  afterEach(() => {
    proxy.clear()
    proxy.resetRequestStats()
  })

  describe('multi-valued secrets lose no key', () => {
    it('reads the whole secret as sorted JSON, one key with secret#key', async () => {
      const store = on(multiValued, { bulk: 'never' })
      expect(await store.getSecret('db')).toEqual({ db: '{"password":"pw","user":"admin"}' })
      expect(JSON.parse((await store.getSecret('db')).db as string)).toEqual({ user: 'admin', password: 'pw' })
      expect(await store.getSecret('db#user', 'db#password', 'db#nope')).toEqual({
        'db#user': 'admin',
        'db#password': 'pw',
        'db#nope': undefined,
      })
      // Deeper levels are flattened inside the secret by the component.
      expect(await store.getSecret('deep', 'deep#a:b')).toEqual({ deep: '{"a:b":"c"}', 'deep#a:b': 'c' })
      // A secret of one entry under its own name is that entry's value.
      expect(await store.getSecret('db-password')).toEqual({ 'db-password': 's3cret' })
      expect(await store.getSecret('missing', 'missing#user')).toEqual({
        missing: undefined,
        'missing#user': undefined,
      })
    })

    it('answers the same through the bulk read, with one request for every name of one secret', async () => {
      const store = on(multiValued, { bulk: 'always' })
      expect(await store.getSecret('db', 'db#user', 'deep#a:b', 'db-password', 'missing')).toEqual({
        db: '{"password":"pw","user":"admin"}',
        'db#user': 'admin',
        'deep#a:b': 'c',
        'db-password': 's3cret',
        missing: undefined,
      })
      // One bulk read, then one read that shows `missing` is missing (not refused by scoping).
      expect(paths()).toEqual(['bulk', 'missing'])
      proxy.resetRequestStats()
      expect(await on(multiValued, { bulk: 'auto' }).getSecret('db', 'db#user', 'db#password')).toMatchObject({
        'db#password': 'pw',
      })
      expect(paths()).toEqual(['db'])
    })

    it('keeps every key where the SDK over gRPC keeps one', async () => {
      const grpc = new DaprClient({
        daprHost: daprd.host,
        daprPort: String(daprd.grpcPort),
        communicationProtocol: CommunicationProtocolEnum.GRPC,
        logger: { level: LogLevel.Error },
      })
      try {
        expect(Object.keys(await grpc.secret.get(multiValued, 'db'))).toHaveLength(1)
      } finally {
        await grpc.stop()
      }
      const { db } = await on(multiValued).getSecret('db')
      expect(Object.keys(JSON.parse(db as string))).toEqual(['password', 'user'])
    })

    it('in the plain file store, nested keys are flat secrets and the parent is missing', async () => {
      const store = on(file)
      expect(await store.getSecret('db:user', 'db:password', 'deep:a:b', 'db')).toEqual({
        'db:user': 'admin',
        'db:password': 'pw',
        'deep:a:b': 'c',
        db: undefined,
      })
    })
  })

  describe('missing and empty', () => {
    it('reads an empty value as undefined, in the file and the env store', async () => {
      expect(await on(file).getSecret('empty', 'db-password')).toEqual({ empty: undefined, 'db-password': 's3cret' })
      expect(await on(multiValued).getSecret('empty')).toEqual({ empty: undefined })
    })

    it('the env store: a variable it lacks, an empty one and a DAPR_* one are undefined', async () => {
      const store = on(env, { bulk: 'never' })
      expect(await store.getSecret('GREETING', 'NO_SUCH_VARIABLE', 'EMPTY_VARIABLE', 'DAPR_HOST_IP')).toEqual({
        GREETING: 'hello',
        NO_SUCH_VARIABLE: undefined,
        EMPTY_VARIABLE: undefined,
        DAPR_HOST_IP: undefined,
      })
      // Through the bulk read: the variables it lacks are read alone and answer "".
      expect(await on(env, { bulk: 'always' }).getSecret('GREETING', 'NO_SUCH_VARIABLE')).toEqual({
        GREETING: 'hello',
        NO_SUCH_VARIABLE: undefined,
      })
    })
  })

  describe('errors', () => {
    it('a scoped-out secret is AccessDeniedError, alone and in a bulk read that leaves it out', async () => {
      for (const bulk of ['never', 'always'] as const) {
        const error = (await rejectionOf(on(file, { bulk }).getSecret('db-password', 'denied'))) as SecretStoreError
        expect(error, bulk).toBeInstanceOf(AccessDeniedError)
        expect(error.message).toBe(
          'access denied to "denied": Dapr answered 403 ERR_PERMISSION_DENIED: the store\'s secret scoping refuses this secret',
        )
        expect(error.retryable).toBe(false)
        expect(error.cause).toMatchObject({ name: 'DaprResponseError', code: 'ERR_PERMISSION_DENIED', status: 403 })
      }
    })

    it('an unknown store is a configuration error naming it, for single and bulk reads', async () => {
      for (const names of [['x'], ['x', 'y', 'z']]) {
        const store = on('no-such-store', { bulk: 'always' })
        const error = (await rejectionOf(store.getSecret(...names))) as SecretStoreError
        expect(error).toBeInstanceOf(ConfigurationError)
        expect(error.message).toBe(
          'secret store "DaprSecretStore" is misconfigured: Dapr has no secret store "no-such-store" (401 ERR_SECRET_STORE_NOT_FOUND); check the component\'s metadata.name, its scopes and that it loaded for this app',
        )
        expect(error.retryable).toBe(false)
      }
      expect(paths()).toEqual(['x', 'bulk'])
    })

    it('names no key of the sidecar in messages or causes', async () => {
      const error = (await rejectionOf(on(file).getSecret('denied'))) as SecretStoreError
      expect(JSON.stringify(error)).not.toContain('policy')
      expect(String((error.cause as Error).message)).toBe('ERR_PERMISSION_DENIED 403')
    })
  })

  describe('bulk and per-secret reads', () => {
    const names = ['db-password', 'db:user', 'db:password', 'deep:a:b']

    it("'never' sends one request per name, at most maxConcurrency at once", async () => {
      proxy.inject({ kind: 'delay', ms: 30 })
      expect(await on(file, { bulk: 'never', maxConcurrency: 2 }).getSecret(...names)).toEqual({
        'db-password': 's3cret',
        'db:user': 'admin',
        'db:password': 'pw',
        'deep:a:b': 'c',
      })
      expect(proxy.requestStats()).toEqual({ reads: 4, peakReads: 2 })
      expect(paths().sort()).toEqual(['db%3Apassword', 'db%3Auser', 'db-password', 'deep%3Aa%3Ab'])
    })

    it("'always' sends one bulk request, plus one per name the bulk answer lacks", async () => {
      const store = on(file, { bulk: 'always' })
      expect(await store.getSecret(...names)).toMatchObject({ 'deep:a:b': 'c' })
      expect(paths()).toEqual(['bulk'])
      proxy.resetRequestStats()
      expect(await store.getSecret('db-password', 'nope-1', 'nope-2')).toEqual({
        'db-password': 's3cret',
        'nope-1': undefined,
        'nope-2': undefined,
      })
      expect(paths().sort()).toEqual(['bulk', 'nope-1', 'nope-2'])
    })

    it("'auto' reads two secrets one by one and tries the bulk read from three", async () => {
      const store = on(file)
      await store.getSecret('db-password', 'db:user')
      expect(paths().sort()).toEqual(['db%3Auser', 'db-password'])
      proxy.resetRequestStats()
      await store.getSecret(...names.slice(0, 3))
      expect(paths()).toEqual(['bulk'])
    })

    it("'auto' falls back to single reads when the component refuses the bulk read, and stops trying it", async () => {
      const lines: string[] = []
      const logger = {
        debug() {},
        info() {},
        error() {},
        warn: (_: unknown, message: string) => void lines.push(message),
      }
      proxy.inject(
        {
          kind: 'status',
          status: 500,
          headers: { 'content-type': 'application/json' },
          body: '{"errorCode":"ERR_SECRET_GET","message":"failed getting secrets from secret store local-file: not implemented"}',
        },
        { match: (request) => request.path.endsWith('/bulk') },
      )
      const store = on(file, { logger })
      expect(await store.getSecret(...names.slice(0, 3))).toEqual({
        'db-password': 's3cret',
        'db:user': 'admin',
        'db:password': 'pw',
      })
      expect(paths().sort()).toEqual(['bulk', 'db%3Apassword', 'db%3Auser', 'db-password'])
      expect(lines).toEqual(['the bulk read failed; reading secret by secret'])
      proxy.resetRequestStats()
      await store.getSecret(...names)
      expect(paths()).not.toContain('bulk')
      expect(paths()).toHaveLength(4)
    })
  })

  describe('names on the wire', () => {
    it('reaches every key the SDK garbles, percent-encoding it', async () => {
      const store = on(file, { keySeparator: false, bulk: 'never' })
      expect(await store.getSecret('a/b', 'q?x', 'h#x', 'p%41', 'with space')).toEqual({
        'a/b': 'slash',
        'q?x': 'query',
        'h#x': 'hash',
        'p%41': 'percent',
        'with space': 'space',
      })
      expect(paths().sort()).toEqual(['a%2Fb', 'h%23x', 'p%2541', 'q%3Fx', 'with%20space'])
    })

    it('refuses bulk, . and .. before any request', async () => {
      const store = on(file)
      for (const name of ['bulk', '.', '..', 'bulk#x']) {
        expect(await rejectionOf(store.getSecret(name)), name).toBeInstanceOf(InvalidSecretNameError)
      }
      expect(paths()).toEqual([])
    })

    it('sends per-request metadata with every read, single and bulk', async () => {
      const store = on(file, { metadata: { namespace: 'payments' }, bulk: 'always' })
      await store.getSecret('db-password')
      await store.getSecret('db-password', 'db:user')
      expect(paths()).toEqual(['db-password?metadata.namespace=payments', 'bulk?metadata.namespace=payments'])
    })
  })

  describe('redirects', () => {
    it('are followed by the SDK, API token included (node-fetch forwards it; see the README)', async () => {
      const elsewhere = await startFaultProxy({ target: daprd.httpEndpoint })
      try {
        proxy.inject(
          { kind: 'status', status: 302, headers: { location: `${elsewhere.url}/v1.0/secrets/${file}/db-password` } },
          { match: isSecretsRead },
        )
        expect(await on(file, { apiToken: 'tok' }).getSecret('db-password')).toEqual({ 'db-password': 's3cret' })
        expect(elsewhere.stats.log.map((request) => [request.path, request.headers['dapr-api-token']])).toEqual([
          [`/v1.0/secrets/${file}/db-password`, 'tok'],
        ])
      } finally {
        await elsewhere.close()
      }
    })

    it('to a page that is not the sidecar: UnavailableError, never a missing secret; a loop: UnavailableError', async () => {
      const elsewhere = await startFaultProxy({ target: daprd.httpEndpoint })
      try {
        elsewhere.inject({
          kind: 'status',
          status: 200,
          body: '<html>login</html>',
          headers: { 'content-type': 'text/html' },
        })
        proxy.inject(
          { kind: 'status', status: 302, headers: { location: `${elsewhere.url}/login` } },
          { match: isSecretsRead },
        )
        const page = await rejectionOf(on(file).getSecret('db-password'))
        expect(page).toBeInstanceOf(UnavailableError)
        expect((page as Error).message).toBe(
          'secret backend unavailable: Dapr answered with a body that is not a secret',
        )
        proxy.clear()
        proxy.inject(
          { kind: 'status', status: 302, headers: { location: `${proxy.url}/v1.0/secrets/${file}/db-password` } },
          { match: isSecretsRead },
        )
        const loop = await rejectionOf(on(file).getSecret('db-password'))
        expect(loop).toBeInstanceOf(UnavailableError)
        expect((loop as Error).message).toBe(
          'secret backend unavailable: the sidecar address redirected and the redirect failed (max-redirect)',
        )
      } finally {
        await elsewhere.close()
      }
    })
  })
})

describe('the API token', () => {
  let daprd: Daprd
  const apiToken = 'test-token-4c1e'
  beforeAll(async () => {
    daprd = await startDaprd({ apiToken, secrets: { key: 'value' } })
  })
  afterAll(() => daprd?.stop())
  const at = (options: Partial<DaprSecretStoreOptions>) =>
    make({
      secretStoreName: file,
      daprHost: '127.0.0.1',
      daprPort: daprd.httpPort,
      ...options,
    } as DaprSecretStoreOptions)

  it('is sent as dapr-api-token; without it the sidecar refuses with AccessDeniedError', async () => {
    expect(await at({ apiToken }).getSecret('key')).toEqual({ key: 'value' })
    const error = (await rejectionOf(at({ apiToken: 'bad-token-7f3a' }).getSecret('key'))) as SecretStoreError
    expect(error).toBeInstanceOf(AccessDeniedError)
    expect(error.message).toBe(
      'access denied to "key": Dapr answered 401: the dapr-api-token is missing or wrong (DAPR_API_TOKEN)',
    )
    expect(JSON.stringify(error)).not.toContain('bad-token-7f3a')
    expect(JSON.stringify(error.cause)).not.toContain('bad-token-7f3a')
  })

  it('is taken from an injected DaprClient, and from DAPR_API_TOKEN', async () => {
    const client = new DaprClient({
      daprHost: '127.0.0.1',
      daprPort: String(daprd.httpPort),
      communicationProtocol: CommunicationProtocolEnum.HTTP,
      daprApiToken: apiToken,
      logger: { level: LogLevel.Error },
    })
    expect(await make({ secretStoreName: file, client }).getSecret('key')).toEqual({ key: 'value' })
    const saved = process.env.DAPR_API_TOKEN
    process.env.DAPR_API_TOKEN = apiToken
    try {
      expect(await at({}).getSecret('key')).toEqual({ key: 'value' })
    } finally {
      if (saved === undefined) delete process.env.DAPR_API_TOKEN
      else process.env.DAPR_API_TOKEN = saved
    }
  })
})

describe('a sidecar that is not up', () => {
  const options: StoreBaseOptions = { timeoutMs: 400, attemptTimeoutMs: 200, cache: false }

  async function timed(store: DaprSecretStore): Promise<{ error: unknown; ms: number }> {
    const started = performance.now()
    const error = await rejectionOf(store.getSecret('db-password'))
    return { error, ms: performance.now() - started }
  }

  it('nothing listens: UnavailableError within the store timeout, also with an injected DaprClient (no 30 s SDK wait)', async () => {
    const closed = await freeLoopbackPort()
    const client = new DaprClient({
      daprHost: '127.0.0.1',
      daprPort: String(closed),
      communicationProtocol: CommunicationProtocolEnum.HTTP,
      logger: { level: LogLevel.Error },
    })
    for (const store of [
      make({ ...options, secretStoreName: file, daprHost: '127.0.0.1', daprPort: closed }),
      make({ ...options, secretStoreName: file, client }),
    ]) {
      const { error, ms } = await timed(store)
      expect(error).toBeInstanceOf(UnavailableError)
      expect((error as Error).message).toBe('secret backend unavailable: could not reach Dapr (ECONNREFUSED)')
      expect(ms).toBeLessThan(options.timeoutMs as number)
    }
  })

  it('accepts connections and never answers: UnavailableError at the store timeout', async () => {
    const daprd = await startDaprd({ secrets: { 'db-password': 's3cret' } })
    const { proxy, port } = await counted(daprd)
    try {
      proxy.inject({ kind: 'blackhole' })
      const { error, ms } = await timed(
        make({
          ...options,
          retry: { attempts: 4, baseDelayMs: 1 },
          secretStoreName: file,
          daprHost: '127.0.0.1',
          daprPort: port,
        }),
      )
      expect(error).toBeInstanceOf(UnavailableError)
      expect(ms).toBeGreaterThanOrEqual(350)
      expect(ms).toBeLessThan(1_000)
      // Not ready for the first two attempts (connections reset), then up: the store's retries ride it out,
      // with one read once the probe of the sidecar goes through.
      proxy.clear()
      proxy.resetRequestStats()
      proxy.inject({ kind: 'reset' }, { times: 2 })
      const store = make({
        retry: { attempts: 4, baseDelayMs: 1 },
        secretStoreName: file,
        daprHost: '127.0.0.1',
        daprPort: port,
      })
      expect(await store.getSecret('db-password')).toEqual({ 'db-password': 's3cret' })
      expect(proxy.requestStats().reads).toBe(1)
      expect(proxy.stats.log.slice(0, 3).map((request) => request.path)).toEqual([
        '/v1.0/metadata',
        '/v1.0/metadata',
        '/v1.0/metadata',
      ])
      // Once up, a reset read is retried like any other.
      proxy.resetRequestStats()
      proxy.inject({ kind: 'reset' }, { times: 2, match: isSecretsRead })
      expect(await store.getSecret('db-password')).toEqual({ 'db-password': 's3cret' })
      expect(proxy.requestStats().reads).toBe(3)
    } finally {
      await proxy.close()
      await daprd.stop()
    }
  })
})

describe('waiting for the sidecar through the SDK', () => {
  let daprd: Daprd
  let counter: Awaited<ReturnType<typeof counted>>
  beforeAll(async () => {
    daprd = await startDaprd({ secrets: { a: '1', b: '2', c: '3' } })
    counter = await counted(daprd)
  })
  afterAll(async () => {
    await counter?.proxy.close()
    await daprd?.stop()
  })
  afterEach(() => {
    counter.proxy.clear()
    counter.proxy.resetRequestStats()
  })
  const store = (options: Partial<DaprSecretStoreOptions> = {}) =>
    make({ secretStoreName: file, daprHost: '127.0.0.1', daprPort: counter.port, ...options } as DaprSecretStoreOptions)

  it('is one wait for concurrent reads, and none once the client has found the sidecar', async () => {
    const { proxy, probes } = counter
    proxy.inject({ kind: 'delay', ms: 200 }, { match: isMetadataProbe, times: 1 })
    const reads = store({ bulk: 'never' })
    expect(await Promise.all([reads.getSecret('a'), reads.getSecret('b', 'c')])).toEqual([
      { a: '1' },
      { b: '2', c: '3' },
    ])
    // The store's probe, then the first (and only) poll of the SDK's start().
    expect(probes()).toBe(2)
    expect(proxy.requestStats().reads).toBe(3)
    expect(await reads.getSecret('a', 'b')).toEqual({ a: '1', b: '2' })
    expect(probes()).toBe(2)
    // An injected client its owner has started already: no probe at all.
    proxy.resetRequestStats()
    const client = new DaprClient({
      daprHost: '127.0.0.1',
      daprPort: String(counter.port),
      communicationProtocol: CommunicationProtocolEnum.HTTP,
      logger: { level: LogLevel.Error },
    })
    await client.start()
    proxy.resetRequestStats()
    expect(await make({ secretStoreName: file, client }).getSecret('c')).toEqual({ c: '3' })
    expect(probes()).toBe(0)
  })

  it('a wait that failed, or outlived its attempt, is started afresh by the next read', async () => {
    const { proxy, probes } = counter
    proxy.inject({ kind: 'reset' }, { match: isMetadataProbe, times: 1 })
    const reads = store({ attemptTimeoutMs: 300, timeoutMs: 300 })
    const refused = await rejectionOf(reads.getSecret('a'))
    expect((refused as Error).message).toBe('secret backend unavailable: could not reach Dapr (ECONNRESET)')
    expect(await reads.getSecret('a')).toEqual({ a: '1' })
    // A probe that never answers: the attempt ends at its deadline, and the next read does not wait for that probe.
    proxy.resetRequestStats()
    proxy.inject({ kind: 'blackhole' }, { match: isMetadataProbe, times: 1 })
    const hanging = store({ attemptTimeoutMs: 300, timeoutMs: 300 })
    const timedOut = await rejectionOf(hanging.getSecret('b'))
    expect(timedOut).toBeInstanceOf(UnavailableError)
    // The attempt gets what is left of the 300 ms deadline when it starts: 300 ms, or a few less on a busy machine.
    const waited = /^secret backend unavailable: the backend did not answer within (\d+) ms$/.exec(
      (timedOut as Error).message,
    )
    expect(Number(waited?.[1])).toBeGreaterThan(250)
    expect(Number(waited?.[1])).toBeLessThanOrEqual(300)
    expect(await hanging.getSecret('b')).toEqual({ b: '2' })
    expect(probes()).toBe(3)
  })
})

describe('secret scoping with defaultAccess "deny"', () => {
  it('reads the allowed secrets, in bulk too, and refuses the rest', async () => {
    const daprd = await startDaprd({
      secrets: SECRETS,
      secretScopes: { [multiValued]: { defaultAccess: 'deny', allowedSecrets: ['db', 'deep'] } },
    })
    const { proxy, port, paths } = await counted(daprd)
    try {
      const store = make({ secretStoreName: multiValued, daprHost: '127.0.0.1', daprPort: port })
      expect(await store.getSecret('db#user', 'deep#a:b', 'db')).toEqual({
        'db#user': 'admin',
        'deep#a:b': 'c',
        db: '{"password":"pw","user":"admin"}',
      })
      expect(await rejectionOf(store.getSecret('db#user', 'deep', 'db-password'))).toBeInstanceOf(AccessDeniedError)
      // Two secrets one by one; then a bulk read that leaves out db-password, whose own read is refused.
      expect(paths().slice(0, 2).sort()).toEqual(['db', 'deep'])
      expect(paths().slice(2)).toEqual(['bulk', 'db-password'])
    } finally {
      await proxy.close()
      await daprd.stop()
    }
  })
})

describe("'auto' on a store of 5,000 secrets", () => {
  it('tries the bulk read once, then weighs it: per-secret reads for a few names, the bulk read for many', async () => {
    const secrets = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`s${i}`, `value-${i}`]))
    const daprd = await startDaprd({ secrets })
    const { proxy, port, paths } = await counted(daprd)
    try {
      const store = make({ secretStoreName: file, daprHost: '127.0.0.1', daprPort: port })
      const names = (from: number, count: number) => Array.from({ length: count }, (_, i) => `s${from + i}`)
      // Nothing measured yet: four names try the bulk read, which answers 5,000 entries.
      expect(await store.getSecret(...names(0, 4))).toEqual({
        s0: 'value-0',
        s1: 'value-1',
        s2: 'value-2',
        s3: 'value-3',
      })
      expect(paths()).toEqual(['bulk'])
      // Now it costs about 26 single reads (1 + 5,000 / 200) or what the timings say: four names go one by one.
      proxy.resetRequestStats()
      expect(await store.getSecret(...names(4, 4))).toMatchObject({ s7: 'value-7' })
      expect(paths().sort()).toEqual(['s4', 's5', 's6', 's7'])
      // Two hundred names are worth the bulk read.
      proxy.resetRequestStats()
      const many = await store.getSecret(...names(100, 200))
      expect(Object.values(many).filter((value) => value?.startsWith('value-'))).toHaveLength(200)
      expect(paths()).toEqual(['bulk'])
    } finally {
      await proxy.close()
      await daprd.stop()
    }
  })
})
