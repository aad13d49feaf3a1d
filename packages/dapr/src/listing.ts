/**
 * Listing names on Dapr: the secrets API has no list of names, only the bulk read
 * (`GET /v1.0/secrets/<store>/bulk`), which answers every secret the store's scoping lets through, values
 * included. The store keeps the secret names and drops the values at once.
 */
import { secretNameProblem } from '@secret-store/core'
import { type DaprNameRules, daprSecretKey, splitSecretRef } from './names.js'

/** One secret as the secrets API answers it: its keys and values. */
export type SecretMap = Readonly<Record<string, string>>

/**
 * The names a bulk answer lists: one per secret, its name as the component shows it (a multi-valued
 * secret is listed once, by the name that reads it whole as JSON; its `secret#key` names are not listed).
 * Left out: secrets this store would read as `undefined` (an empty map, or one empty value under the
 * secret's own name, as `getSecret` reads them), and names it cannot read back by themselves (`bulk`,
 * `.`, `..`, a name holding `keySeparator`, a key the tenant mapping would change, one core refuses).
 */
export function listedNames(all: Readonly<Record<string, SecretMap>>, rules: DaprNameRules): string[] {
  const names: string[] = []
  for (const [secret, map] of Object.entries(all)) {
    const entries = Object.entries(map)
    const [first] = entries
    if (first === undefined || (entries.length === 1 && first[0] === secret && first[1] === '')) continue
    if (secretNameProblem(secret) !== undefined || daprSecretKey(secret, rules) !== secret) continue
    if (splitSecretRef(secret, rules.keySeparator).key !== undefined) continue
    names.push(secret)
  }
  return names
}
