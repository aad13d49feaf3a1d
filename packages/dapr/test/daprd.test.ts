/**
 * The test backend of the Dapr adapter: a real daprd (see support/daprd.ts), driven through the
 * official SDK (`@dapr/dapr` DaprClient over HTTP, which the adapter reads through) and through raw
 * `fetch` (what is on the wire). These tests pin down what the adapter will see, case by case.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CommunicationProtocolEnum, DaprClient, LogLevel } from '@dapr/dapr'
import { rejectionOf } from '@secret-store/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DAPRD_STORES, type Daprd, daprdBinaryPath, type SecretsJson, startDaprd } from './support/daprd.js'

const SECRETS: SecretsJson = {
  'db-password': 's3cret',
  empty: '',
  denied: 'not for you',
  db: { user: 'admin', password: 'pw' },
  deep: { a: { b: 'c' } },
}
const { file, multiValued, env } = DAPRD_STORES

/** What the SDK's HTTP client rejects with: `new Error(JSON.stringify({ error, error_msg, status }))`. */
interface SdkHttpError {
  /** The HTTP status text. */
  error: string
  /** The raw response body (daprd's `{ errorCode, message }` JSON, as text). */
  error_msg: string
  status: number
}

async function sdkHttpError(call: Promise<unknown>): Promise<SdkHttpError> {
  const error = await rejectionOf(call)
  expect(error).toBeInstanceOf(Error)
  expect(Object.keys(error as Error)).toEqual([])
  return JSON.parse((error as Error).message) as SdkHttpError
}

function httpClient(daprd: Daprd): DaprClient {
  return new DaprClient({
    daprHost: daprd.host,
    daprPort: String(daprd.httpPort),
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    logger: { level: LogLevel.Error },
  })
}

/** A raw GET of the secrets API: status, content type and the body as text (not parsed). */
async function raw(daprd: Daprd, store: string, key: string): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(`${daprd.httpEndpoint}/v1.0/secrets/${encodeURIComponent(store)}/${encodeURIComponent(key)}`)
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() }
}

// Success bodies end with a newline (Go's json.Encoder); error bodies do not.
const ok = (body: unknown) => ({ status: 200, type: 'application/json', body: `${JSON.stringify(body)}\n` })
const failed = (status: number, errorCode: string, message: string) => ({
  status,
  type: 'application/json',
  body: JSON.stringify({ errorCode, message }),
})

