import { InfisicalSDK } from '@infisical/sdk'
import { type Fault, rejectionOf, startFaultProxy } from '@secret-store/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type InfisicalFake, ROUTES, startInfisicalFake } from './support/infisical-fake.js'
import {
  SDK_ERROR_MESSAGES,
  SDK_FIXTURE_SITE_URL,
  SDK_REQUEST_ERROR_PATTERN,
  type SdkErrorCase,
} from './support/sdk-error-messages.js'
import { fastSdkTimers } from './support/sdk-timers.js'

// The fake itself, driven only through the official SDK, against the Infisical behaviour the adapter relies on.
let fake: InfisicalFake
/** Moves the fake's clock (token expiry, lockouts) without touching the test's timers. */
let clockOffset = 0
const advance = (ms: number) => {
  clockOffset += ms
}

beforeAll(async () => {
  fake = await startInfisicalFake({ now: () => Date.now() + clockOffset })
})
afterEach(() => {
  fake.reset()
  clockOffset = 0
})
afterAll(async () => {
  await fake.stop()
})

const sdkFor = (token?: string, siteUrl = fake.siteUrl) => {
  const sdk = new InfisicalSDK({ siteUrl })
  return token === undefined ? sdk : sdk.auth().accessToken(token)
}
const login = () => sdkFor().auth().universalAuth.login(fake.machineIdentity)
const at = (secretPath = '/', environment = 'dev') => ({ projectId: fake.projectId, environment, secretPath })

/** What the call rejected with, its message as the fixtures hold it (the fake's origin → the SDK's default site). */
async function failure(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  const error = (await rejectionOf(call)) as Error
  return { name: error.name, message: error.message.replaceAll(fake.siteUrl, SDK_FIXTURE_SITE_URL) }
}
const messageOf = async (call: Promise<unknown>) => (await failure(call)).message

