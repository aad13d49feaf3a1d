/**
 * How the store classifies what comes back from the sidecar's address: daprd's own answers, and answers
 * of something else (a proxy, an HTML page, a garbled 200), injected by a fault proxy in front of a real daprd.
 */
import { AccessDeniedError, type SecretStoreError, UnavailableError, UnknownSecretStoreError } from '@secret-store/core'
import { type FaultProxy, rejectionOf, startFaultProxy } from '@secret-store/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DaprResponseError, isSecretNotFound, mapDaprError } from '../src/errors.js'
import { DaprSecretStore, type DaprSecretStoreOptions } from '../src/index.js'
import { DAPRD_STORES, type Daprd, startDaprd } from './support/daprd.js'

const json = { 'content-type': 'application/json' }
const daprBody = (errorCode: string, message: string) => JSON.stringify({ errorCode, message })

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

/** The error of reading `names` while every request gets `status`/`body`. */
async function answeredWith(status: number, body: string, headers: Record<string, string> = json, names = ['key']) {
  proxy.inject({ kind: 'status', status, body, headers })
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
    ['a 200 without a body', 200, '', {}, 'Dapr answered 200 with a body that is not a secret'],
    [
      'a 200 HTML page',
      200,
      '<html>login</html>',
      { 'content-type': 'text/html' },
      'Dapr answered 200 with a body that is not a secret',
    ],
    ['a 200 with numbers', 200, '{"key":1}', json, 'Dapr answered 200 with a body that is not a secret'],
    ['a 200 with an array', 200, '["value"]', json, 'Dapr answered 200 with a body that is not a secret'],
    ['a 200 with null', 200, 'null', json, 'Dapr answered 200 with a body that is not a secret'],
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
    expect(error.message).toBe('secret backend unavailable: Dapr answered 200 with a body that is not a secret')
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
    expect(error).toBeInstanceOf(UnknownSecretStoreError)
    expect(error.message).toBe(
      'secret store error: Dapr has no secret store "local-file" (500 ERR_SECRET_STORES_NOT_CONFIGURED); check the component\'s metadata.name, its scopes and that it loaded for this app',
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

  it('a 429 or 503 with Retry-After is retryable with its delay', async () => {
    for (const status of [429, 503]) {
      const error = (await answeredWith(status, daprBody('ERR_SECRET_GET', 'rate limited'), {
        ...json,
        'retry-after': '2',
      })) as UnavailableError
      expect(error).toBeInstanceOf(UnavailableError)
      expect(error.retryAfterMs).toBe(2_000)
    }
  })

  it('a secret without keys ({}) reads as undefined', async () => {
    proxy.inject({ kind: 'status', status: 200, body: '{}\n', headers: json })
    expect(await store().getSecret('key')).toEqual({ key: undefined })
  })
})

describe('isSecretNotFound and mapDaprError', () => {
  const answer = (status: number, body: string) => new DaprResponseError(status, new Headers(), body)

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
    // daprd's message and the headers are not enumerable: nothing copies them by accident.
    expect(Object.keys(error).sort()).toEqual(['code', 'kind', 'name', 'status'])
    expect(error.detail).toBe('echo')
    expect(answer(500, '{"errorCode":"oops","message":"x"}').code).toBeUndefined()
    expect(new DaprResponseError(200, new Headers(), '{"key":"s3cret-value"}', 'body').detail).toBe('')
  })

  it('classifies transport failures through core', () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect'), { code: 'ECONNRESET' }),
    })
    const error = mapDaprError(refused, {
      store: 'DaprSecretStore',
      operation: 'get',
      secretName: 'k',
      secretStoreName: 's',
    })
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error.message).toBe('secret backend unavailable: could not reach Dapr (ECONNRESET)')
    const other = mapDaprError(new RangeError('boom'), {
      store: 'DaprSecretStore',
      operation: 'get',
      secretName: 'k',
      secretStoreName: 's',
    })
    expect(other).toBeInstanceOf(UnknownSecretStoreError)
    expect(other.message).toBe('secret store error: Dapr request failed (RangeError)')
  })
})
