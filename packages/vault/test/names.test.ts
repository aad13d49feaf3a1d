import { posix } from 'node:path'
import { ConfigurationError, InvalidSecretNameError } from '@secret-store/core'
import { expectTenantIsolation, randomNames } from '@secret-store/testkit'
import { describe, expect, it } from 'vitest'
import { toVaultPath, vaultSecretPath } from '../src/index.js'

describe('vaultSecretPath', () => {
  it('sends paths verbatim, the tenant form included', () => {
    for (const name of ['apps/payments/db-password', 'tenant:acme:stripeApiKey', 'team a/api key', 'a/.../b.', '.x']) {
      expect(vaultSecretPath(name), name).toBe(name)
    }
  })

  it('refuses empty, . and .. segments, naming Vault rule', () => {
    for (const bad of ['/abs', 'trailing/', 'a//b', '..', '../x', 'a/../b', 'a/./b', 'a/..', '.']) {
      const result = vaultSecretPath(bad)
      expect(typeof result === 'object' ? result.invalid : result, bad).toMatch(/^Vault KV paths are/)
    }
  })

  it('never lets two tenants reach the same secret (10,000 generated cases and their neighbours)', () => {
    expectTenantIsolation({
      backendName: vaultSecretPath,
      nameAlphabet: 'abAB01./:-_ ',
      tricky: '/.:',
      cases: 10_000,
      seed: 4,
    })
  })
})

describe('toVaultPath', () => {
  it('keeps / as the folder separator and percent-encodes each segment', () => {
    expect(toVaultPath('tenant:acme:stripeApiKey')).toBe('tenant%3Aacme%3AstripeApiKey')
    expect(toVaultPath('tenant/acme/stripe.api-key_2')).toBe('tenant/acme/stripe.api-key_2')
    expect(toVaultPath('db/password', 'apps/payments')).toBe('apps/payments/db/password')
    expect(toVaultPath('x', '/apps/')).toBe('apps/x')
    expect(() => toVaultPath('a/../b')).toThrow(InvalidSecretNameError)
    expect(() => toVaultPath('x', '../up')).toThrow(ConfigurationError)
    expect(() => toVaultPath('x', 'a//b')).toThrow(ConfigurationError)
  })

  it('maps 5,000 generated names injectively, reversibly and inside the prefix', () => {
    const names = randomNames(5_000, { seed: 20_240_601, maxLength: 24, tricky: './:%?# ', trickyShare: 0.4 }).filter(
      (name) => typeof vaultSecretPath(name) === 'string',
    )
    expect(names.length).toBeGreaterThan(2_000)
    const prefix = 'tenant/acme'
    const paths = names.map((name) => toVaultPath(name, prefix))
    expect(new Set(paths).size).toBe(names.length)
    names.forEach((name, i) => {
      const path = paths[i] as string
      expect(path.startsWith(`${prefix}/`)).toBe(true)
      // Only unreserved characters and %XX escapes go on the wire, with / between segments.
      expect(path).toMatch(/^[A-Za-z0-9_.%/!'()*~-]+$/)
      const segments = path.split('/')
      expect(segments.every((s) => s !== '' && s !== '.' && s !== '..')).toBe(true)
      // Resolving the path like a server would never changes it: nothing climbs up.
      expect(posix.normalize(path)).toBe(path)
      expect(segments.map(decodeURIComponent).join('/')).toBe(`${prefix}/${name}`)
    })
  })
})
