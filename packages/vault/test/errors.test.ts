import { inspect } from 'node:util'
import {
  AccessDeniedError,
  ConfigurationError,
  InvalidSecretValueError,
  type SecretStoreError,
  UnavailableError,
  UnknownSecretStoreError,
} from '@secret-store/core'
import { secretStoreRejection } from '@secret-store/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { VaultCheckAndSetError, type VaultClient, VaultSecretStore } from '../src/index.js'
import { type StubAnswer, type StubVault, startStubVault } from './support/http.js'

// Error mapping for answers a dev server cannot give (429, 5xx, sealed), from a stub HTTP server
// spoken to by a real node-vault client. Mocks are used here only, never in the contract suite.
const TOKEN = 'hvs.stub-token-do-not-leak-0123456789'
const VALUE = 'stub-secret-value-do-not-leak-0123'

let answer: StubAnswer = { status: 200 }
let stub: StubVault

beforeAll(async () => {
  stub = await startStubVault(() => answer)
})
afterAll(async () => {
  await stub.close()
})

const store = (extra: { requestTimeoutMs?: number; cas?: boolean } = {}) =>
  new VaultSecretStore({
    endpoint: stub.endpoint,
    token: TOKEN,
    enableSet: true,
    enableRemove: true,
    cache: false,
    ...extra,
  })

const failure = (promise: Promise<unknown>) => secretStoreRejection(promise, [TOKEN, VALUE])

/** Runs get, set and remove against the current stub answer and returns the three errors. */
async function allOperations(): Promise<SecretStoreError[]> {
  const s = store()
  try {
    return [
      await failure(s.getSecret('app/key')),
      await failure(s.setSecret('app/key', VALUE)),
      await failure(s.removeSecret('app/key')),
    ]
  } finally {
    await s.destroy()
  }
}

