import { inspect } from 'node:util'
import type { TokenCredential } from '@azure/identity'
import { AuthenticationError, CredentialUnavailableError } from '@azure/identity'
import type { SecretClientOptions } from '@azure/keyvault-secrets'
import {
  AccessDeniedError,
  ConfigurationError,
  type SecretStoreError,
  UnavailableError,
  UnknownSecretStoreError,
} from '@secret-store/core'
import { secretStoreRejection } from '@secret-store/testkit'
import { describe, expect, it } from 'vitest'
import { AzureSecretStore } from '../src/index.js'
import { clientOptions, rawClient, staticCredential } from './support/azure.js'
import { startKeyVaultFake, useKeyVaultFake } from './support/key-vault-fake.js'

// Error mapping through a real SecretClient, with the answers forced by the fake's fault injection.
const VALUE = 'azure-secret-value-do-not-leak-0123'
const TOKEN = 'azure-token-do-not-leak-0123456789'

const kv = useKeyVaultFake<AzureSecretStore>()
const { stores } = kv

/** A store that does not retry, so each fault reaches the mapping at once. */
function makeStore(
  options: { vaultUrl?: string; credential?: TokenCredential; clientOptions?: SecretClientOptions } = {},
): AzureSecretStore {
  const store = new AzureSecretStore({
    vaultUrl: options.vaultUrl ?? kv.fake.vaultUrl,
    credential: options.credential ?? staticCredential(TOKEN),
    clientOptions: options.clientOptions ?? clientOptions(kv.fake, { retryOptions: { maxRetries: 0 } }),
    intervalInMs: 1,
    // One request per call: these tests are about what one failed request gives.
    retry: false,
    enableSet: true,
    enableRemove: true,
    cache: false,
  })
  stores.push(store)
  return store
}

/** Awaits a rejection and checks that neither the value nor the token shows anywhere in it. */
const failure = (promise: Promise<unknown>) => secretStoreRejection(promise, [VALUE, TOKEN])

/** Runs get, set and remove, each against a fresh fault, and returns the three errors. */
async function allOperations(arm: () => void): Promise<SecretStoreError[]> {
  const store = makeStore()
  // The challenge round trip first, so the faults hit the operations themselves.
  await store.getSecret('warm-up')
  const errors: SecretStoreError[] = []
  for (const call of [
    () => store.getSecret('app-key'),
    () => store.setSecret('app-key', VALUE),
    () => store.removeSecret('app-key'),
  ]) {
    arm()
    errors.push(await failure(call()))
  }
  return errors
}

describe('HTTP answers', () => {
  it('maps 429 with Retry-After: 3 to a retryable UnavailableError with retryAfterMs 3000', async () => {
    const errors = await allOperations(() => kv.fake.failNext({ status: 429, headers: { 'Retry-After': '3' } }))
    for (const error of errors) {
      expect(error).toBeInstanceOf(UnavailableError)
      expect(error.retryable).toBe(true)
      expect((error as UnavailableError).retryAfterMs).toBe(3_000)
      expect(error.message).toContain('429')
      expect(error.store).toBe('AzureSecretStore')
      expect(error.secretName).toBe('app-key')
    }
    expect(errors.map((e) => e.operation)).toEqual(['get', 'set', 'remove'])
  })

  it('reads retry-after-ms and x-ms-retry-after-ms as milliseconds, and an HTTP date', async () => {
    const store = makeStore()
    kv.fake.failNext({ status: 503, headers: { 'retry-after-ms': '1500' } })
    expect(((await failure(store.getSecret('k'))) as UnavailableError).retryAfterMs).toBe(1_500)
    kv.fake.failNext({ status: 429, headers: { 'x-ms-retry-after-ms': '250' } })
    expect(((await failure(store.getSecret('k'))) as UnavailableError).retryAfterMs).toBe(250)
    kv.fake.failNext({ status: 503, headers: { 'Retry-After': new Date(Date.now() + 60_000).toUTCString() } })
    const fromDate = ((await failure(store.getSecret('k'))) as UnavailableError).retryAfterMs
    expect(fromDate).toBeGreaterThan(50_000)
    expect(fromDate).toBeLessThanOrEqual(60_000)
    kv.fake.failNext({ status: 503 })
    expect(((await failure(store.getSecret('k'))) as UnavailableError).retryAfterMs).toBeUndefined()
  })

  it.each([500, 502, 503, 504])('maps %i to a retryable UnavailableError for get, set and remove', async (status) => {
    for (const error of await allOperations(() => kv.fake.failNext({ status }))) {
      expect(error).toBeInstanceOf(UnavailableError)
      expect(error.retryable).toBe(true)
      expect(error.message).toContain(String(status))
    }
  })

  it('maps 403 (a denied identity) to a non-retryable AccessDeniedError for get, set and remove', async () => {
    const store = makeStore({ credential: staticCredential('denied-token') })
    for (const call of [store.getSecret('k'), store.setSecret('k', VALUE), store.removeSecret('k')]) {
      const error = await failure(call)
      expect(error).toBeInstanceOf(AccessDeniedError)
      expect(error.retryable).toBe(false)
      expect(error.message).toContain('403 Forbidden')
    }
  })

  it('maps a disabled secret to AccessDeniedError, not to a missing one', async () => {
    await rawClient(kv.fake).setSecret('disabled', 'v', { enabled: false })
    const error = await failure(makeStore().getSecret('disabled'))
    expect(error).toBeInstanceOf(AccessDeniedError)
    expect(error.message).toContain('Key Vault answered 403')
  })

  it('maps other 4xx answers to UnknownSecretStoreError and scrubs the value from echoed messages', async () => {
    const store = makeStore()
    await store.getSecret('warm-up')
    kv.fake.failNext({
      status: 400,
      body: { error: { code: 'BadParameter', message: `Value ${VALUE} is not allowed.` } },
    })
    const error = await failure(store.setSecret('k', VALUE))
    expect(error).toBeInstanceOf(UnknownSecretStoreError)
    expect(error.message).toContain('400 BadParameter')
    expect(error.message).not.toContain(VALUE)
    expect(inspect(error.cause, { depth: 8, showHidden: true })).not.toContain(VALUE)
  })

  it('keeps a sanitized copy of the RestError as the cause, without request or response', async () => {
    const store = makeStore()
    await store.getSecret('warm-up')
    kv.fake.failNext({ status: 500 })
    const error = await failure(store.setSecret('k', VALUE))
    const cause = error.cause as Error & Record<string, unknown>
    expect(cause.name).toBe('RestError')
    expect(cause.status).toBe(500)
    expect(cause.request).toBeUndefined()
    expect(cause.response).toBeUndefined()
  })
})

