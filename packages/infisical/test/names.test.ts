import { ConfigurationError, InvalidSecretNameError } from '@secret-store/core'
import { ALPHANUMERIC, expectTenantIsolation } from '@secret-store/testkit'
import { describe, expect, it } from 'vitest'
import { infisicalSecretLocation, infisicalSecretName } from '../src/index.js'
import { normalizeSecretPath } from '../src/names.js'

describe('infisicalSecretName', () => {
  it('sends Infisical keys verbatim, whatever the dashboard allows in them', () => {
    for (const key of ['DB_PASSWORD', 'stripe.api-key', 'a', 'API key (legacy)', 'Ünïcode-名前', 'x%2Fy?#&', '...']) {
      expect(infisicalSecretName(key)).toBe(key)
    }
  })

  it('reads a / as folders below secretPath, whose names are letters, digits, - and _', () => {
    expect(infisicalSecretName('payments/STRIPE_KEY')).toBe('payments/STRIPE_KEY')
    expect(infisicalSecretName('app/db-main/v_2/DATABASE_URL')).toBe('app/db-main/v_2/DATABASE_URL')
    expect(infisicalSecretLocation('app/db/DATABASE_URL')).toEqual({ secretPath: '/app/db', secretKey: 'DATABASE_URL' })
    expect(infisicalSecretLocation('app/db/DATABASE_URL', '/services/')).toEqual({
      secretPath: '/services/app/db',
      secretKey: 'DATABASE_URL',
    })
    expect(infisicalSecretLocation('KEY', 'services')).toEqual({ secretPath: '/services', secretKey: 'KEY' })
  })

  it('stores the tenant form in the folder tenant/<tenant>', () => {
    expect(infisicalSecretName('tenant:acme:STRIPE_KEY')).toBe('tenant/acme/STRIPE_KEY')
    expect(infisicalSecretName('tenant:acme-corp:db/PASSWORD')).toBe('tenant/acme-corp/db/PASSWORD')
    expect(infisicalSecretLocation('tenant:Acme_2:KEY', '/app')).toEqual({
      secretPath: '/app/tenant/Acme_2',
      secretKey: 'KEY',
    })
  })

  it("refuses everything else with Infisical's rule", () => {
    const refused = [
      'A:B',
      'tenant:acme:A:B',
      'tenant:acme:',
      'tenant:ac.me:KEY',
      'tenant::KEY',
      '/LEADING',
      'TRAILING/',
      'a//KEY',
      'fo.lder/KEY',
      'my folder/KEY',
      ' PADDED',
      'PADDED ',
      'tab\u00a0',
      '.',
      '..',
      'app/..',
      'app/.',
    ]
    for (const name of refused) {
      const mapped = infisicalSecretName(name)
      expect(typeof mapped, name).toBe('object')
      expect((mapped as { invalid: string }).invalid).toContain("contain no ':' or '/'")
    }
    expect(() => infisicalSecretLocation('A:B')).toThrow(InvalidSecretNameError)
    expect(() => infisicalSecretLocation('')).toThrow(InvalidSecretNameError)
  })

  it('never lets two tenants share a secret (property check)', () => {
    const report = expectTenantIsolation({
      backendName: infisicalSecretName,
      nameAlphabet: `${ALPHANUMERIC}_-. `,
      tricky: '-_.:/ ',
      cases: 10_000,
    })
    expect(report.accepted).toBeGreaterThanOrEqual(10_000)
    expect(report.refused).toBeGreaterThan(0)
  })
})

describe('normalizeSecretPath', () => {
  it("writes a folder path as Infisical does, and refuses one that isn't", () => {
    expect(normalizeSecretPath('/')).toBe('/')
    expect(normalizeSecretPath('')).toBe('/')
    expect(normalizeSecretPath('app/db/')).toBe('/app/db')
    expect(normalizeSecretPath('/app/db')).toBe('/app/db')
    for (const bad of ['/a//b', '/a b', '/a/../b', '/a.b', 7]) {
      expect(() => normalizeSecretPath(bad), String(bad)).toThrow(ConfigurationError)
    }
  })
})
