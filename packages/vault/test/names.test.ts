import { posix } from 'node:path'
import { InvalidSecretNameError } from '@secret-store/core'
import { randomPortableNames } from '@secret-store/testkit'
import { describe, expect, it } from 'vitest'
import { toVaultPath } from '../src/index.js'

/** Random portable names of up to 24 characters, biased towards the tricky characters (`.`, `/`, `:`). */
const portableNames = (count: number, seed: number): string[] =>
  randomPortableNames(count, { seed, maxLength: 24, tricky: './:', trickyShare: 0.4 })

describe('toVaultPath', () => {
  it('keeps / as the folder separator and percent-encodes : in each segment', () => {
    expect(toVaultPath('tenant:acme:stripeApiKey')).toBe('tenant%3Aacme%3AstripeApiKey')
    expect(toVaultPath('tenant/acme/stripe.api-key_2')).toBe('tenant/acme/stripe.api-key_2')
    expect(toVaultPath('a/.../b.')).toBe('a/.../b.')
    expect(toVaultPath('db/password', 'apps/payments')).toBe('apps/payments/db/password')
    expect(toVaultPath('x', '/apps/')).toBe('apps/x')
  })

  it('rejects every name that could leave the mount or the prefix', () => {
    for (const bad of [
      '',
      '/abs',
      'trailing/',
      'a//b',
      '..',
      '../x',
      'a/../b',
      'a/./b',
      'a/..',
      '.',
      '.x',
      'a%2e',
      'a?b',
      'a#b',
      'a b',
      'a\\b',
    ]) {
      expect(() => toVaultPath(bad), bad).toThrow(InvalidSecretNameError)
    }
    expect(() => toVaultPath('x', '../up')).toThrow(TypeError)
    expect(() => toVaultPath('x', 'a//b')).toThrow(TypeError)
  })

  it('maps 5,000 generated portable names injectively, reversibly and inside the prefix', () => {
    const names = portableNames(5_000, 20_240_601)
    const prefix = 'tenant/acme'
    const paths = names.map((name) => toVaultPath(name, prefix))
    expect(new Set(paths).size).toBe(names.length)
    names.forEach((name, i) => {
      const path = paths[i] as string
      expect(path.startsWith(`${prefix}/`)).toBe(true)
      // Only unreserved characters and %XX escapes go on the wire, with / between segments.
      expect(path).toMatch(/^[A-Za-z0-9_.%/-]+$/)
      const segments = path.split('/')
      expect(segments.every((s) => s !== '' && s !== '.' && s !== '..')).toBe(true)
      // Resolving the path like a server would never changes it: nothing climbs up.
      expect(posix.normalize(path)).toBe(path)
      expect(segments.map(decodeURIComponent).join('/')).toBe(`${prefix}/${name}`)
    })
  })
})