describe('the Infisical fake, through @infisical/sdk', () => {
  it('logs in with universal auth, then sends the access token as a bearer header', async () => {
    const sdk = sdkFor()
    expect(sdk.auth().getAccessToken()).toBeNull()
    expect(await sdk.auth().universalAuth.login(fake.machineIdentity)).toBe(sdk)
    const token = sdk.auth().getAccessToken()
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    fake.put('dev', '/', 'A', '1')
    await sdk.secrets().getSecret({ ...at(), secretName: 'A' })
    expect(fake.requests.map((r) => [r.route, r.status, r.token])).toEqual([
      [ROUTES.login, 200, undefined],
      [ROUTES.get, 200, token],
    ])
    expect(fake.requests[0]?.body).toEqual(fake.machineIdentity)
  })

  it('receives the routes, query parameters and bodies the SDK sends', async () => {
    const secrets = (await login()).secrets()
    fake.mkdir('dev', '/app')
    fake.clearLog()
    await secrets.createSecret('B', { ...at('/app'), secretValue: '2' })
    await secrets.getSecret({ ...at('/app'), secretName: 'B' })
    await secrets.listSecrets(at('/app'))
    await secrets.updateSecret('B', { ...at('/app'), secretValue: '3' })
    await secrets.deleteSecret('B', at('/app'))
    const target = { workspaceId: fake.projectId, environment: 'dev', secretPath: '/app' }
    expect(fake.requests.map((r) => [r.route, r.path, r.status])).toEqual([
      [ROUTES.create, '/api/v3/secrets/raw/B', 200],
      [ROUTES.get, '/api/v3/secrets/raw/B', 200],
      [ROUTES.list, '/api/v3/secrets/raw', 200],
      [ROUTES.update, '/api/v3/secrets/raw/B', 200],
      [ROUTES.delete, '/api/v3/secrets/raw/B', 200],
    ])
    const [create, get, list, update, remove] = fake.requests
    expect(create?.body).toEqual({ ...target, secretValue: '2' })
    // `secretName` and `includeImports` are sent but ignored: the server reads `include_imports`.
    expect(Object.entries(get?.query ?? {})).toEqual([
      ['secretName', 'B'],
      ['workspaceId', fake.projectId],
      ['environment', 'dev'],
      ['expandSecretReferences', 'true'],
      ['includeImports', 'false'],
      ['secretPath', '/app'],
      ['viewSecretValue', 'true'],
    ])
    expect(Object.entries(list?.query ?? {})).toEqual([
      ['workspaceId', fake.projectId],
      ['environment', 'dev'],
      ['expandSecretReferences', 'true'],
      ['include_imports', 'false'],
      ['recursive', 'false'],
      ['secretPath', '/app'],
      ['viewSecretValue', 'true'],
    ])
    expect(update?.body).toEqual({ ...target, secretValue: '3' })
    expect(remove?.body).toEqual(target)
  })

  it('creates, reads, updates, renames and deletes a secret, with a new version on every change', async () => {
    const secrets = (await login()).secrets()
    const { secret: created } = await secrets.createSecret('DB_URL', { ...at(), secretValue: 'postgres://a' })
    expect(created).toMatchObject({
      secretKey: 'DB_URL',
      secretValue: 'postgres://a',
      version: 1,
      type: 'shared',
      environment: 'dev',
      // The SDK's `Secret` type says `workspaceId`; Infisical's response schema sends `workspace`.
      workspace: fake.projectId,
    })
    expect(created).not.toHaveProperty('workspaceId')
    expect(await secrets.getSecret({ ...at(), secretName: 'DB_URL' })).toMatchObject({
      secretValue: 'postgres://a',
      version: 1,
      secretPath: '/',
      secretValueHidden: false,
    })
    const { secret: updated } = await secrets.updateSecret('DB_URL', { ...at(), secretValue: 'postgres://b' })
    expect(updated).toMatchObject({ secretKey: 'DB_URL', secretValue: 'postgres://b', version: 2 })
    // An update without a value answers secretValue '' (the value sent), not the stored value.
    const { secret: renamed } = await secrets.updateSecret('DB_URL', { ...at(), newSecretName: 'DATABASE_URL' })
    expect(renamed).toMatchObject({ secretKey: 'DATABASE_URL', secretValue: '', version: 3 })
    expect(await secrets.getSecret({ ...at(), secretName: 'DATABASE_URL' })).toMatchObject({
      secretValue: 'postgres://b',
      version: 3,
    })
    // Older versions are found by the name they had then.
    expect(await secrets.getSecret({ ...at(), secretName: 'DB_URL', version: 1 })).toMatchObject({
      secretKey: 'DB_URL',
      secretValue: 'postgres://a',
      version: 1,
    })
    await expect(secrets.getSecret({ ...at(), secretName: 'DB_URL' })).rejects.toThrow('[StatusCode=404]')
    const { secret: deleted } = await secrets.deleteSecret('DATABASE_URL', at())
    expect(deleted).toMatchObject({ secretKey: 'DATABASE_URL', secretValue: 'postgres://b', version: 3 })
    expect(fake.get('dev', '/', 'DATABASE_URL')).toBeUndefined()
  })

  it('trims values as the server does, keeping a trailing newline', async () => {
    const secrets = (await login()).secrets()
    await secrets.createSecret('PADDED', { ...at(), secretValue: '  a b  ' })
    await secrets.createSecret('LINE', { ...at(), secretValue: ' pem \n' })
    expect(fake.get('dev', '/', 'PADDED')?.value).toBe('a b')
    expect(fake.get('dev', '/', 'LINE')?.value).toBe('pem\n')
  })

  it('keeps keys per environment and folder, and lists one folder unless asked to recurse', async () => {
    fake.put('dev', '/', 'A', 'root')
    fake.put('dev', '/app', 'A', 'app')
    fake.put('dev', '/app/db', 'B', 'db')
    fake.put('prod', '/', 'A', 'prod')
    const secrets = (await login()).secrets()
    const keys = async (options: Parameters<typeof secrets.listSecrets>[0]) =>
      (await secrets.listSecrets(options)).secrets.map((s) => [s.secretPath, s.secretKey, s.secretValue])
    expect(await keys(at('/'))).toEqual([['/', 'A', 'root']])
    expect(await keys(at('/app'))).toEqual([['/app', 'A', 'app']])
    expect(await keys({ ...at('/app'), recursive: true })).toEqual([
      ['/app', 'A', 'app'],
      ['/app/db', 'B', 'db'],
    ])
    expect(await keys(at('/', 'prod'))).toEqual([['/', 'A', 'prod']])
    expect((await secrets.listSecrets(at('/'))).imports).toEqual([])
    await secrets.createSecret('A', { ...at('/app/db'), secretValue: 'new' })
    expect(fake.get('dev', '/app/db', 'A')?.value).toBe('new')
  })

  it('creates folders idempotently, with their missing parents, in an environment that exists', async () => {
    const sdk = await login()
    const folder = await sdk
      .folders()
      .create({ projectId: fake.projectId, environment: 'dev', name: 'db', path: '/a/b' })
    expect(folder).toMatchObject({ name: 'db', version: 1 })
    expect(fake.requests.at(-1)).toMatchObject({
      route: ROUTES.createFolder,
      status: 200,
      body: { workspaceId: fake.projectId, environment: 'dev', name: 'db', path: '/a/b' },
    })
    await sdk.secrets().createSecret('K', { ...at('/a/b/db'), secretValue: 'v' })
    expect(fake.get('dev', '/a/b/db', 'K')?.value).toBe('v')
    // Again: the folder and its secret stay as they are.
    await sdk.folders().create({ projectId: fake.projectId, environment: 'dev', name: 'db', path: '/a/b' })
    expect(fake.get('dev', '/a/b/db', 'K')?.value).toBe('v')
    expect(
      await messageOf(sdk.folders().create({ projectId: fake.projectId, environment: 'qa', name: 'x', path: '/' })),
    ).toBe(
      `[URL=${SDK_FIXTURE_SITE_URL}/api/v1/folders] [Method=POST] [StatusCode=404] Environment with slug 'qa' in project with ID '${fake.projectId}' not found`,
    )
    expect(
      await messageOf(sdk.folders().create({ projectId: fake.projectId, environment: 'dev', name: 'a.b', path: '/' })),
    ).toBe(SDK_ERROR_MESSAGES.validation)
    fake.configure({ denied: ['createFolder'] })
    expect(
      await messageOf(sdk.folders().create({ projectId: fake.projectId, environment: 'dev', name: 'x', path: '/' })),
    ).toBe(
      `[URL=${SDK_FIXTURE_SITE_URL}/api/v1/folders] [Method=POST] [StatusCode=403] You are not allowed to create on secret-folders`,
    )
    expect(fake.get('dev', '/x', 'K')).toBeUndefined()
  })

  // biome-ignore-start lint/suspicious/noTemplateCurlyInString: Infisical's reference syntax is the point
  it('expands ${KEY} and ${env.folder.KEY} references when asked to', async () => {
    fake.put('dev', '/', 'HOST', 'db.local')
    fake.put('prod', '/shared/db', 'PASSWORD', 's3cret')
    fake.put('dev', '/', 'URL', 'pg://${HOST}?p=${prod.shared.db.PASSWORD}&x=${MISSING}')
    fake.put('dev', '/', 'NESTED', '<${URL}>')
    fake.put('dev', '/', 'LOOP', 'again ${LOOP}')
    fake.put('dev', '/app', 'LOCAL', '${HOST}')
    fake.put('dev', '/app', 'HOST', 'app.local')
    const secrets = (await login()).secrets()
    const value = async (secretName: string, path = '/', expandSecretReferences?: boolean) =>
      (await secrets.getSecret({ ...at(path), secretName, expandSecretReferences })).secretValue
    // A reference to a missing secret stays as written.
    expect(await value('URL')).toBe('pg://db.local?p=s3cret&x=${MISSING}')
    expect(await value('NESTED')).toBe('<pg://db.local?p=s3cret&x=${MISSING}>')
    expect(await value('URL', '/', false)).toBe('pg://${HOST}?p=${prod.shared.db.PASSWORD}&x=${MISSING}')
    expect(await value('LOOP')).toBe('again again ${LOOP}')
    // ${KEY} means the referencing secret's own environment and folder.
    expect(await value('LOCAL', '/app')).toBe('app.local')
    const listed = await secrets.listSecrets(at())
    expect(listed.secrets.find((s) => s.secretKey === 'NESTED')?.secretValue).toBe(
      '<pg://db.local?p=s3cret&x=${MISSING}>',
    )
  })

  // biome-ignore-end lint/suspicious/noTemplateCurlyInString: end of reference strings

  it('hides values when viewSecretValue is false', async () => {
    fake.put('dev', '/', 'A', 'visible')
    const secrets = (await login()).secrets()
    expect(await secrets.getSecret({ ...at(), secretName: 'A', viewSecretValue: false })).toMatchObject({
      secretValue: '<hidden-by-infisical>',
      secretValueHidden: true,
    })
  })

  it('lists recursively with values hidden, and answers a missing folder or environment with 404', async () => {
    fake.put('dev', '/a', 'A', 'visible')
    fake.put('dev', '/a/b', 'B', 'visible')
    const secrets = (await login()).secrets()
    const listed = await secrets.listSecrets({ ...at('/a'), recursive: true, viewSecretValue: false })
    expect(listed.secrets.map((s) => [s.secretPath, s.secretKey, s.secretValue, s.secretValueHidden])).toEqual([
      ['/a', 'A', '<hidden-by-infisical>', true],
      ['/a/b', 'B', '<hidden-by-infisical>', true],
    ])
    expect(await messageOf(secrets.listSecrets({ ...at('/none'), recursive: true }))).toMatch(
      /\[StatusCode=404\] Folder with path '\/none' in environment 'dev' was not found/,
    )
    expect(await messageOf(secrets.listSecrets({ ...at('/', 'qa'), recursive: true }))).toMatch(
      /\[StatusCode=404\] Environment with slug 'qa'/,
    )
  })

  it('logs requests, counts them and tracks the peak in flight', async () => {
    fake.put('dev', '/', 'A', '1')
    const secrets = (await login()).secrets()
    fake.configure({ latencyMs: 100 })
    await Promise.all([1, 2, 3].map(() => secrets.getSecret({ ...at(), secretName: 'A' })))
    expect(fake.count(ROUTES.get)).toBe(3)
    expect(fake.count((r) => r.route === ROUTES.login && r.status === 200)).toBe(1)
    expect(fake.peakInFlight).toBe(3)
    fake.clearLog()
    expect(fake.requests).toEqual([])
  })
})

