/**
 * How the store classifies what comes back from the sidecar's address through `@dapr/dapr`: daprd's own
 * answers, and answers of something else (a proxy, an HTML page, a garbled 200), injected by a fault proxy
 * in front of a real daprd; and the one parser of the SDK's rejections, on messages captured from it.
 */
import { CommunicationProtocolEnum, DaprClient, LogLevel } from '@dapr/dapr'
import {
  AccessDeniedError,
  ConfigurationError,
  type SecretStoreError,
  UnavailableError,
  UnknownSecretStoreError,
} from '@secret-store/core'
import { type FaultProxy, freeLoopbackPort, rejectionOf, startFaultProxy } from '@secret-store/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DaprResponseError, fromSdkError, isSecretNotFound, mapDaprError } from '../src/errors.js'
import { DaprSecretStore, type DaprSecretStoreOptions } from '../src/index.js'
import { DAPRD_STORES, type Daprd, startDaprd } from './support/daprd.js'

const json = { 'content-type': 'application/json' }
const daprBody = (errorCode: string, message: string) => JSON.stringify({ errorCode, message })
const context = { store: 'DaprSecretStore', operation: 'get', secretName: 'k', secretStoreName: 's' } as const

let daprd: Daprd
let proxy: FaultProxy
const stores: DaprSecretStore[] = []

beforeAll(async () => {
  daprd = await startDaprd({ secrets: { key: 'value', 'not found': 'tricky' } })
  proxy = await startFaultProxy({ target: daprd.httpEndpoint })
})
afterAll(async () => {
  await proxy?.close()
  await daprd?.stop()
})
afterEach(async () => {
  proxy.clear()
  for (const store of stores.splice(0)) await store.destroy()
})

const store = (options: Partial<DaprSecretStoreOptions> = {}) => {
  const made = new DaprSecretStore({
    secretStoreName: DAPRD_STORES.file,
    daprEndpoint: proxy.url,
    cache: false,
    retry: false,
    ...options,
  } as DaprSecretStoreOptions)
  stores.push(made)
  return made
}

/** Reads of the secrets API (not the SDK's `/v1.0/metadata` wait for the sidecar). */
const secretsRead = { match: (request: { path: string }) => request.path.startsWith('/v1.0/secrets/') }

/** The error of reading `names` while every secrets read gets `status`/`body`. */
async function answeredWith(status: number, body: string, headers: Record<string, string> = json, names = ['key']) {
  proxy.inject({ kind: 'status', status, body, headers }, secretsRead)
  return (await rejectionOf(store({ bulk: 'always' }).getSecret(...names))) as SecretStoreError
}

describe('answers of something other than the sidecar are UnavailableError, never a missing secret', () => {
  const cases: Array<[string, number, string, Record<string, string>, string]> = [
    [
      "a proxy's 404 page",
      404,
      '<html>Not Found</html>',
      { 'content-type': 'text/html' },
      'the sidecar address answered 404 without a Dapr error body',
    ],
    ['a 404 without a body', 404, '', {}, 'the sidecar address answered 404 without a Dapr error body'],
    [
      'a 400 in plain text',
      400,
      'bad request',
      { 'content-type': 'text/plain' },
      'the sidecar address answered 400 without a Dapr error body',
    ],
    ['a 200 without a body', 200, '', {}, 'Dapr answered with a body that is not a secret'],
    [
      'a 200 HTML page',
      200,
      '<html>login</html>',
      { 'content-type': 'text/html' },
      'Dapr answered with a body that is not a secret',
    ],
    ['a 200 with numbers', 200, '{"key":1}', json, 'Dapr answered with a body that is not a secret'],
    ['a 200 with an array', 200, '["value"]', json, 'Dapr answered with a body that is not a secret'],
    ['a 200 with null', 200, 'null', json, 'Dapr answered with a body that is not a secret'],
  ]
  for (const [label, status, body, headers, reason] of cases) {
    it(label, async () => {
      const error = await answeredWith(status, body, headers)
      expect(error).toBeInstanceOf(UnavailableError)
      expect(error.message).toBe(`secret backend unavailable: ${reason}`)
      expect(error.retryable).toBe(true)
    })
  }

  it('a bulk answer whose entries are not secrets', async () => {
    const error = await answeredWith(200, '{"key":"value","other":"o"}', json, ['key', 'other', 'third'])
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error.message).toBe('secret backend unavailable: Dapr answered with a body that is not a secret')
  })
})

