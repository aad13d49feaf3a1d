import { inspect } from 'node:util'
import type { TokenCredential } from '@azure/identity'
import { SecretClient } from '@azure/keyvault-secrets'
import { ConfigurationError, type SecretStore } from '@secret-store/core'
import { DEFAULT_CAPABILITIES } from '@secret-store/core/adapter'
import { describe, expect, it } from 'vitest'
import { AzureSecretStore, type AzureSecretStoreOptions } from '../src/index.js'

// Construction never touches the network or the credential, so none of these tests needs a server.
const VAULT_URL = 'https://my-vault.vault.azure.net'
const CLIENT_SECRET = 'client-secret-construction-only-0123456789'
const TLS_PASSPHRASE = 'tls-passphrase-construction-only-0123456789'

/** A credential that holds a secret and fails the test if anything asks it for a token. */
const credential: TokenCredential & { clientSecret: string } = {
  clientSecret: CLIENT_SECRET,
  getToken: () => Promise.reject(new Error('construction must not ask for a token')),
}

describe('AzureSecretStore options', () => {
  it('builds from a vault URL alone (DefaultAzureCredential, made on first use) and fits the SecretStore contract', async () => {
    const secretStore = new AzureSecretStore({ vaultUrl: VAULT_URL })
    const contract: SecretStore = secretStore
    expect(contract.name).toBe('AzureSecretStore')
    expect(secretStore.capabilities).toEqual({
      ...DEFAULT_CAPABILITIES,
      recoverableDelete: true,
      maxValueBytes: 25 * 1024,
      listing: true,
    })
    await secretStore.destroy()
    expect(secretStore.destroyed).toBe(true)
  })

  it('declares recoverable deletes unless the store purges', async () => {
    const stores = [
      new AzureSecretStore({ vaultUrl: VAULT_URL, credential }),
      new AzureSecretStore({ vaultUrl: VAULT_URL, credential, purgeOnRemove: true }),
      new AzureSecretStore({ client: new SecretClient(VAULT_URL, credential), purgeOnRemove: true }),
    ]
    expect(stores.map((s) => s.capabilities.recoverableDelete)).toEqual([true, false, false])
    for (const store of stores) await store.destroy()
  })

  it('keeps the credential and the client options out of inspect, JSON and spread copies', async () => {
    const stores = [
      new AzureSecretStore({
        vaultUrl: VAULT_URL,
        credential,
        clientOptions: { tlsOptions: { passphrase: TLS_PASSPHRASE } },
        enableSet: true,
      }),
      new AzureSecretStore({ client: new SecretClient(VAULT_URL, credential) }),
    ]
    for (const store of stores) {
      for (const text of [
        inspect(store, { depth: 10, showHidden: true }),
        JSON.stringify(store),
        JSON.stringify({ ...store }),
        inspect({ ...store }, { depth: 10, showHidden: true }),
        inspect((store as unknown as { config: unknown }).config, { depth: 10, showHidden: true }),
      ]) {
        expect(text).not.toContain(CLIENT_SECRET)
        expect(text).not.toContain(TLS_PASSPHRASE)
      }
      await store.destroy()
    }
  })

  it("takes PURISTA's options unchanged: vaultUrl, and options as the SecretClient's options", async () => {
    // As `@purista/azure-secret-store` is built (its types: `vaultUrl: string; options?: SecretClientOptions`).
    const seen: string[] = []
    const probe = {
      name: 'probe',
      sendRequest: async (request: { url: string }) => {
        seen.push(request.url)
        throw new Error('stopped by the test before any network')
      },
    }
    const store = new AzureSecretStore({
      enableGet: true,
      vaultUrl: VAULT_URL,
      options: { additionalPolicies: [{ policy: probe, position: 'perCall' }] },
      retry: false,
    })
    await expect(store.getSecret('db-password')).rejects.toThrow()
    expect(seen).toEqual([expect.stringMatching(/^https:\/\/my-vault\.vault\.azure\.net\/secrets\/db-password\/?\?/)])
    await store.destroy()
  })

  it('rejects contradictory or malformed options with a ConfigurationError', () => {
    const client = new SecretClient(VAULT_URL, credential)
    const bad: Array<[string, unknown]> = [
      ['no vault URL', {}],
      ['a relative vault URL', { vaultUrl: 'my-vault' }],
      ['client and credential', { client, credential }],
      ['client and vaultUrl', { client, vaultUrl: VAULT_URL }],
      ['client and clientOptions', { client, clientOptions: {} }],
      ['client without methods', { client: { vaultUrl: VAULT_URL } }],
      ['credential without getToken', { vaultUrl: VAULT_URL, credential: {} }],
      ['negative poll interval', { vaultUrl: VAULT_URL, intervalInMs: -1 }],
      ['non-boolean purgeOnRemove', { vaultUrl: VAULT_URL, purgeOnRemove: 'yes' }],
      ['client and PURISTA options', { client, options: {} }],
      ['both spellings of the client options', { vaultUrl: VAULT_URL, clientOptions: {}, options: {} }],
      ['an unknown option', { vaultUrl: VAULT_URL, vaultURL: VAULT_URL }],
    ]
    for (const [label, options] of bad) {
      expect(() => new AzureSecretStore(options as AzureSecretStoreOptions), label).toThrow(ConfigurationError)
    }
    expect(() => new AzureSecretStore({ vaultUrl: VAULT_URL, clientOptions: {}, options: {} } as never)).toThrow(
      /the client options is given twice: pass either clientOptions or options, not both/,
    )
    expect(() => new AzureSecretStore({ vaultUrl: VAULT_URL, vaultURL: VAULT_URL } as never)).toThrow(
      /unknown option "vaultURL" \(did you mean "vaultUrl"\?\); accepted options: .*clientOptions.*credential/,
    )
  })

  it('never puts a credential into the error message of a rejected option', () => {
    const error = (() => {
      try {
        new AzureSecretStore({ client: new SecretClient(VAULT_URL, credential), credential } as never)
      } catch (err) {
        return err
      }
    })()
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(inspect(error)).not.toContain(CLIENT_SECRET)
  })
})

// Compile-time checks: a ready client excludes the options that would build one.
const client = new SecretClient(VAULT_URL, credential)
// @ts-expect-error an injected client carries its own credential
void (() => new AzureSecretStore({ client, credential }))
// @ts-expect-error an injected client carries its own vault URL
void (() => new AzureSecretStore({ client, vaultUrl: VAULT_URL }))
// @ts-expect-error an injected client carries its own pipeline options
void (() => new AzureSecretStore({ client, clientOptions: {} }))
// @ts-expect-error without a client the vault URL is required
void (() => new AzureSecretStore({ credential }))
