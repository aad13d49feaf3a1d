import { secretNameProblem } from '@secret-store/core'
import { parseTenantName } from '@secret-store/core/adapter'
import { describe, expect, it } from 'vitest'
import { ALPHANUMERIC, checkTenantIsolation, randomNames } from '../src/index.js'

describe('randomNames', () => {
  it('gives count distinct safe names of 1 to maxLength characters from the alphabet', () => {
    const names = randomNames(2_000, { seed: 7, maxLength: 12, alphabet: `${ALPHANUMERIC}-`, tricky: '-' })
    expect(names).toHaveLength(2_000)
    expect(new Set(names).size).toBe(2_000)
    for (const name of names) {
      expect(secretNameProblem(name), name).toBeUndefined()
      expect(name).toMatch(/^[A-Za-z0-9-]{1,12}$/)
    }
  })

  it('gives the same names for the same seed, and others for another seed', () => {
    const options = { seed: 20_240_601, maxLength: 24, tricky: './:', trickyShare: 0.4 }
    expect(randomNames(500, options)).toEqual(randomNames(500, options))
    expect(randomNames(500, { ...options, seed: 1 })).not.toEqual(randomNames(500, options))
  })

  it('draws the tricky characters about trickyShare of the time', () => {
    const chars = randomNames(2_000, { seed: 3, maxLength: 30, tricky: ':', trickyShare: 0.5 }).join('')
    const share = (chars.length - chars.replaceAll(':', '').length) / chars.length
    expect(share).toBeGreaterThan(0.45)
    expect(share).toBeLessThan(0.55)
  })
})

describe('checkTenantIsolation', () => {
  const alphabet = `${ALPHANUMERIC}-_`

  it('finds the collisions of a mapping that joins tenant and name with a character tenant ids may hold', () => {
    const report = checkTenantIsolation({
      backendName: (name) => {
        const parsed = parseTenantName(name)
        return parsed === undefined ? name : `tenant-${parsed.tenant}-${parsed.name}`
      },
      nameAlphabet: alphabet,
      cases: 2_000,
    })
    expect(report.collisions.length).toBeGreaterThan(0)
  })

  it('finds the collisions that a case-insensitive backend makes of tenants differing in case', () => {
    const report = checkTenantIsolation({
      backendName: (name) => name.replaceAll(':', '/'),
      backendKey: (id) => id.toLowerCase(),
      nameAlphabet: alphabet,
      cases: 2_000,
    })
    expect(report.collisions.some((c) => c.toLowerCase().includes('from tenants'))).toBe(true)
  })

  it('passes a mapping whose separator no tenant id holds, and counts what it checked', () => {
    const report = checkTenantIsolation({
      backendName: (name) => name.replaceAll(':', '/'),
      nameAlphabet: alphabet,
      cases: 2_000,
    })
    expect(report.collisions).toEqual([])
    expect(report.accepted).toBeGreaterThan(2_000)
  })
})