describe("daprd's own answers", () => {
  it('ERR_SECRET_GET that is not "not found" (the backend failed) is a retryable UnavailableError', async () => {
    const error = await answeredWith(
      500,
      daprBody('ERR_SECRET_GET', 'failed getting secret with key key from secret store local-file: connection refused'),
    )
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error.message).toBe('secret backend unavailable: Dapr answered 500')
  })

  it('a key or store named "not found" does not make an error a missing secret', async () => {
    const message = 'failed getting secret with key not found from secret store local-file: permission error'
    const error = await answeredWith(500, daprBody('ERR_SECRET_GET', message), json, ['not found'])
    expect(error).toBeInstanceOf(UnavailableError)
    // The sidecar's real answer for that key reads fine.
    proxy.clear()
    expect(await store().getSecret('not found')).toEqual({ 'not found': 'tricky' })
  })

  it('ERR_SECRET_STORES_NOT_CONFIGURED is the configuration error naming the store', async () => {
    const error = await answeredWith(
      500,
      daprBody('ERR_SECRET_STORES_NOT_CONFIGURED', 'secret store is not configured'),
    )
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message).toBe(
      'secret store "DaprSecretStore" is misconfigured: Dapr has no secret store "local-file" (500 ERR_SECRET_STORES_NOT_CONFIGURED); check the component\'s metadata.name, its scopes and that it loaded for this app',
    )
    expect(error.retryable).toBe(false)
  })

  it('another Dapr error code is UnknownSecretStoreError with status and code only', async () => {
    const error = await answeredWith(404, daprBody('ERR_DIRECT_INVOKE', 'failed getting app id SECRET-ECHO'))
    expect(error).toBeInstanceOf(UnknownSecretStoreError)
    expect(error.message).toBe('secret store error: Dapr request failed (404 ERR_DIRECT_INVOKE)')
    expect(JSON.stringify(error)).not.toContain('SECRET-ECHO')
    expect((error.cause as Error).message).toBe('ERR_DIRECT_INVOKE 404')
    expect(Object.values(error.cause as object).join()).not.toContain('SECRET-ECHO')
  })

  it('the API token check (401, plain text) is AccessDeniedError', async () => {
    const error = await answeredWith(401, 'invalid api token\n', { 'content-type': 'text/plain' })
    expect(error).toBeInstanceOf(AccessDeniedError)
  })

  it('a 429 or 503 is retryable; its Retry-After does not come through the SDK', async () => {
    for (const status of [429, 503]) {
      proxy.clear()
      const error = (await answeredWith(status, daprBody('ERR_SECRET_GET', 'rate limited'), {
        ...json,
        'retry-after': '2',
      })) as UnavailableError
      expect(error).toBeInstanceOf(UnavailableError)
      expect(error.message).toBe(`secret backend unavailable: Dapr answered ${status}`)
      expect(error.retryAfterMs).toBeUndefined()
    }
  })

  it('a secret without keys ({}) reads as undefined', async () => {
    proxy.inject({ kind: 'status', status: 200, body: '{}\n', headers: json }, secretsRead)
    expect(await store().getSecret('key')).toEqual({ key: undefined })
  })
})

