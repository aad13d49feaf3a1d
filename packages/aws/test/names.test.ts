import { secretNameProblem } from '@secret-store/core'
import { describe, expect, it } from 'vitest'
import { fromAwsSecretName, toAwsSecretName } from '../src/index.js'

// What AWS Secrets Manager allows in a name.
const AWS_NAME = /^[A-Za-z0-9/_+=.@-]+$/
const PORTABLE_ALPHABET = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', ...'_-.:/']

describe('toAwsSecretName', () => {
  it('maps the handbook tenant name onto AWS characters', () => {
    expect(toAwsSecretName('tenant:acme:stripeApiKey')).toBe('tenant+acme+stripeApiKey')
    expect(toAwsSecretName('tenant/acme/db.password-2_x')).toBe('tenant/acme/db.password-2_x')
  })

  it('maps every portable character to a distinct AWS character', () => {
    const images = PORTABLE_ALPHABET.map((char) => toAwsSecretName(`a${char}b`).slice(1, -1))
    expect(images.every((image) => image.length === 1 && AWS_NAME.test(image))).toBe(true)
    expect(new Set(images).size).toBe(PORTABLE_ALPHABET.length)
  })

  it('is injective and inverted by fromAwsSecretName on every short portable name', () => {
    // One character of each class and every special character; the map works character by character.
    const alphabet = ['a', 'Z', '0', '_', '-', '.', ':', '/']
    let names = ['']
    const all: string[] = []
    for (let length = 1; length <= 4; length++) {
      names = names.flatMap((prefix) => alphabet.map((char) => prefix + char))
      all.push(...names.filter((name) => secretNameProblem(name) === undefined))
    }
    const mapped = all.map(toAwsSecretName)
    expect(new Set(mapped).size).toBe(all.length)
    expect(mapped.every((name) => AWS_NAME.test(name))).toBe(true)
    expect(mapped.map(fromAwsSecretName)).toEqual(all)
  })

  it('never turns a name into something AWS would read as an ARN', () => {
    expect(toAwsSecretName('arn:aws:secretsmanager:us-east-1:123456789012:secret:db')).not.toContain(':')
  })

  it('rejects names outside the portable grammar, on which it would not be injective', () => {
    for (const bad of ['a+b', '', 'a b', '-x', 'a//b']) expect(() => toAwsSecretName(bad), bad).toThrow(RangeError)
  })
})