describe('daprd with local secret stores', () => {
  let daprd: Daprd
  let client: DaprClient

  beforeAll(async () => {
    daprd = await startDaprd({
      secrets: SECRETS,
      env: { GREETING: 'hello' },
      secretScopes: { [file]: { deniedSecrets: ['denied'] } },
    })
    client = httpClient(daprd)
  })

  afterAll(async () => {
    await client?.stop()
    await daprd?.stop()
  })

  it('listens on loopback ports and names its stores', () => {
    expect(daprd.httpEndpoint).toBe(`http://127.0.0.1:${daprd.httpPort}`)
    expect(daprd.grpcPort).not.toBe(daprd.httpPort)
    expect(daprd.stores).toEqual({ file: 'local-file', multiValued: 'local-file-multi', env: 'local-env' })
  })

  describe('get', () => {
    it('a flat secret is a one-entry map under its own name', async () => {
      expect(await client.secret.get(file, 'db-password')).toEqual({ 'db-password': 's3cret' })
      expect(await raw(daprd, file, 'db-password')).toEqual(ok({ 'db-password': 's3cret' }))
    })

    it('nested JSON keys are flattened with nestedSeparator (":") in the plain file store', async () => {
      expect(await client.secret.get(file, 'db:user')).toEqual({ 'db:user': 'admin' })
      expect(await client.secret.get(file, 'deep:a:b')).toEqual({ 'deep:a:b': 'c' })
      expect(await raw(daprd, file, 'db:user')).toEqual(ok({ 'db:user': 'admin' }))
      // The parent is not a secret there.
      expect(await raw(daprd, file, 'db')).toEqual(
        failed(
          500,
          'ERR_SECRET_GET',
          'failed getting secret with key db from secret store local-file: secret db not found',
        ),
      )
    })

    it('a multi-valued secret comes back whole over HTTP (SDK and raw)', async () => {
      expect(await client.secret.get(multiValued, 'db')).toEqual({ user: 'admin', password: 'pw' })
      // Keys sorted by daprd (Go map marshalling).
      expect(await raw(daprd, multiValued, 'db')).toEqual(ok({ password: 'pw', user: 'admin' }))
      // Deeper levels are flattened inside the value map; a top-level string is a one-entry map.
      expect(await client.secret.get(multiValued, 'deep')).toEqual({ 'a:b': 'c' })
      expect(await client.secret.get(multiValued, 'db-password')).toEqual({ 'db-password': 's3cret' })
    })

    it('an empty value is 200 with ""', async () => {
      expect(await client.secret.get(file, 'empty')).toEqual({ empty: '' })
      expect(await raw(daprd, file, 'empty')).toEqual(ok({ empty: '' }))
    })
  })

  describe('bulk', () => {
    it('the plain file store: every flattened key, scoped-out secrets left out', async () => {
      const expected = {
        'db-password': { 'db-password': 's3cret' },
        'db:password': { 'db:password': 'pw' },
        'db:user': { 'db:user': 'admin' },
        'deep:a:b': { 'deep:a:b': 'c' },
        empty: { empty: '' },
      }
      expect(await client.secret.getBulk(file)).toEqual(expected)
      expect(await raw(daprd, file, 'bulk')).toEqual(ok(expected))
      // The same path through secret.get, which also sends per-request metadata (getBulk cannot).
      expect(await client.secret.get(file, 'bulk')).toEqual(expected)
      expect(await client.secret.get(file, 'bulk', 'metadata.namespace=x')).toEqual(expected)
    })

    it('the multi-valued store: one entry per top-level key (no scoping on this store)', async () => {
      const expected = {
        db: { password: 'pw', user: 'admin' },
        'db-password': { 'db-password': 's3cret' },
        deep: { 'a:b': 'c' },
        denied: { denied: 'not for you' },
        empty: { empty: '' },
      }
      expect(await client.secret.getBulk(multiValued)).toEqual(expected)
      expect(await raw(daprd, multiValued, 'bulk')).toEqual(ok(expected))
    })

    it('the env store: the env option plus what daprd and sh set, never DAPR_* nor the test process env', async () => {
      const bulk = (await client.secret.getBulk(env)) as Record<string, Record<string, string>>
      expect(bulk.GREETING).toEqual({ GREETING: 'hello' })
      // daprd exports these for its components; sh exports PWD.
      expect(bulk.APP_ID).toEqual({ APP_ID: daprd.appId })
      expect(Object.keys(bulk).sort()).toEqual(['APP_ID', 'APP_PORT', 'GREETING', 'HOST_ADDRESS', 'PWD'])
    })
  })

  describe('errors', () => {
    it('a missing key: 500 ERR_SECRET_GET ("... not found")', async () => {
      const message = 'failed getting secret with key missing from secret store local-file: secret missing not found'
      expect(await raw(daprd, file, 'missing')).toEqual(failed(500, 'ERR_SECRET_GET', message))
      expect(await sdkHttpError(client.secret.get(file, 'missing'))).toEqual({
        error: 'Internal Server Error',
        error_msg: JSON.stringify({ errorCode: 'ERR_SECRET_GET', message }),
        status: 500,
      })
      // The same in the multi-valued store.
      expect(await raw(daprd, multiValued, 'missing')).toEqual(
        failed(500, 'ERR_SECRET_GET', message.replace('local-file', 'local-file-multi')),
      )
    })

    it('an unknown store: 401 ERR_SECRET_STORE_NOT_FOUND, for get and bulk', async () => {
      const message = 'failed finding secret store with key no-such-store'
      const expected = failed(401, 'ERR_SECRET_STORE_NOT_FOUND', message)
      expect(await raw(daprd, 'no-such-store', 'x')).toEqual(expected)
      expect(await raw(daprd, 'no-such-store', 'bulk')).toEqual(expected)
      const sdkError = {
        error: 'Unauthorized',
        error_msg: JSON.stringify({ errorCode: 'ERR_SECRET_STORE_NOT_FOUND', message }),
        status: 401,
      }
      expect(await sdkHttpError(client.secret.get('no-such-store', 'x'))).toEqual(sdkError)
      expect(await sdkHttpError(client.secret.getBulk('no-such-store'))).toEqual(sdkError)
    })

    it('a scoped-out secret: 403 ERR_PERMISSION_DENIED', async () => {
      const message = 'access denied by policy to get "denied" from "local-file"'
      expect(await raw(daprd, file, 'denied')).toEqual(failed(403, 'ERR_PERMISSION_DENIED', message))
      expect(await sdkHttpError(client.secret.get(file, 'denied'))).toEqual({
        error: 'Forbidden',
        error_msg: JSON.stringify({ errorCode: 'ERR_PERMISSION_DENIED', message }),
        status: 403,
      })
    })

    it('the env store: a missing variable is 200 with "", as are DAPR_* variables', async () => {
      expect(await client.secret.get(env, 'NO_SUCH_VARIABLE')).toEqual({ NO_SUCH_VARIABLE: '' })
      expect(await raw(daprd, env, 'NO_SUCH_VARIABLE')).toEqual(ok({ NO_SUCH_VARIABLE: '' }))
      expect(await raw(daprd, env, 'DAPR_HOST_IP')).toEqual(ok({ DAPR_HOST_IP: '' }))
      expect(await client.secret.get(env, 'GREETING')).toEqual({ GREETING: 'hello' })
    })
  })

  describe('names on the wire', () => {
    it('the SDK puts the key into the path unencoded; encoded with encodeURIComponent, any key arrives', async () => {
      const secrets = { 'a/b': 'slash', 'q?x': 'query', 'h#x': 'hash', 'p%41': 'percent', 'with space': 'space' }
      const names = await startDaprd({ secrets })
      const sdk = httpClient(names)
      try {
        for (const [key, value] of Object.entries(secrets)) {
          expect(await raw(names, file, key)).toEqual(ok({ [key]: value }))
          expect(await sdk.secret.get(file, encodeURIComponent(key)), key).toEqual({ [key]: value })
        }
        expect(await sdk.secret.get(file, 'with space')).toEqual({ 'with space': 'space' })
        expect(await sdkHttpError(sdk.secret.get(file, 'a/b'))).toEqual({
          error: 'Not Found',
          error_msg: JSON.stringify({
            errorCode: 'ERR_DIRECT_INVOKE',
            message: 'failed getting app id either from the URL path or the header dapr-app-id',
          }),
          status: 404,
        })
        const notFound = (key: string) =>
          JSON.stringify({
            errorCode: 'ERR_SECRET_GET',
            message: `failed getting secret with key ${key} from secret store local-file: secret ${key} not found`,
          })
        expect((await sdkHttpError(sdk.secret.get(file, 'q?x'))).error_msg).toBe(notFound('q'))
        expect((await sdkHttpError(sdk.secret.get(file, 'h#x'))).error_msg).toBe(notFound('h'))
        expect((await sdkHttpError(sdk.secret.get(file, 'p%41'))).error_msg).toBe(notFound('pA'))
      } finally {
        await sdk.stop()
        await names.stop()
      }
    })

    it('nestedSeparator sets how nested keys are joined', async () => {
      const dotted = await startDaprd({ secrets: { db: { user: 'u' } }, nestedSeparator: '.' })
      try {
        expect(await raw(dotted, file, 'db.user')).toEqual(ok({ 'db.user': 'u' }))
        expect(await raw(dotted, multiValued, 'db')).toEqual(ok({ user: 'u' }))
      } finally {
        await dotted.stop()
      }
    })

    it('a secret named "bulk" cannot be read alone: the path is the bulk read', async () => {
      const bulk = await startDaprd({ secrets: { bulk: 'b', other: 'o' } })
      try {
        expect(await raw(bulk, file, 'bulk')).toEqual(ok({ bulk: { bulk: 'b' }, other: { other: 'o' } }))
      } finally {
        await bulk.stop()
      }
    })
  })

  describe('over gRPC', () => {
    it('the SDK returns one entry of a multi-valued secret (HTTP returns all)', async () => {
      const grpc = new DaprClient({
        daprHost: daprd.host,
        daprPort: String(daprd.grpcPort),
        communicationProtocol: CommunicationProtocolEnum.GRPC,
        logger: { level: LogLevel.Error },
      })
      try {
        const secret = (await grpc.secret.get(multiValued, 'db')) as Record<string, string>
        expect(Object.keys(secret)).toHaveLength(1)
        expect(Object.entries(secret)[0]).toBeOneOf([
          ['user', 'admin'],
          ['password', 'pw'],
        ])
        // Bulk reads over gRPC are whole.
        expect(await grpc.secret.getBulk(multiValued)).toMatchObject({ db: { password: 'pw', user: 'admin' } })
      } finally {
        await grpc.stop()
      }
    })
  })
})

