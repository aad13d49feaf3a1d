import {
  type BackendName,
  ConfigurationError,
  InvalidSecretNameError,
  printableName,
  secretNameProblem,
} from '@secret-store/core'
import { pathNameProblem } from '@secret-store/core/adapter'

const STORE_NAME = 'VaultSecretStore'

const PATH_RULE = 'Vault KV paths are /-separated segments, none of them empty, "." or ".."'

/**
 * The path of a secret inside the KV mount (and the `prefix`), as Vault's UI and CLI show it: the name
 * itself. Names are sent verbatim (each segment percent-encoded on the wire only), `:` included, so the
 * handbook's `tenant:acme:stripeApiKey` is the key `tenant:acme:stripeApiKey`. Names whose segments are
 * empty, `.` or `..` are refused, so a name can never reach outside the mount or the prefix.
 *
 * @example
 * vaultSecretPath('apps/payments/db-password') // 'apps/payments/db-password'
 * vaultSecretPath('../other-team/key') // { invalid: 'Vault KV paths are ...' }
 */
export function vaultSecretPath(name: string): BackendName {
  return pathNameProblem(name) === undefined ? name : { invalid: PATH_RULE }
}

/**
 * The URL path of a name inside the mount, under an optional `prefix` folder: what the store sends after
 * `<mount>/` (KV v1) or `<mount>/data/` (KV v2). Throws `InvalidSecretNameError` for a name Vault cannot hold.
 *
 * @example
 * toVaultPath('tenant:acme:stripeApiKey') // 'tenant%3Aacme%3AstripeApiKey'
 * toVaultPath('db/password', 'apps/payments') // 'apps/payments/db/password'
 */
export function toVaultPath(name: string, prefix?: string): string {
  const problem = secretNameProblem(name) ?? pathNameProblem(name)
  if (problem !== undefined) {
    throw new InvalidSecretNameError(problem, { store: STORE_NAME, secretName: printableName(name) })
  }
  const path = encodeSegments(name)
  return prefix === undefined ? path : `${encodeSegments(normalizeFolder(prefix, 'prefix'))}/${path}`
}

/**
 * Checks and trims a mount or prefix option (`/secret/` → `secret`). Throws a `ConfigurationError`
 * naming the option when it is not a clean relative path.
 */
export function normalizeFolder(value: unknown, option: string): string {
  const fail = (reason: string) => new ConfigurationError(reason, { store: STORE_NAME })
  if (typeof value !== 'string') throw fail(`${option} must be a string`)
  const trimmed = value.replace(/^\/+|\/+$/g, '')
  const problem = secretNameProblem(trimmed) ?? pathNameProblem(trimmed)
  if (problem !== undefined) throw fail(`invalid ${option} "${value}": ${problem}`)
  return trimmed
}

/** Percent-encodes each `/`-separated segment. */
export function encodeSegments(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}
