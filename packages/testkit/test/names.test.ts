import { secretNameProblem } from '@secret-store/core'
import { describe, expect, it } from 'vitest'
import { PORTABLE_NAME_CHARACTERS, randomPortableNames } from '../src/index.js'

describe('PORTABLE_NAME_CHARACTERS', () => {
  it('holds exactly the characters the portable grammar allows', () => {
    for (const char of PORTABLE_NAME_CHARACTERS) expect(secretNameProblem(`a${char}a`), char).toBeUndefined()
    for (let code = 32; code < 127; code++) {
      const char = String.fromCharCode(code)
      if (!PORTABLE_NAME_CHARACTERS.includes(char)) expect(secretNameProblem(`a${char}a`), char).toBeDefined()
    }
  })
})

describe('randomPortableNames', () => {
  it('gives count distinct portable names of 1 to maxLength characters', () => {
    const names = randomPortableNames(2_000, { seed: 7, maxLength: 12 })
    expect(names).toHaveLength(2_000)
    expect(new Set(names).size).toBe(2_000)
    for (const name of names) {
      expect(secretNameProblem(name), name).toBeUndefined()
      expect(name.length).toBeLessThanOrEqual(12)
    }
  })

  it('gives the same names for the same seed, and others for another seed', () => {
    const options = { seed: 20_240_601, maxLength: 24, tricky: './:', trickyShare: 0.4 }
    expect(randomPortableNames(500, options)).toEqual(randomPortableNames(500, options))
    expect(randomPortableNames(500, { ...options, seed: 1 })).not.toEqual(randomPortableNames(500, options))
  })

  it('draws the tricky characters about trickyShare of the time', () => {
    const names = randomPortableNames(2_000, { seed: 3, maxLength: 30, tricky: ':', trickyShare: 0.5 })
    const chars = names.join('')
    const share = (chars.length - chars.replaceAll(':', '').length) / chars.length
    // Half are drawn from ':' and 1 in 67 of the rest; names starting with ':' are dropped.
    expect(share).toBeGreaterThan(0.4)
    expect(share).toBeLessThan(0.6)
    const plain = randomPortableNames(500, { seed: 3, tricky: '' }).join('')
    expect(plain).not.toContain('undefined')
  })
})
