import { inspect } from 'node:util'
import { ConfigurationError, type SecretStore } from '@secret-store/core'
import { DEFAULT_CAPABILITIES } from '@secret-store/core/adapter'
import { describe, expect, it } from 'vitest'
import { type VaultClient, VaultSecretStore, type VaultSecretStoreOptions } from '../src/index.js'

// Construction never touches the network, so none of these tests needs a server.
const TOKEN = 'hvs.construction-only-token-0123456789'
const SECRET_ID = 'secret-id-construction-only-0123456789'

const unusedClient: VaultClient = {
  read: () => Promise.reject(new Error('not used')),
  write: () => Promise.reject(new Error('not used')),
  delete: () => Promise.reject(new Error('not used')),
}

describe('VaultSecretStore options', () => {
  it('accepts the handbook sample unchanged and fits the SecretStore contract', async () => {
    const secretStore = new VaultSecretStore({
      endpoint: 'http://vault:8200',
      token: process.env.VAULT_TOKEN,
      mount: 'secret',
    })
    const contract: SecretStore = secretStore
    expect(contract.name).toBe('VaultSecretStore')
    expect(secretStore.capabilities).toEqual({ ...DEFAULT_CAPABILITIES, listing: true, recoverableDelete: true })
    await secretStore.destroy()
    expect(secretStore.destroyed).toBe(true)
  })

  it('declares recoverable deletes only for KV v2 without purge', async () => {
    const stores = [
      new VaultSecretStore({ token: TOKEN }),
      new VaultSecretStore({ token: TOKEN, purgeOnRemove: true }),
      new VaultSecretStore({ token: TOKEN, kvVersion: 1 }),
      // Not detected yet: nothing is claimed before the first request.
      new VaultSecretStore({ token: TOKEN, kvVersion: 'auto' }),
    ]
    expect(stores.map((s) => s.capabilities.recoverableDelete)).toEqual([true, false, false, false])
    for (const store of stores) await store.destroy()
  })

  it('keeps the token and the secret id out of inspect, JSON and spread copies', async () => {
    const stores = [
      new VaultSecretStore({ token: TOKEN, enableSet: true }),
      new VaultSecretStore({ appRole: { roleId: 'role-id', secretId: SECRET_ID } }),
      new VaultSecretStore({ client: unusedClient, appRole: { roleId: 'role-id', secretId: SECRET_ID } }),
    ]
    for (const store of stores) {
      for (const text of [
        inspect(store, { depth: 10, showHidden: true }),
        JSON.stringify(store),
        JSON.stringify({ ...store }),
        inspect({ ...store }, { depth: 10, showHidden: true }),
      ]) {
        expect(text).not.toContain(TOKEN)
        expect(text).not.toContain(SECRET_ID)
      }
      await store.destroy()
    }
  })

  it("takes the handbook's sample verbatim: endpoint, token straight from the environment, mount", async () => {
    // The handbook's HashiCorp Vault example; `token` may be undefined (`process.env.VAULT_TOKEN`), also
    // under `exactOptionalPropertyTypes`.
    const secretStore = new VaultSecretStore({
      endpoint: 'http://vault:8200',
      token: process.env.VAULT_TOKEN_THAT_IS_NOT_SET,
      mount: 'secret',
    })
    expect(secretStore.name).toBe('VaultSecretStore')
    await secretStore.destroy()
  })

  it('rejects contradictory or malformed options with a ConfigurationError', () => {
    const bad: Array<[string, unknown]> = [
      ['token and appRole', { token: TOKEN, appRole: { roleId: 'r', secretId: 's' } }],
      ['client and token', { client: unusedClient, token: TOKEN }],
      ['client and endpoint', { client: unusedClient, endpoint: 'http://vault:8200' }],
      ['client without methods', { client: {} }],
      ['empty secret id', { appRole: { roleId: 'r', secretId: '' } }],
      ['climbing mount', { mount: '../sys' }],
      ['climbing prefix', { prefix: 'a/../b' }],
      ['bad AppRole mount path', { appRole: { roleId: 'r', secretId: 's', mountPath: 'a//b' } }],
      ['unknown KV version', { kvVersion: 3 }],
      ['cas on KV v1', { kvVersion: 1, cas: true }],
      ['empty field', { field: '' }],
      ['zero timeout', { requestTimeoutMs: 0 }],
      ['an unknown option', { endpoint: 'http://vault:8200', mont: 'kv' }],
    ]
    for (const [label, options] of bad) {
      expect(() => new VaultSecretStore(options as VaultSecretStoreOptions), label).toThrow(ConfigurationError)
    }
    expect(() => new VaultSecretStore({ mont: 'kv' } as never)).toThrow(
      /unknown option "mont" \(did you mean "mount"\?\); accepted options: .*appRole.*endpoint/,
    )
  })

  it('never puts a credential into the error message of a rejected option', () => {
    const error = (() => {
      try {
        new VaultSecretStore({ token: TOKEN, appRole: { roleId: 'r', secretId: SECRET_ID } } as never)
      } catch (err) {
        return err
      }
    })()
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(inspect(error)).not.toContain(TOKEN)
    expect(inspect(error)).not.toContain(SECRET_ID)
  })
})

// Compile-time checks: exactly one way to authenticate.
// @ts-expect-error token and appRole are mutually exclusive
void (() => new VaultSecretStore({ token: TOKEN, appRole: { roleId: 'r', secretId: 's' } }))
// @ts-expect-error an injected client carries its own token
void (() => new VaultSecretStore({ client: unusedClient, token: TOKEN }))
// @ts-expect-error an injected client carries its own endpoint
void (() => new VaultSecretStore({ client: unusedClient, endpoint: 'http://vault:8200' }))
