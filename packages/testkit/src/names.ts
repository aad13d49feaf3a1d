import { type BackendName, secretNameProblem, TENANT_ID_PATTERN } from '@secret-store/core'
import { expect } from 'vitest'

/** Letters and digits: every backend takes these in names. */
export const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/**
 * Brownfield names for stores that take any string as a name (in-memory stores, maps, key-value
 * servers): the tenant form, spaces, paths that look relative, non-ASCII text and the property names
 * of `Object.prototype`.
 */
export const ANY_STRING_NAMES: readonly string[] = Object.freeze([
  'tenant:acme:stripeApiKey',
  'team a/api key',
  '/leading/slash',
  '../looks-relative',
  'ünïcode-名前',
  '__proto__',
  'constructor',
  'hasOwnProperty',
])

export interface RandomNamesOptions {
  /** The same seed gives the same names, so a failure can be reproduced from it. */
  seed: number
  /** Characters names are drawn from. @default letters, digits and `_-.:/` */
  alphabet?: string
  /** The longest name drawn. @default 40 */
  maxLength?: number
  /** Characters drawn more often than the rest: those your name mapping treats specially. @default '-_.:/' */
  tricky?: string
  /** The share of characters drawn from `tricky`; the others come from `alphabet`. @default 0.5 */
  trickyShare?: number
}

/**
 * `count` distinct random names of 1 to `maxLength` characters that pass core's safety rule, biased
 * towards `tricky`, for property tests of a name mapping. Deterministic for a seed.
 */
export function randomNames(count: number, options: RandomNamesOptions): string[] {
  const { alphabet = `${ALPHANUMERIC}_-.:/`, maxLength = 40, tricky = '-_.:/', trickyShare = 0.5 } = options
  const next = mulberry32(options.seed)
  const names = new Set<string>()
  while (names.size < count) {
    const length = 1 + Math.floor(next() * maxLength)
    let name = ''
    for (let i = 0; i < length; i++) {
      const pool = tricky !== '' && next() < trickyShare ? tricky : alphabet
      name += pool[Math.floor(next() * pool.length)]
    }
    if (secretNameProblem(name) === undefined) names.add(name)
  }
  return [...names]
}

export interface TenantIsolationOptions {
  /** The adapter's name mapping: the function behind its `backendName` hook. */
  backendName(name: string): BackendName
  /** How the backend tells names apart (Key Vault ignores case: `(id) => id.toLowerCase()`). @default as is */
  backendKey?(backendName: string): string
  /** Characters of the names handlers pass to a tenant view. */
  nameAlphabet: string
  /** Characters drawn more often: the mapping's own separators and escapes. @default '-_.:/' */
  tricky?: string
  /** Generated tenant/name pairs, besides the adversarial neighbours of each. @default 10000 */
  cases?: number
  /** @default 1 */
  seed?: number
}

export interface TenantIsolationReport {
  /** Tenant/name pairs the mapping accepted (each compared with every other). */
  accepted: number
  /** Pairs the mapping refused with its rule (refusing is always safe). */
  refused: number
  /** Backend names reached from two different tenants: must be empty. */
  collisions: string[]
}

/**
 * Property check of an adapter's tenant mapping: generates tenant ids (short, from a small alphabet with
 * `-`, `_` and both cases, so that ids prefix one another and differ only in case) and names, and for each
 * pair also its adversarial neighbours (characters moved across the tenant/name boundary). Every pair
 * goes through `bindSecrets`' form `tenant:<tenant>:<name>` and the adapter's mapping; two different
 * tenants must never reach the same backend secret. A view confined to one tenant reaches exactly the
 * names of that form, so this also shows that no view reaches outside its tenant.
 */
export function checkTenantIsolation(options: TenantIsolationOptions): TenantIsolationReport {
  const { backendName, backendKey = (id: string) => id, nameAlphabet, cases = 10_000, seed = 1 } = options
  const tricky = options.tricky ?? '-_.:/'
  const next = mulberry32(seed)
  const pick = (pool: string) => pool[Math.floor(next() * pool.length)] as string
  const draw = (pool: string, trickPool: string, max: number) => {
    let text = ''
    const length = 1 + Math.floor(next() * max)
    for (let i = 0; i < length; i++) text += next() < 0.5 && trickPool !== '' ? pick(trickPool) : pick(pool)
    return text
  }
  const owner = new Map<string, string>()
  const collisions: string[] = []
  let accepted = 0
  let refused = 0
  const tryPair = (tenant: string, name: string) => {
    if (!TENANT_ID_PATTERN.test(tenant) || secretNameProblem(name) !== undefined) return
    const mapped = backendName(`tenant:${tenant}:${name}`)
    if (typeof mapped !== 'string') {
      refused++
      return
    }
    accepted++
    const key = backendKey(mapped)
    const previous = owner.get(key)
    if (previous === undefined) owner.set(key, tenant)
    else if (previous !== tenant && collisions.length < 20) {
      collisions.push(`${JSON.stringify(key)} from tenants ${JSON.stringify(previous)} and ${JSON.stringify(tenant)}`)
    }
  }
  for (let i = 0; i < cases; i++) {
    const tenant = draw('aAb0', '-_', 5)
    const name = draw(nameAlphabet.slice(0, 4) + nameAlphabet, tricky, 6)
    tryPair(tenant, name)
    // Neighbours: move the boundary by one to three characters either way.
    for (let k = 1; k <= 3; k++) {
      if (k < name.length) tryPair(tenant + name.slice(0, k), name.slice(k))
      if (k < tenant.length) tryPair(tenant.slice(0, -k), tenant.slice(-k) + name)
      for (const sep of tricky) {
        if (k < name.length) tryPair(tenant + sep + name.slice(0, k), name.slice(k))
        tryPair(tenant, sep.repeat(k) + name)
        tryPair(tenant + sep.repeat(k), name)
      }
    }
  }
  return { accepted, refused, collisions }
}

/**
 * Runs `checkTenantIsolation` and fails the test unless no two tenants share a backend secret and at
 * least `minAccepted` pairs were accepted (so a mapping that refuses everything cannot pass).
 */
export function expectTenantIsolation(
  options: TenantIsolationOptions & { minAccepted?: number },
): TenantIsolationReport {
  const report = checkTenantIsolation(options)
  expect(report.collisions, 'backend names reached from two tenants').toEqual([])
  expect(report.accepted, 'tenant/name pairs the mapping accepted').toBeGreaterThanOrEqual(
    options.minAccepted ?? 10_000,
  )
  return report
}

/** Small deterministic PRNG (mulberry32): the same seed gives the same sequence. */
export function mulberry32(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The backend name a mapping returned; throws with the rule when it refused the name. For back doors. */
export function acceptedName(result: BackendName): string {
  if (typeof result === 'string') return result
  throw new RangeError(`the adapter refuses this name: ${result.invalid}`)
}
