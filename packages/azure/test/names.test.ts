import { InvalidSecretNameError, secretNameProblem } from '@secret-store/core'
import { PORTABLE_NAME_CHARACTERS as ALPHABET, randomPortableNames } from '@secret-store/testkit'
import { describe, expect, it } from 'vitest'
import { fromKeyVaultName, KEY_VAULT_NAME_MAX_LENGTH, toKeyVaultName } from '../src/index.js'

/** What Key Vault accepts; it compares names case-insensitively. */
const KEY_VAULT_NAME = /^[0-9a-zA-Z-]{1,127}$/

/** Every portable name of 1 to `maxLength` characters. */
function* allPortableNames(maxLength: number): Generator<string> {
  let level = ['']
  for (let length = 1; length <= maxLength; length++) {
    const next: string[] = []
    for (const prefix of level) for (const char of ALPHABET) next.push(prefix + char)
    for (const name of next) if (secretNameProblem(name) === undefined) yield name
    level = next
  }
}

/** Random portable names of up to 40 characters, biased towards escapes, capitals and their look-alikes. */
const trickyNames = (count: number, seed: number): string[] =>
  randomPortableNames(count, { seed, maxLength: 40, tricky: '-_.:/Aa0123', trickyShare: 0.5 })

describe('toKeyVaultName', () => {
  it('escapes capitals and the characters Key Vault lacks with -, and writes lower case only', () => {
    expect(toKeyVaultName('stripeApiKey')).toBe('stripe-api-key')
    expect(toKeyVaultName('tenant:acme:stripeApiKey')).toBe('tenant-2acme-2stripe-api-key')
    expect(toKeyVaultName('db_password')).toBe('db-0password')
    expect(toKeyVaultName('app/db.url')).toBe('app-3db-1url')
    expect(toKeyVaultName('a-b')).toBe('a--b')
    expect(toKeyVaultName('ApiKey')).toBe('-api-key')
    expect(toKeyVaultName('apikey')).toBe('apikey')
    expect(toKeyVaultName('x9')).toBe('x9')
  })

  it('maps names that Key Vault would take for one secret (ApiKey, apikey, APIKEY) to different secrets', () => {
    const names = ['ApiKey', 'apikey', 'APIKEY', 'apiKey', 'a-pi-key', 'api-key']
    const mapped = names.map((name) => toKeyVaultName(name).toLowerCase())
    expect(new Set(mapped).size).toBe(names.length)
  })

  it('rejects names outside the portable grammar and names that map to more than 127 characters', () => {
    for (const bad of ['', '/x', 'a//b', 'a b', 'ü', '-x']) {
      expect(() => toKeyVaultName(bad), bad).toThrow(InvalidSecretNameError)
    }
    expect(toKeyVaultName('a'.repeat(127))).toHaveLength(127)
    const tooLong = [`${'a'.repeat(126)}_`, 'A'.repeat(64), 'a'.repeat(128)]
    for (const name of tooLong) {
      const error = (() => {
        try {
          toKeyVaultName(name, 'set')
        } catch (err) {
          return err
        }
      })()
      expect(error, name).toBeInstanceOf(InvalidSecretNameError)
      expect((error as InvalidSecretNameError).code).toBe('INVALID_NAME')
      expect((error as InvalidSecretNameError).operation).toBe('set')
      expect((error as Error).message).toContain(`more than ${KEY_VAULT_NAME_MAX_LENGTH}`)
    }
  })

  it('maps every portable name of up to 3 characters injectively under case folding, and reversibly', () => {
    // Plain checks in the loop (an expect() per name would dominate the run time); problems are collected.
    const seen = new Map<string, string>()
    const problems: string[] = []
    let count = 0
    for (const name of allPortableNames(3)) {
      const mapped = toKeyVaultName(name)
      const folded = mapped.toLowerCase()
      if (!KEY_VAULT_NAME.test(mapped) || mapped !== folded) problems.push(`${name} → ${mapped}`)
      const previous = seen.get(folded)
      if (previous !== undefined) problems.push(`${previous} and ${name} both map to ${mapped}`)
      seen.set(folded, name)
      const back = fromKeyVaultName(mapped)
      if (back !== name) problems.push(`${name} → ${mapped} → ${back}`)
      count++
    }
    expect(problems).toEqual([])
    // 63 + 63·67 + 63·67·67 portable names, minus the few with a `.`/`..` segment or an empty segment.
    expect(count).toBeGreaterThan(280_000)
  })

  it('maps 20,000 random portable names up to 40 characters injectively, reversibly and case-blind', () => {
    const names = trickyNames(20_000, 20_260_601)
    const mapped = names.map((name) => toKeyVaultName(name))
    expect(new Set(mapped.map((m) => m.toLowerCase())).size).toBe(names.length)
    const problems: string[] = []
    names.forEach((name, i) => {
      const kvName = mapped[i] as string
      if (!KEY_VAULT_NAME.test(kvName)) problems.push(`${name} → ${kvName}`)
      // Key Vault may hand the name back in another case: decoding does not care.
      for (const variant of [kvName, kvName.toUpperCase()]) {
        const back = fromKeyVaultName(variant)
        if (back !== name) problems.push(`${name} → ${variant} → ${back}`)
      }
    })
    expect(problems).toEqual([])
  })
})

describe('fromKeyVaultName', () => {
  it('reads existing Key Vault names, ignoring case as Key Vault does', () => {
    expect(fromKeyVaultName('tenant-2acme-2stripe-api-key')).toBe('tenant:acme:stripeApiKey')
    expect(fromKeyVaultName('Stripe-Api-Key')).toBe('stripeApiKey')
    expect(fromKeyVaultName('DbPassword')).toBe('dbpassword')
    expect(fromKeyVaultName('db--password')).toBe('db-password')
  })

  it('rejects Key Vault names that no logical name maps to', () => {
    for (const bad of ['a-', 'a-9', 'a_b', '', 'x'.repeat(128), '--a', '-3a', 'a-3-3b', 'a-3-1']) {
      expect(() => fromKeyVaultName(bad), bad).toThrow(InvalidSecretNameError)
    }
  })

  it('is the inverse of toKeyVaultName on every decodable Key Vault name of up to 3 characters', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-'
    let level = ['']
    let decodable = 0
    const problems: string[] = []
    for (let length = 1; length <= 3; length++) {
      level = level.flatMap((prefix) => [...alphabet].map((char) => prefix + char))
      for (const kvName of level) {
        let name: string
        try {
          name = fromKeyVaultName(kvName)
        } catch (err) {
          if (!(err instanceof InvalidSecretNameError)) problems.push(`${kvName} threw ${String(err)}`)
          continue
        }
        decodable++
        const again = toKeyVaultName(name)
        if (again !== kvName) problems.push(`${kvName} → ${name} → ${again}`)
      }
    }
    expect(problems).toEqual([])
    expect(decodable).toBeGreaterThan(30_000)
  })
})