describe('isSecretNotFound and mapDaprError', () => {
  const answer = (status: number, body: string) => new DaprResponseError(status, body)

  it('takes only ERR_SECRET_GET whose message says not found once the key and store are taken out', () => {
    const notFound = answer(
      500,
      daprBody('ERR_SECRET_GET', 'failed getting secret with key k from secret store s: secret k not found'),
    )
    expect(isSecretNotFound(notFound, 'k', 's')).toBe(true)
    for (const message of ['secrets "k" not found', 'ResourceNotFoundException: no such secret', 'SecretNotFound']) {
      expect(isSecretNotFound(answer(500, daprBody('ERR_SECRET_GET', message)), 'k', 's'), message).toBe(true)
    }
    expect(
      isSecretNotFound(answer(500, daprBody('ERR_SECRET_GET', 'key not found: timeout')), 'key not found', 's'),
    ).toBe(false)
    expect(isSecretNotFound(answer(500, daprBody('ERR_SECRET_GET', 'x')), 'k', 'store not found')).toBe(false)
    expect(isSecretNotFound(answer(404, daprBody('ERR_DIRECT_INVOKE', 'not found')), 'k', 's')).toBe(false)
    expect(isSecretNotFound(answer(404, 'not found'), 'k', 's')).toBe(false)
    expect(isSecretNotFound(new Error('not found'), 'k', 's')).toBe(false)
  })

  it('keeps daprd message out of the error, and the shape check rejects non-Dapr codes', () => {
    const error = answer(500, daprBody('ERR_SECRET_GET', 'echo'))
    expect(error.message).toBe('Dapr answered 500 ERR_SECRET_GET')
    // daprd's message is not enumerable: nothing copies it by accident.
    expect(Object.keys(error).sort()).toEqual(['code', 'kind', 'name', 'status'])
    expect(error.detail).toBe('echo')
    expect(answer(500, '{"errorCode":"oops","message":"x"}').code).toBeUndefined()
    const garbled = new DaprResponseError(undefined, '{"key":"s3cret-value"}', 'body')
    expect(garbled.detail).toBe('')
    expect(garbled.message).toBe('Dapr answered with a garbled body')
  })

  it("classifies node-fetch's transport failures (from the SDK) through core", async () => {
    // A real FetchError of the SDK's HTTP client: the request its wait for the sidecar sends, to a closed port.
    const client = new DaprClient({
      daprHost: '127.0.0.1',
      daprPort: String(await freeLoopbackPort()),
      communicationProtocol: CommunicationProtocolEnum.HTTP,
      logger: { level: LogLevel.Error },
    })
    const execute = (client.daprClient as unknown as { execute(url: string, params: null, init: boolean): unknown })
      .execute
    const refused = await rejectionOf(Promise.resolve(execute.call(client.daprClient, '/metadata', null, false)))
    expect(refused).toMatchObject({ name: 'FetchError', type: 'system', code: 'ECONNREFUSED' })
    expect(fromSdkError(refused)).toBe(refused)
    const error = mapDaprError(refused, context)
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error.message).toBe('secret backend unavailable: could not reach Dapr (ECONNREFUSED)')
    // The FetchError's message names the URL; the cause keeps the code only.
    expect((error.cause as Error).message).toBe('ECONNREFUSED')
    const reset = Object.assign(new Error('request to http://x/ failed, reason: socket hang up'), {
      name: 'FetchError',
      type: 'system',
      code: 'ECONNRESET',
    })
    expect(mapDaprError(reset, context).message).toBe('secret backend unavailable: could not reach Dapr (ECONNRESET)')
    const other = mapDaprError(new RangeError('boom'), context)
    expect(other).toBeInstanceOf(UnknownSecretStoreError)
    expect(other.message).toBe('secret store error: Dapr request failed (RangeError)')
  })

  it('the SDK giving up on the sidecar, and a redirect it could not follow, are UnavailableError', () => {
    const gaveUp = mapDaprError(new Error('DAPR_SIDECAR_COULD_NOT_BE_STARTED'), context)
    expect(gaveUp).toBeInstanceOf(UnavailableError)
    expect(gaveUp.message).toBe(
      'secret backend unavailable: @dapr/dapr gave up waiting for the sidecar (DAPR_SIDECAR_COULD_NOT_BE_STARTED)',
    )
    const loop = Object.assign(new Error('maximum redirect reached at: http://x/'), {
      name: 'FetchError',
      type: 'max-redirect',
    })
    expect(mapDaprError(loop, context).message).toBe(
      'secret backend unavailable: the sidecar address redirected and the redirect failed (max-redirect)',
    )
  })

  it('an abort reason from the attempt comes out as it is', () => {
    const timeout = new UnavailableError('the backend did not answer within 200 ms', { store: 'DaprSecretStore' })
    expect(fromSdkError(timeout)).toBe(timeout)
    expect(mapDaprError(timeout, context)).toBe(timeout)
    const aborted = mapDaprError(new DOMException('This operation was aborted', 'AbortError'), context)
    expect(aborted).toBeInstanceOf(UnavailableError)
    expect(aborted.message).toBe('secret backend unavailable: Dapr did not answer in time (AbortError)')
  })
})

