import { expectTenantIsolation } from '@secret-store/testkit'
import { describe, expect, it } from 'vitest'
import { parseResourceName, SECRET_ID_MAX_LENGTH, secretManagerId } from '../src/index.js'

const ruleOf = (name: string) => {
  const result = secretManagerId(name)
  return typeof result === 'object' ? result.invalid : result
}

describe('secretManagerId', () => {
  it('sends every secret id Secret Manager accepts verbatim, case kept', () => {
    for (const name of [
      'DB_PASSWORD',
      'stripe-api-key',
      'a',
      '-',
      '_x_',
      '0',
      'ApiKey',
      'x'.repeat(SECRET_ID_MAX_LENGTH),
    ]) {
      expect(secretManagerId(name), name).toBe(name)
    }
  })

  it('sends full resource names verbatim: global, regional, with a version number or alias', () => {
    for (const name of [
      'projects/my-project/secrets/db',
      'projects/123456789012/secrets/db',
      'projects/example.com:legacy-project/secrets/db',
      'projects/my-project/locations/europe-west3/secrets/db',
      'projects/my-project/secrets/db/versions/7',
      'projects/my-project/secrets/db/versions/latest',
      'projects/my-project/locations/us-east1/secrets/db/versions/stable',
    ]) {
      expect(secretManagerId(name), name).toBe(name)
    }
    expect(parseResourceName('projects/p1/locations/us-east1/secrets/db/versions/3')).toEqual({
      project: 'p1',
      location: 'us-east1',
      secretId: 'db',
      version: '3',
    })
    expect(parseResourceName('projects/p1/secrets/db')).toEqual({
      project: 'p1',
      location: undefined,
      secretId: 'db',
      version: undefined,
    })
    expect(parseResourceName('db')).toBeUndefined()
  })

  it("stores the tenant form as tenant--<tenant>--<name>, up to Secret Manager's 255 characters", () => {
    expect(secretManagerId(`tenant:acme:${'x'.repeat(241)}`)).toHaveLength(255)
    expect(secretManagerId('tenant:acme:stripeApiKey')).toBe('tenant--acme--stripeApiKey')
    expect(secretManagerId('tenant:acme-corp:db_password')).toBe('tenant--acme-corp--db_password')
    expect(secretManagerId('tenant:Acme_EU:-key')).toBe('tenant--Acme_EU---key')
  })

  it('refuses what Secret Manager refuses, naming its rule', () => {
    for (const name of [
      'has.dot',
      'app/db-url',
      'a:b',
      'a b',
      'ümlaut',
      'x'.repeat(SECRET_ID_MAX_LENGTH + 1),
      'tenant:acme:',
      'tenant:acme:a.b',
      'tenant:acme:a:b',
      `tenant:acme:${'x'.repeat(242)}`,
      'projects/Upper/secrets/db',
      'projects/p/secrets/db.x',
      'projects/p/secrets/db/versions/1.0',
      'projects/p/secrets/db/versions/',
      'projects/p/locations/EU/secrets/db',
      'projects/p/secrets/db/extra',
      'tenant:acme:projects/p/secrets/db',
    ]) {
      expect(ruleOf(name), name).toMatch(/^Secret Manager secret ids are 1 to 255 letters, digits, _ and -/)
    }
  })

  it('takes only tenant ids whose end the -- separator marks unambiguously', () => {
    for (const tenant of ['acme-', '-acme', 'acme--corp', 'a--']) {
      expect(ruleOf(`tenant:${tenant}:key`), tenant).toMatch(
        /tenant id is letters, digits and _ with single inner hyphens/,
      )
    }
  })

  it('never lets two tenants reach the same secret (10,000 generated cases and their neighbours)', () => {
    const report = expectTenantIsolation({
      backendName: secretManagerId,
      nameAlphabet: 'abAB01_-',
      tricky: '-_',
      cases: 10_000,
      seed: 11,
    })
    // Tenant ids with an outer or doubled hyphen are refused (refusing is always safe).
    expect(report.refused).toBeGreaterThan(0)
  })
})
