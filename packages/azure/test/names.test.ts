import { expectTenantIsolation } from '@secret-store/testkit'
import { describe, expect, it } from 'vitest'
import { KEY_VAULT_NAME_MAX_LENGTH, keyVaultName } from '../src/index.js'

const ruleOf = (name: string) => {
  const result = keyVaultName(name)
  return typeof result === 'object' ? result.invalid : result
}

describe('keyVaultName', () => {
  it('sends every name Key Vault accepts verbatim', () => {
    for (const name of ['my-secret', 'backup-5', 'db-2024', 'paymentApiKey', '-x-', '0', 'a'.repeat(127)]) {
      expect(keyVaultName(name), name).toBe(name)
    }
  })

  it('stores the tenant form as tenant--<tenant>--<name>', () => {
    expect(keyVaultName('tenant:acme:stripeApiKey')).toBe('tenant--acme--stripeApiKey')
    expect(keyVaultName('tenant:acme-corp:db-password')).toBe('tenant--acme-corp--db-password')
  })

  it('refuses what Key Vault refuses, naming its rule', () => {
    for (const name of ['db_password', 'app/db.url', 'a:b', 'a b', 'x'.repeat(KEY_VAULT_NAME_MAX_LENGTH + 1)]) {
      expect(ruleOf(name), name).toMatch(/^Key Vault names are 1 to 127 letters, digits and -/)
    }
    expect(ruleOf(`tenant:acme:${'x'.repeat(120)}`)).toMatch(/^Key Vault names are/)
    expect(ruleOf('tenant:acme:a_b')).toMatch(/^Key Vault names are/)
  })

  it('takes only tenant ids that stay apart under Key Vault case-insensitivity and its -- separator', () => {
    for (const tenant of ['Acme', 'acme_corp', 'acme-', '-acme', 'acme--corp']) {
      expect(ruleOf(`tenant:${tenant}:key`), tenant).toMatch(/tenant id is lower-case/)
    }
  })

  it('never lets two tenants reach the same secret, ignoring case (10,000 generated cases and neighbours)', () => {
    expectTenantIsolation({
      backendName: keyVaultName,
      backendKey: (id) => id.toLowerCase(),
      nameAlphabet: 'abAB01-',
      tricky: '-',
      // Key Vault refuses capitals and _ in tenant ids, so more cases are drawn to compare 10,000 accepted ones.
      cases: 20_000,
      seed: 5,
    })
  })
})