describe('fromSdkError on what @dapr/dapr 3.18 rejects with (captured from daprd 1.18.2)', () => {
  /** `HTTPClient.execute`: `new Error(JSON.stringify({ error: statusText, error_msg: body, status }))`. */
  const sdkError = (error: string, body: string, status: number) =>
    new Error(JSON.stringify({ error, error_msg: body, status }))
  const captured = {
    missing: sdkError(
      'Internal Server Error',
      daprBody(
        'ERR_SECRET_GET',
        'failed getting secret with key missing from secret store local-file: secret missing not found',
      ),
      500,
    ),
    unknownStore: sdkError(
      'Unauthorized',
      daprBody('ERR_SECRET_STORE_NOT_FOUND', 'failed finding secret store with key no-such-store'),
      401,
    ),
    denied: sdkError(
      'Forbidden',
      daprBody('ERR_PERMISSION_DENIED', 'access denied by policy to get "a" from "local-file"'),
      403,
    ),
    badToken: sdkError('Unauthorized', 'invalid api token\n', 401),
    proxyPage: sdkError('Not Found', '<html>Not Found</html>', 404),
  }

  it('matches the captured text byte for byte', () => {
    expect(captured.missing.message).toBe(
      '{"error":"Internal Server Error","error_msg":"{\\"errorCode\\":\\"ERR_SECRET_GET\\",\\"message\\":\\"failed getting secret with key missing from secret store local-file: secret missing not found\\"}","status":500}',
    )
    expect(captured.badToken.message).toBe('{"error":"Unauthorized","error_msg":"invalid api token\\n","status":401}')
  })

  it('gives the status, daprd error code and message of each answer', () => {
    const parsed = Object.fromEntries(
      Object.entries(captured).map(([label, error]) => {
        const answer = fromSdkError(error) as DaprResponseError
        expect(answer, label).toBeInstanceOf(DaprResponseError)
        return [label, { status: answer.status, code: answer.code, detail: answer.detail, kind: answer.kind }]
      }),
    )
    expect(parsed).toEqual({
      missing: {
        status: 500,
        code: 'ERR_SECRET_GET',
        detail: 'failed getting secret with key missing from secret store local-file: secret missing not found',
        kind: 'status',
      },
      unknownStore: {
        status: 401,
        code: 'ERR_SECRET_STORE_NOT_FOUND',
        detail: 'failed finding secret store with key no-such-store',
        kind: 'status',
      },
      denied: {
        status: 403,
        code: 'ERR_PERMISSION_DENIED',
        detail: 'access denied by policy to get "a" from "local-file"',
        kind: 'status',
      },
      badToken: { status: 401, code: undefined, detail: 'invalid api token\n', kind: 'status' },
      proxyPage: { status: 404, code: undefined, detail: '<html>Not Found</html>', kind: 'status' },
    })
    expect(isSecretNotFound(fromSdkError(captured.missing), 'missing', 'local-file')).toBe(true)
  })

  it('classifies each as the store reports it', () => {
    const classes = Object.fromEntries(
      Object.entries(captured).map(([label, error]) => {
        const mapped = mapDaprError(fromSdkError(error), { ...context, secretStoreName: 'no-such-store' })
        return [label, `${mapped.constructor.name}: ${mapped.message}`]
      }),
    )
    expect(classes).toEqual({
      missing: 'UnavailableError: secret backend unavailable: Dapr answered 500',
      unknownStore:
        'ConfigurationError: secret store "DaprSecretStore" is misconfigured: Dapr has no secret store "no-such-store" (401 ERR_SECRET_STORE_NOT_FOUND); check the component\'s metadata.name, its scopes and that it loaded for this app',
      denied:
        'AccessDeniedError: access denied to "k": Dapr answered 403 ERR_PERMISSION_DENIED: the store\'s secret scoping refuses this secret',
      badToken:
        'AccessDeniedError: access denied to "k": Dapr answered 401: the dapr-api-token is missing or wrong (DAPR_API_TOKEN)',
      proxyPage:
        'UnavailableError: secret backend unavailable: the sidecar address answered 404 without a Dapr error body',
    })
  })

  it('leaves everything else as it is', () => {
    for (const other of [
      new Error('DAPR_SIDECAR_COULD_NOT_BE_STARTED'),
      new Error('{not json'),
      new Error('{"error":"x","status":"500","error_msg":"y"}'),
      new Error('{"error":"x","status":500}'),
      new Error('null'),
      new TypeError('{"error":"x","error_msg":"y","status":500}'),
      'a string',
      undefined,
    ]) {
      expect(fromSdkError(other)).toBe(other)
    }
  })
})
