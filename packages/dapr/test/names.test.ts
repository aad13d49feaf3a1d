import { expectTenantIsolation } from '@secret-store/testkit'
import { describe, expect, it } from 'vitest'
import { type DaprNameRules, daprSecretKey, type TenantSeparator } from '../src/index.js'
import { splitSecretRef } from '../src/names.js'

const ruleOf = (name: string, rules?: Partial<DaprNameRules>) => {
  const result = daprSecretKey(name, rules)
  return typeof result === 'object' ? result.invalid : `accepted as ${result}`
}

describe('daprSecretKey', () => {
  it('sends keys as the component shows them, verbatim', () => {
    for (const name of [
      'db-password',
      'db:user',
      'deep:a:b',
      'team a/api key',
      'q?x',
      'p%41',
      'ünïcode',
      'BULK',
      '...',
    ]) {
      expect(daprSecretKey(name), name).toBe(name)
    }
  })

  it('keeps secret#key as it is and splits it at the first separator', () => {
    expect(daprSecretKey('db#password')).toBe('db#password')
    expect(splitSecretRef('db#password', '#')).toEqual({ secret: 'db', key: 'password' })
    expect(splitSecretRef('a#b#c', '#')).toEqual({ secret: 'a', key: 'b#c' })
    expect(splitSecretRef('db', '#')).toEqual({ secret: 'db', key: undefined })
    expect(daprSecretKey('db/password', { keySeparator: '/' })).toBe('db/password')
    expect(splitSecretRef('db/password', '/')).toEqual({ secret: 'db', key: 'password' })
  })

  it('reads names with # whole when keySeparator is false', () => {
    expect(daprSecretKey('h#x', { keySeparator: false })).toBe('h#x')
    expect(splitSecretRef('h#x', false)).toEqual({ secret: 'h#x', key: undefined })
    expect(daprSecretKey('#x', { keySeparator: false })).toBe('#x')
  })

  it('maps the tenant form with the tenantSeparator', () => {
    expect(daprSecretKey('tenant:acme:stripeApiKey')).toBe('tenant:acme:stripeApiKey')
    expect(daprSecretKey('tenant:acme:stripe-api-key', { tenantSeparator: '.' })).toBe('tenant.acme.stripe-api-key')
    expect(daprSecretKey('tenant:acme:payments/stripe', { tenantSeparator: '/' })).toBe('tenant/acme/payments/stripe')
    expect(daprSecretKey('tenant:acme:db#password', { tenantSeparator: '/' })).toBe('tenant/acme/db#password')
    // Not the tenant form (the tenant id breaks the pattern): verbatim.
    expect(daprSecretKey('tenant:a.b:x', { tenantSeparator: '.' })).toBe('tenant:a.b:x')
  })

  it('refuses what the sidecar cannot address, naming the rule', () => {
    for (const name of ['bulk', '.', '..', 'bulk#key', '..#key']) {
      expect(ruleOf(name), name).toMatch(/^Dapr cannot read a secret named "bulk", "." or ".." alone/)
    }
    expect(ruleOf('bulk', { keySeparator: false })).toMatch(/^Dapr cannot read/)
    expect(ruleOf('#password')).toBe('the secret name before "#" is empty')
    expect(ruleOf('db#')).toBe('the key after "#" is empty')
    expect(ruleOf('tenant:acme:')).toBe('the name after tenant:<tenant>: is empty')
    expect(ruleOf('tenant:acme:#key')).toBe('the name after tenant:<tenant>: is empty')
    // The tenant form never maps onto the reserved key.
    expect(daprSecretKey('tenant:acme:bulk')).toBe('tenant:acme:bulk')
  })

  it("with tenantSeparator '/', takes only tenant names that are clean paths", () => {
    for (const name of ['../other/key', 'a//b', 'a/./b', 'trailing/', '/leading', '..']) {
      expect(ruleOf(`tenant:acme:${name}`, { tenantSeparator: '/' }), name).toMatch(/is a path: no empty/)
    }
    expect(daprSecretKey('tenant:acme:../x', { tenantSeparator: ':' })).toBe('tenant:acme:../x')
  })

  const secretOf = (keySeparator: string | false) => (backendName: string) =>
    splitSecretRef(backendName, keySeparator).secret

  for (const tenantSeparator of [':', '.', '/'] as TenantSeparator[]) {
    for (const keySeparator of ['#', false] as const) {
      it(`never lets two tenants reach the same secret (tenantSeparator '${tenantSeparator}', keySeparator ${String(keySeparator)})`, () => {
        expectTenantIsolation({
          backendName: (name) => daprSecretKey(name, { tenantSeparator, keySeparator }),
          // Two names of one secret (`db` and `db#user`) are one secret: compare the secret part.
          backendKey: secretOf(keySeparator),
          nameAlphabet: 'abAB01-_',
          tricky: '-_.:/#',
          cases: 12_000,
          seed: 13,
          minAccepted: 10_000,
        })
      })
    }
  }

  it('the isolation check fails a mapping that lets tenants collide', () => {
    // A separator inside the tenant alphabet: tenant "a" name "b-c" and tenant "a-b" name "c" meet.
    const leaky = (name: string) => String(daprSecretKey(name)).replace(/^tenant:([^:]*):/, 'tenant-$1-')
    expect(() => expectTenantIsolation({ backendName: leaky, nameAlphabet: 'abAB01-_', cases: 2_000 })).toThrow(
      /backend names reached from two tenants/,
    )
  })
})