describe('error mapping against a stub Vault', () => {
  it.each([
    [429, ['request path "secret/data/app/key": rate limit quota exceeded']],
    [503, ['Vault is sealed']],
    [500, ['internal error']],
    [502, []],
    [412, ['required index state not present']],
  ])('maps %i to a retryable UnavailableError for get, set and remove', async (status, errors) => {
    answer = { status, body: { errors } }
    for (const error of await allOperations()) {
      expect(error).toBeInstanceOf(UnavailableError)
      expect(error.code).toBe('UNAVAILABLE')
      expect(error.retryable).toBe(true)
      expect(error.message).toContain(String(status))
      expect(error.store).toBe('VaultSecretStore')
      expect(error.secretName).toBe('app/key')
    }
  })

  it('maps 403 to a non-retryable AccessDeniedError, with one request per operation for a static token', async () => {
    answer = { status: 403, body: { errors: ['permission denied'] } }
    stub.requests.length = 0
    const errors = await allOperations()
    expect(stub.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'DELETE'])
    for (const error of errors) {
      expect(error).toBeInstanceOf(AccessDeniedError)
      expect(error.retryable).toBe(false)
      expect(error.message).toContain('Vault answered 403')
    }
  })

  it('maps a 400 check-and-set mismatch to VaultCheckAndSetError, other 400s to UnknownSecretStoreError', async () => {
    answer = { status: 400, body: { errors: ['check-and-set parameter did not match the current version'] } }
    const s = store()
    const mismatch = await failure(s.setSecret('app/key', VALUE))
    expect(mismatch).toBeInstanceOf(VaultCheckAndSetError)
    expect(mismatch).toBeInstanceOf(UnknownSecretStoreError)
    expect(mismatch.retryable).toBe(false)
    answer = { status: 400, body: { errors: ['check-and-set parameter required for this call'] } }
    expect((await failure(s.setSecret('app/key', VALUE))).message).toContain('requires cas: true')
    answer = { status: 400, body: { errors: ['invalid request'] } }
    const other = await failure(s.setSecret('app/key', VALUE))
    expect(other).toBeInstanceOf(UnknownSecretStoreError)
    expect(other).not.toBeInstanceOf(VaultCheckAndSetError)
    await s.destroy()
  })

  it('reads a 404 with an empty error list as missing, a 404 for an unknown route as an error', async () => {
    const s = store()
    answer = { status: 404, body: { errors: [] } }
    expect(await s.getSecret('app/key')).toEqual({ 'app/key': undefined })
    await expect(s.removeSecret('app/key')).resolves.toBeUndefined()
    answer = { status: 404, body: { errors: ['no handler for route "secret/data/app/key". route entry not found.'] } }
    const error = await failure(s.getSecret('app/key'))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message).toContain('mount "secret"')
    await failure(s.removeSecret('app/key'))
    await s.destroy()
  })

  it('turns an entry without the value field into InvalidSecretValueError, never undefined', async () => {
    const s = store()
    answer = { status: 200, body: { data: { data: { username: 'someone' }, metadata: { version: 1 } } } }
    const missing = await failure(s.getSecret('app/key'))
    expect(missing).toBeInstanceOf(InvalidSecretValueError)
    expect(missing.message).toContain('no "value" field')
    answer = { status: 200, body: { data: { data: { value: 42 }, metadata: { version: 1 } } } }
    expect((await failure(s.getSecret('app/key'))).message).toContain('holds a number')
    await s.destroy()
  })

  it('maps a refused connection to UnavailableError without the token or value in the cause', async () => {
    const closed = await startStubVault(() => ({ status: 200 }))
    const endpoint = closed.endpoint
    await closed.close()
    const s = new VaultSecretStore({ endpoint, token: TOKEN, enableSet: true })
    const error = await failure(s.setSecret('app/key', VALUE))
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error.message).toContain('ECONNREFUSED')
    expect((error.cause as { code?: unknown }).code).toBe('ECONNREFUSED')
    await s.destroy()
  })

  it('maps an unreachable AppRole login to UnavailableError without the secret id in the cause', async () => {
    const closed = await startStubVault(() => ({ status: 200 }))
    const endpoint = closed.endpoint
    await closed.close()
    const secretId = 'approle-secret-id-do-not-leak-0123'
    const s = new VaultSecretStore({ endpoint, appRole: { roleId: 'role', secretId } })
    const error = await failure(s.getSecret('app/key'))
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error.message).toContain('AppRole login')
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(secretId)
    await s.destroy()
  })

  it('maps a request timeout to UnavailableError', async () => {
    answer = { status: 200, hang: true }
    const s = store({ requestTimeoutMs: 150 })
    const error = await failure(s.getSecret('app/key'))
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error.message).toMatch(/ECONNABORTED|ETIMEDOUT/)
    await s.destroy()
  })

  it('sends each segment percent-encoded and the token only as a header', async () => {
    answer = { status: 200, body: { data: { data: { value: VALUE } } } }
    stub.requests.length = 0
    const s = store()
    expect(await s.getSecret('tenant:acme:stripeApiKey')).toEqual({ 'tenant:acme:stripeApiKey': VALUE })
    expect(stub.requests.map((r) => r.path)).toEqual(['secret/data/tenant%3Aacme%3AstripeApiKey'])
    expect(stub.requests[0]?.headers['x-vault-token']).toBe(TOKEN)
    await s.destroy()
  })
})

describe('Retry-After', () => {
  // node-vault 0.12 keeps only the status and body of a response, so a client that keeps headers is faked here.
  const rejecting = (headers: Record<string, string>): VaultClient => {
    const error = Object.assign(new Error('Status 429'), {
      response: { statusCode: 429, body: { errors: [] }, headers },
    })
    return {
      read: () => Promise.reject(error),
      write: () => Promise.reject(error),
      delete: () => Promise.reject(error),
    }
  }

  it('reads seconds and HTTP dates when the client exposes response headers', async () => {
    // Retries off: a 7 s Retry-After fits the deadline and would be waited out.
    const seconds = new VaultSecretStore({ client: rejecting({ 'Retry-After': '7' }), retry: false })
    expect(((await failure(seconds.getSecret('k'))) as UnavailableError).retryAfterMs).toBe(7_000)
    const inAMinute = new Date(Date.now() + 60_000).toUTCString()
    const date = new VaultSecretStore({ client: rejecting({ 'retry-after': inAMinute }), retry: false })
    const fromDate = ((await failure(date.getSecret('k'))) as UnavailableError).retryAfterMs
    expect(fromDate).toBeGreaterThan(50_000)
    expect(fromDate).toBeLessThanOrEqual(60_000)
    await seconds.destroy()
    await date.destroy()
  })

  it('is undefined with a plain node-vault client, which drops response headers', async () => {
    answer = { status: 429, body: { errors: ['rate limit quota exceeded'] }, headers: { 'Retry-After': '3' } }
    const s = store()
    const error = (await failure(s.getSecret('k'))) as UnavailableError
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error.retryAfterMs).toBeUndefined()
    await s.destroy()
  })
})
