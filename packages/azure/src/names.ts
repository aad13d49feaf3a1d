import { InvalidSecretNameError, printableName, type SecretOperation, secretNameProblem } from '@secret-store/core'

const STORE_NAME = 'AzureSecretStore'

/** Key Vault's limit on secret names. */
export const KEY_VAULT_NAME_MAX_LENGTH = 127

/** What follows the `-` escape for each portable character that Key Vault does not allow. */
const ESCAPES: Readonly<Record<string, string>> = Object.freeze({ '-': '-', _: '0', '.': '1', ':': '2', '/': '3' })
const UNESCAPES: Readonly<Record<string, string>> = Object.freeze({ '-': '-', '0': '_', '1': '.', '2': ':', '3': '/' })

const KEY_VAULT_NAME = /^[0-9a-zA-Z-]{1,127}$/

/**
 * Maps a logical secret name onto a Key Vault secret name (`^[0-9a-zA-Z-]{1,127}$`).
 *
 * Key Vault compares names case-insensitively (`ApiKey` and `apikey` are one secret), so the result
 * is always lower case and upper-case letters are escaped, which keeps the mapping injective on real
 * Key Vault. `-` is the only escape character:
 *
 * | logical          | Key Vault          |
 * | ---------------- | ------------------ |
 * | `a`-`z`, `0`-`9` | unchanged          |
 * | `A`-`Z`          | `-a` ... `-z`      |
 * | `-`              | `--`               |
 * | `_`              | `-0`               |
 * | `.`              | `-1`               |
 * | `:`              | `-2`               |
 * | `/`              | `-3`               |
 *
 * Throws `InvalidSecretNameError` for a name outside the portable grammar, and for one whose mapping
 * is longer than 127 characters.
 *
 * @example
 * toKeyVaultName('stripeApiKey') // 'stripe-api-key'
 * toKeyVaultName('tenant:acme:stripeApiKey') // 'tenant-2acme-2stripe-api-key'
 * toKeyVaultName('db_password') // 'db-0password'
 */
export function toKeyVaultName(name: string, operation?: SecretOperation): string {
  const problem = secretNameProblem(name)
  if (problem !== undefined) {
    throw new InvalidSecretNameError(problem, { store: STORE_NAME, secretName: printableName(name), operation })
  }
  let mapped = ''
  for (const char of name) {
    const tag = ESCAPES[char]
    if (tag !== undefined) mapped += `-${tag}`
    else if (char >= 'A' && char <= 'Z') mapped += `-${char.toLowerCase()}`
    else mapped += char
  }
  if (mapped.length > KEY_VAULT_NAME_MAX_LENGTH) {
    throw new InvalidSecretNameError(
      `maps to a Key Vault name of ${mapped.length} characters, more than ${KEY_VAULT_NAME_MAX_LENGTH}`,
      { store: STORE_NAME, secretName: printableName(name), operation },
    )
  }
  return mapped
}

/**
 * The logical name of a Key Vault secret name: the inverse of `toKeyVaultName`. Like Key Vault it
 * ignores case, so `Stripe-Api-Key` and `stripe-api-key` both give `stripeApiKey`.
 *
 * Throws `InvalidSecretNameError` for a name no logical name maps to (a dangling or unknown escape
 * such as `a-` or `a-9`, or a result outside the portable grammar).
 *
 * @example
 * fromKeyVaultName('tenant-2acme-2stripe-api-key') // 'tenant:acme:stripeApiKey'
 */
export function fromKeyVaultName(keyVaultName: string): string {
  const fail = (reason: string): never => {
    throw new InvalidSecretNameError(`"${printableName(keyVaultName)}" is not a mapped Key Vault name: ${reason}`, {
      store: STORE_NAME,
    })
  }
  if (typeof keyVaultName !== 'string' || !KEY_VAULT_NAME.test(keyVaultName)) {
    return fail('Key Vault names are 1 to 127 letters, digits and -')
  }
  const lower = keyVaultName.toLowerCase()
  let name = ''
  for (let i = 0; i < lower.length; i++) {
    const char = lower[i] as string
    if (char !== '-') {
      name += char
      continue
    }
    const next = lower[++i]
    if (next === undefined) return fail('it ends in an unfinished escape')
    const unescaped = UNESCAPES[next] ?? (next >= 'a' && next <= 'z' ? next.toUpperCase() : undefined)
    if (unescaped === undefined) return fail(`"-${next}" is no escape`)
    name += unescaped
  }
  const problem = secretNameProblem(name)
  if (problem !== undefined) return fail(problem)
  return name
}