describe('network and TLS failures', () => {
  it('maps a dropped connection to UnavailableError without the value in the cause', async () => {
    const store = makeStore()
    await store.getSecret('warm-up')
    for (const call of [() => store.getSecret('k'), () => store.setSecret('k', VALUE)]) {
      kv.fake.failNext({ drop: true })
      const error = await failure(call())
      expect(error).toBeInstanceOf(UnavailableError)
      expect(error.message).toContain('ECONNRESET')
      expect((error.cause as { code?: unknown }).code).toBe('ECONNRESET')
    }
  })

  it('maps a refused connection to UnavailableError', async () => {
    const closed = await startKeyVaultFake()
    await closed.stop()
    const store = makeStore({
      vaultUrl: closed.vaultUrl,
      clientOptions: clientOptions(closed, { retryOptions: { maxRetries: 0 } }),
    })
    const error = await failure(store.setSecret('k', VALUE))
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error.message).toContain('ECONNREFUSED')
  })

  it('maps an untrusted certificate to UnavailableError naming the TLS failure', async () => {
    const store = makeStore({
      clientOptions: { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } },
    })
    const error = await failure(store.getSecret('k'))
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error.message).toMatch(/TLS failure .*(SELF_SIGNED|UNABLE_TO_VERIFY)/)
    expect(error.message).toContain('TLS failure talking to Key Vault')
    expect(kv.fake.requests).toEqual([])
  })
})

describe('credential failures', () => {
  const failing = (error: Error): TokenCredential => ({
    getToken: () => Promise.reject(error),
  })

  it('maps CredentialUnavailableError (no usable identity here) to ConfigurationError', async () => {
    const store = makeStore({
      credential: failing(new CredentialUnavailableError('ManagedIdentityCredential: no managed identity endpoint')),
    })
    const error = await failure(store.getSecret('k'))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.retryable).toBe(false)
    expect(error.message).toContain('no usable Azure credential (CredentialUnavailableError')
  })

  it('maps an AuthenticationError to AccessDeniedError, or to UnavailableError when the token endpoint is down', async () => {
    const refused = makeStore({
      credential: failing(new AuthenticationError(401, { error: 'invalid_client', error_description: 'bad secret' })),
    })
    const denied = await failure(refused.getSecret('k'))
    expect(denied).toBeInstanceOf(AccessDeniedError)
    expect(denied.message).toContain('Microsoft Entra ID refused the credential (AuthenticationError 401')

    const down = makeStore({
      credential: failing(new AuthenticationError(503, { error: 'temporarily_unavailable', error_description: '' })),
    })
    const unavailable = await failure(down.getSecret('k'))
    expect(unavailable).toBeInstanceOf(UnavailableError)
    expect(unavailable.retryable).toBe(true)
  })

  it('names the challenge check when the vault URL is not a Key Vault domain', async () => {
    const store = makeStore({
      clientOptions: { tlsOptions: { ca: kv.fake.ca }, retryOptions: { maxRetries: 0 } },
    })
    const error = await failure(store.getSecret('k'))
    expect(error).toBeInstanceOf(UnknownSecretStoreError)
    expect(error.message).toContain('disableChallengeResourceVerification')
  })
})