describe('access tokens', () => {
  it('expire after their TTL (403), and a fresh SDK instance logs in again', async () => {
    fake.configure({ tokenTtlSeconds: 60 })
    fake.put('dev', '/', 'A', '1')
    const sdk = await login()
    await sdk.secrets().getSecret({ ...at(), secretName: 'A' })
    advance(61_000)
    expect(await failure(sdk.secrets().getSecret({ ...at(), secretName: 'A' }))).toEqual({
      name: 'InfisicalSDKRequestError',
      message: SDK_ERROR_MESSAGES.tokenExpired,
    })
    // Every route checks a bearer token it is sent, and the SDK keeps sending the expired one.
    expect(await messageOf(sdk.auth().universalAuth.login(fake.machineIdentity))).toEqual(
      SDK_ERROR_MESSAGES.loginWithExpiredToken,
    )
    expect((await (await login()).secrets().getSecret({ ...at(), secretName: 'A' })).secretValue).toBe('1')
  })

  it('renew up to the max TTL, after which the renewal is refused and the token revoked', async () => {
    fake.configure({ tokenTtlSeconds: 60, maxTtlSeconds: 150 })
    fake.put('dev', '/', 'A', '1')
    const sdk = await login()
    const first = sdk.auth().getAccessToken() as string
    advance(50_000)
    await sdk.auth().universalAuth.renew()
    const second = sdk.auth().getAccessToken()
    expect(second).not.toBe(first)
    expect(fake.requests.at(-1)).toMatchObject({
      route: ROUTES.renew,
      status: 200,
      token: first,
      body: { accessToken: first },
    })
    advance(50_000)
    // 100 s after login: the first token has expired, the renewed one lasts until 110 s.
    expect(
      await messageOf(
        sdkFor(first)
          .secrets()
          .getSecret({ ...at(), secretName: 'A' }),
      ),
    ).toEqual(SDK_ERROR_MESSAGES.tokenExpired)
    await sdk.secrets().getSecret({ ...at(), secretName: 'A' })
    // Renewing now would run to 160 s, past the 150 s max TTL: refused, and the token is deleted.
    expect(await failure(sdk.auth().universalAuth.renew())).toEqual({
      name: 'InfisicalSDKError',
      message: SDK_ERROR_MESSAGES.renewPastMaxTtl,
    })
    expect(await messageOf(sdk.secrets().getSecret({ ...at(), secretName: 'A' }))).toEqual(
      SDK_ERROR_MESSAGES.tokenRevoked,
    )
  })

  it('with the default TTL equal to the max TTL (30 days), cannot be renewed at all', async () => {
    const sdk = await login()
    // A second later, so that the renewal's new expiry is past the max TTL however fast the machine is.
    clockOffset += 1_000
    expect(await messageOf(sdk.auth().universalAuth.renew())).toEqual(SDK_ERROR_MESSAGES.renewPastMaxTtl)
  })

  it('renew only through a fresh sdk.auth(): one taken before login holds no token', async () => {
    fake.configure({ tokenTtlSeconds: 60 })
    const sdk = sdkFor()
    const auth = sdk.auth()
    await auth.universalAuth.login(fake.machineIdentity)
    expect(await failure(auth.universalAuth.renew())).toEqual({
      name: 'InfisicalSDKError',
      message: SDK_ERROR_MESSAGES.noTokenToRenew,
    })
    expect(fake.count(ROUTES.renew)).toBe(0)
    await sdk.auth().universalAuth.renew()
    expect(fake.count(ROUTES.renew)).toBe(1)
  })

  it('can be set directly, and are refused when malformed or revoked', async () => {
    fake.put('dev', '/', 'A', '1')
    const token = (await login()).auth().getAccessToken() as string
    const direct = sdkFor(token)
    expect((await direct.secrets().getSecret({ ...at(), secretName: 'A' })).secretValue).toBe('1')
    expect(
      await messageOf(
        sdkFor('not-a-jwt')
          .secrets()
          .getSecret({ ...at(), secretName: 'A' }),
      ),
    ).toEqual(SDK_ERROR_MESSAGES.tokenMalformed)
    fake.revokeTokens()
    expect(await messageOf(direct.secrets().getSecret({ ...at(), secretName: 'A' }))).toEqual(
      SDK_ERROR_MESSAGES.tokenRevoked,
    )
  })

  it('are refused for a wrong client secret (401), and 3 failures lock the identity for 5 minutes', async () => {
    const wrong = { ...fake.machineIdentity, clientSecret: 'wrong' }
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(await failure(sdkFor().auth().universalAuth.login(wrong))).toEqual({
        name: 'InfisicalSDKRequestError',
        message: SDK_ERROR_MESSAGES.invalidCredentials,
      })
    }
    expect(await messageOf(login())).toEqual(SDK_ERROR_MESSAGES.lockedOut)
    advance(300_001)
    await login()
    const unknownClient = { ...fake.machineIdentity, clientId: 'someone-else' }
    expect(await messageOf(sdkFor().auth().universalAuth.login(unknownClient))).toEqual(
      SDK_ERROR_MESSAGES.invalidCredentials,
    )
  })
})

