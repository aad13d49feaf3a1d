import { posix } from 'node:path'
import { InvalidSecretNameError, secretNameProblem } from '@secret-store/core'
import { describe, expect, it } from 'vitest'
import { toVaultPath } from '../src/index.js'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.:/'

/** Small deterministic PRNG (mulberry32), so a failure can be reproduced from the seed. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Random strings biased towards the tricky characters (`.`, `/`, `:`), kept when they are portable names. */
function portableNames(count: number, seed: number): string[] {
  const next = random(seed)
  const tricky = './:'
  const names = new Set<string>()
  while (names.size < count) {
    const length = 1 + Math.floor(next() * 24)
    let name = ''
    for (let i = 0; i < length; i++) {
      const pool = next() < 0.4 ? tricky : ALPHABET
      name += pool[Math.floor(next() * pool.length)]
    }
    if (secretNameProblem(name) === undefined) names.add(name)
  }
  return [...names]
}

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