describe('secret scoping with defaultAccess "deny"', () => {
  it('only allowedSecrets are served (403 for the rest) and bulk holds only them', async () => {
    const daprd = await startDaprd({
      secrets: SECRETS,
      secretScopes: { [multiValued]: { defaultAccess: 'deny', allowedSecrets: ['db'] } },
    })
    try {
      expect(await raw(daprd, multiValued, 'db')).toEqual(ok({ password: 'pw', user: 'admin' }))
      expect(await raw(daprd, multiValued, 'db-password')).toEqual(
        failed(403, 'ERR_PERMISSION_DENIED', 'access denied by policy to get "db-password" from "local-file-multi"'),
      )
      expect(await raw(daprd, multiValued, 'bulk')).toEqual(ok({ db: { password: 'pw', user: 'admin' } }))
      // Other stores are not affected.
      expect((await raw(daprd, file, 'db-password')).status).toBe(200)
    } finally {
      await daprd.stop()
    }
  })
})

describe('reload', () => {
  it('rewrites the secrets file, sends SIGHUP and resolves once the new contents are served', async () => {
    const daprd = await startDaprd({ secrets: { flat: 'v1', db: { user: 'admin' } } })
    const client = httpClient(daprd)
    try {
      expect(await client.secret.get(file, 'flat')).toEqual({ flat: 'v1' })
      await daprd.reload({ flat: 'v2', added: 'new', db: { user: 'root', password: 'pw' } })
      // The same ports, and the SDK client (with its kept-alive connection) carries on.
      expect(await client.secret.get(file, 'flat')).toEqual({ flat: 'v2' })
      expect(await client.secret.get(file, 'added')).toEqual({ added: 'new' })
      expect(await client.secret.get(multiValued, 'db')).toEqual({ user: 'root', password: 'pw' })
      await daprd.reload({ flat: 'v3' })
      expect(await raw(daprd, file, 'added')).toEqual(
        failed(
          500,
          'ERR_SECRET_GET',
          'failed getting secret with key added from secret store local-file: secret added not found',
        ),
      )
      expect(await client.secret.getBulk(file)).toEqual({ flat: { flat: 'v3' } })
    } finally {
      await client.stop()
      await daprd.stop()
    }
  })
})