describe('errors, with the messages the SDK throws (saved in support/sdk-error-messages.ts)', () => {
  it('404 for a missing secret, folder or project', async () => {
    const secrets = (await login()).secrets()
    fake.put('dev', '/', 'A', '1')
    expect(await failure(secrets.getSecret({ ...at(), secretName: 'MISSING' }))).toEqual({
      name: 'InfisicalSDKRequestError',
      message: SDK_ERROR_MESSAGES.notFound,
    })
    expect(await messageOf(secrets.updateSecret('MISSING', { ...at(), secretValue: 'x' }))).toEqual(
      SDK_ERROR_MESSAGES.updateNotFound,
    )
    expect(await messageOf(secrets.deleteSecret('MISSING', at()))).toEqual(SDK_ERROR_MESSAGES.deleteNotFound)
    expect(await messageOf(secrets.getSecret({ ...at('/nope'), secretName: 'A' }))).toEqual(
      SDK_ERROR_MESSAGES.folderNotFound,
    )
    expect(await messageOf(secrets.listSecrets(at('/nope')))).toEqual(SDK_ERROR_MESSAGES.listFolderNotFound)
    expect(await messageOf(secrets.createSecret('B', { ...at('/nope'), secretValue: 'x' }))).toEqual(
      SDK_ERROR_MESSAGES.createFolderNotFound,
    )
    expect(await messageOf(secrets.getSecret({ ...at(), projectId: 'no-such-project', secretName: 'A' }))).toEqual(
      SDK_ERROR_MESSAGES.projectNotFound,
    )
  })

  it('400 for a key that exists already, on create and on rename', async () => {
    const secrets = (await login()).secrets()
    await secrets.createSecret('A', { ...at(), secretValue: '1' })
    await secrets.createSecret('B', { ...at(), secretValue: '2' })
    expect(await messageOf(secrets.createSecret('A', { ...at(), secretValue: '3' }))).toEqual(
      SDK_ERROR_MESSAGES.alreadyExists,
    )
    expect(await messageOf(secrets.updateSecret('A', { ...at(), newSecretName: 'B' }))).toEqual(
      SDK_ERROR_MESSAGES.renameConflict,
    )
    expect(fake.get('dev', '/', 'A')?.value).toBe('1')
  })

  it('401 without a token, 403 without permission', async () => {
    fake.put('dev', '/', 'A', '1')
    expect(
      await messageOf(
        sdkFor()
          .secrets()
          .getSecret({ ...at(), secretName: 'A' }),
      ),
    ).toEqual(SDK_ERROR_MESSAGES.unauthenticated)
    const secrets = (await login()).secrets()
    fake.configure({ denied: ['read', 'edit'] })
    expect(await messageOf(secrets.getSecret({ ...at(), secretName: 'A' }))).toEqual(SDK_ERROR_MESSAGES.forbidden)
    expect(await messageOf(secrets.updateSecret('A', { ...at(), secretValue: '2' }))).toEqual(
      SDK_ERROR_MESSAGES.forbiddenEdit,
    )
    await secrets.createSecret('B', { ...at(), secretValue: '2' })
  })

  it('422 for a request body the server rejects: the SDK drops the issue list, and the URL and status with it', async () => {
    const secrets = (await login()).secrets()
    expect(await failure(secrets.createSecret('A/B', { ...at(), secretValue: '1' }))).toEqual({
      name: 'InfisicalSDKError',
      message: SDK_ERROR_MESSAGES.validation,
    })
    const answer = fake.requests.at(-1)
    expect(answer).toMatchObject({ route: ROUTES.create, status: 422, path: '/api/v3/secrets/raw/A/B' })
  })

  it('500 is not retried', async () => {
    const secrets = (await login()).secrets()
    fake.failNext({ status: 500, route: ROUTES.list })
    expect(await messageOf(secrets.listSecrets(at()))).toEqual(SDK_ERROR_MESSAGES.serverError)
    expect(fake.count(ROUTES.list)).toBe(1)
  })

  it('429 is retried 4 times, 1, 2, 4 and 8 s apart (±20 %), then thrown', async () => {
    const secrets = (await login()).secrets()
    fake.put('dev', '/', 'A', '1')
    const timers = fastSdkTimers()
    try {
      fake.failNext({ status: 429, route: ROUTES.get, times: 5 })
      expect(await messageOf(secrets.getSecret({ ...at(), secretName: 'A' }))).toEqual(SDK_ERROR_MESSAGES.rateLimited)
      expect(fake.count(ROUTES.get)).toBe(5)
      expect(timers.backoffs).toHaveLength(4)
      timers.backoffs.forEach((delay, i) => {
        expect(delay).toBeGreaterThanOrEqual(800 * 2 ** i)
        expect(delay).toBeLessThanOrEqual(1200 * 2 ** i)
      })
      fake.failNext({ status: 429, route: ROUTES.get })
      expect((await secrets.getSecret({ ...at(), secretName: 'A' })).secretValue).toBe('1')
    } finally {
      timers.restore()
    }
  })

  it('a dropped connection is retried 4 times, then thrown as "fetch failed"', async () => {
    const secrets = (await login()).secrets()
    const timers = fastSdkTimers()
    try {
      fake.failNext({ drop: true, route: ROUTES.list, times: 5 })
      expect(await failure(secrets.listSecrets(at()))).toEqual({
        name: 'InfisicalSDKError',
        message: SDK_ERROR_MESSAGES.network,
      })
      expect(fake.count(ROUTES.list)).toBe(5)
      // Writes are retried too: a create whose connection dropped is sent again.
      fake.failNext({ drop: true, route: ROUTES.create })
      await secrets.createSecret('A', { ...at(), secretValue: '1' })
      expect(fake.count(ROUTES.create)).toBe(2)
    } finally {
      timers.restore()
    }
  })

  it('a request past the SDK timeout is aborted, retried 4 times, then thrown', async () => {
    const secrets = (await login()).secrets()
    const timers = fastSdkTimers({ requestTimeoutMs: 20 })
    try {
      fake.configure({ latencyMs: 200 })
      expect(await messageOf(secrets.listSecrets(at()))).toEqual(SDK_ERROR_MESSAGES.timeout)
      expect(fake.count(ROUTES.list)).toBe(5)
    } finally {
      timers.restore()
    }
  })

  it("answers that are not Infisical's: what the SDK makes of a proxy's, a gateway's or a wrong siteUrl's", async () => {
    fake.put('dev', '/', 'A', '1')
    const token = (await login()).auth().getAccessToken() as string
    const proxy = await startFaultProxy({ target: fake.siteUrl })
    try {
      const viaProxy = sdkFor(token, proxy.url)
      const get = () => viaProxy.secrets().getSecret({ ...at(), secretName: 'A' })
      const html = (status: number): Fault => ({
        kind: 'status',
        status,
        body: `<html>${status}</html>`,
        headers: { 'content-type': 'text/html' },
      })
      const cases: Array<[Fault, SdkErrorCase]> = [
        [html(404), 'htmlNotFound'],
        [html(403), 'htmlForbidden'],
        [html(502), 'badGateway'],
        [{ kind: 'status', status: 500 }, 'emptyServerError'],
        [{ kind: 'status', status: 200, body: '' }, 'emptySecretAnswer'],
        [{ kind: 'cut' }, 'cutOff'],
      ]
      for (const [fault, label] of cases) {
        proxy.inject(fault, { times: 1 })
        expect(await failure(get()), label).toEqual({ name: 'InfisicalSDKError', message: SDK_ERROR_MESSAGES[label] })
      }
      proxy.inject({ kind: 'status', status: 200, body: '' }, { times: 1 })
      const folder = { projectId: fake.projectId, environment: 'dev', name: 'x', path: '/' }
      expect(await messageOf(viaProxy.folders().create(folder))).toBe(SDK_ERROR_MESSAGES.emptyFolderAnswer)
      // A garbled or foreign 200 is no error at all: getSecret answers the body's `secret`, here none.
      for (const body of ['{"secret":{"secretKey":"A","secr', '{}', '[]', '<html>login</html>']) {
        proxy.inject({ kind: 'status', status: 200, body }, { times: 1 })
        expect(await get(), body).toBeUndefined()
      }
      // None of these were retried: the SDK retries only network errors, its own timeout and 429.
      expect(proxy.stats.requests).toBe(cases.length + 1 + 4)
    } finally {
      await proxy.close()
    }
    // A siteUrl with a path the server does not serve: its route-not-found JSON reads like Infisical's 404s.
    const nested = sdkFor(token, `${fake.siteUrl}/nested`)
    expect(await failure(nested.secrets().getSecret({ ...at(), secretName: 'A' }))).toEqual({
      name: 'InfisicalSDKRequestError',
      message: SDK_ERROR_MESSAGES.routeNotFound,
    })
  })

  it('request-error messages split into URL, method, status and message, odd names included', async () => {
    const secrets = (await login()).secrets()
    const odd = await messageOf(secrets.getSecret({ ...at('/a] [b'), secretName: 'x] [Method=PUT] y' }))
    const [, url, method, status, message] = SDK_REQUEST_ERROR_PATTERN.exec(odd) ?? []
    expect([method, status, message]).toEqual([
      'GET',
      '404',
      "Folder with path '/a] [b' in environment with slug 'dev' not found",
    ])
    expect(url).toContain('/api/v3/secrets/raw/x%5D%20%5BMethod%3DPUT%5D%20y?')
    for (const fixture of Object.values(SDK_ERROR_MESSAGES).filter((m) => m.startsWith('[URL='))) {
      expect(fixture).toMatch(SDK_REQUEST_ERROR_PATTERN)
    }
  })
})
