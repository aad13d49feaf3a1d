import { InvalidSecretNameError, printableName, secretNameProblem } from '@secret-store/core'

const STORE_NAME = 'VaultSecretStore'

/**
 * Maps a logical secret name onto its path inside the KV mount (without the mount and without
 * `data/` or `metadata/`), under an optional `prefix` folder.
 *
 * - `/` stays the folder separator; each segment is percent-encoded on its own, so
 *   `tenant:acme:stripeApiKey` goes out as `tenant%3Aacme%3AstripeApiKey` and Vault stores the key
 *   `tenant:acme:stripeApiKey`. Letters, digits, `_`, `-` and `.` are sent as they are.
 * - Only portable names are mapped: no leading or trailing `/`, no empty, `.` or `..` segment. Every
 *   segment therefore names a child, so a name can never reach outside the mount or the prefix.
 * - Different names give different paths (in KV, `a` and `a/b` are independent entries).
 *
 * Throws `InvalidSecretNameError` for a name outside the portable grammar.
 *
 * @example
 * toVaultPath('tenant:acme:stripeApiKey') // 'tenant%3Aacme%3AstripeApiKey'
 * toVaultPath('db/password', 'apps/payments') // 'apps/payments/db/password'
 */
export function toVaultPath(name: string, prefix?: string): string {
  return mapName(name, prefix === undefined ? undefined : encodeSegments(normalizeFolder(prefix, 'prefix')))
}

/** `toVaultPath` with the prefix already checked and encoded. */
export function mapName(name: string, encodedPrefix: string | undefined): string {
  const problem = secretNameProblem(name)
  if (problem !== undefined) {
    throw new InvalidSecretNameError(problem, { store: STORE_NAME, secretName: printableName(name) })
  }
  const path = encodeSegments(name)
  return encodedPrefix === undefined ? path : `${encodedPrefix}/${path}`
}

/**
 * Checks and trims a mount or prefix option (`/secret/` → `secret`). Throws a `TypeError` naming the
 * option when it is not a run of portable segments.
 */
export function normalizeFolder(value: unknown, option: string): string {
  if (typeof value !== 'string') throw new TypeError(`${STORE_NAME}: ${option} must be a string`)
  const trimmed = value.replace(/^\/+|\/+$/g, '')
  const problem = secretNameProblem(trimmed)
  if (problem !== undefined) throw new TypeError(`${STORE_NAME}: invalid ${option} "${value}": ${problem}`)
  return trimmed
}

/** Percent-encodes each `/`-separated segment (of a portable name only `:` changes). */
export function encodeSegments(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}