describe('startDaprd', () => {
  it('looks for daprd where build-daprd.sh puts it: a cache outside the work tree, by version', () => {
    const script = fileURLToPath(new URL('./support/build-daprd.sh', import.meta.url))
    const { HOME, PATH } = process.env
    for (const env of [
      { HOME },
      { HOME, XDG_CACHE_HOME: '/xdg' },
      { HOME, XDG_CACHE_HOME: '/xdg', SECRET_STORE_CACHE: '/shared/cache' },
      { HOME, XDG_CACHE_HOME: '', SECRET_STORE_CACHE: '' },
    ]) {
      const printed = execFileSync('bash', [script, '--print-path'], { env: { PATH, ...env }, encoding: 'utf8' }).trim()
      expect(daprdBinaryPath(env), JSON.stringify(env)).toBe(printed)
    }
    expect(daprdBinaryPath({ HOME: '/home/me' })).toBe('/home/me/.cache/secret-store/daprd/v1.18.2/daprd')
    expect(daprdBinaryPath({ HOME: '/home/me', SECRET_STORE_CACHE: '/c' })).toBe('/c/daprd/v1.18.2/daprd')
    const repo = fileURLToPath(new URL('../../../', import.meta.url))
    expect(daprdBinaryPath({ HOME: process.env.HOME }).startsWith(repo)).toBe(false)
  })

  it('fails, naming the build command, when the binary is missing', async () => {
    const saved = process.env.DAPRD_BINARY
    process.env.DAPRD_BINARY = '/nonexistent/daprd'
    try {
      const error = await rejectionOf(startDaprd())
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toBe(
        'daprd not found at /nonexistent/daprd. Build it (daprd v1.18.2, ~2 min once) with: bash packages/dapr/test/support/build-daprd.sh',
      )
    } finally {
      if (saved === undefined) delete process.env.DAPRD_BINARY
      else process.env.DAPRD_BINARY = saved
    }
  })

  it('fails, naming the build command, when the binary is not daprd v1.18.2', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fake-daprd-'))
    const fake = path.join(dir, 'daprd')
    writeFileSync(fake, '#!/bin/sh\necho 1.17.0\n', { mode: 0o755 })
    const saved = process.env.DAPRD_BINARY
    process.env.DAPRD_BINARY = fake
    try {
      expect(((await rejectionOf(startDaprd())) as Error).message).toBe(
        `daprd at ${fake} is version '1.17.0', not 1.18.2. Rebuild it with: bash packages/dapr/test/support/build-daprd.sh`,
      )
    } finally {
      if (saved === undefined) delete process.env.DAPRD_BINARY
      else process.env.DAPRD_BINARY = saved
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('stop() ends daprd and frees its port; a second stop() is a no-op', async () => {
    const daprd = await startDaprd()
    await daprd.stop()
    await daprd.stop()
    await expect(fetch(`${daprd.httpEndpoint}/v1.0/healthz`)).rejects.toThrow()
  })
})
