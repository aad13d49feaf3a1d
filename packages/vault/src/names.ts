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

/**
 * The API path of a KV entry, or of a folder (`relative` is `''` or ends in `/`), under the store's
 * already encoded mount and prefix: `<mount>/<relative>` on KV v1, `<mount>/<kind>/<relative>` on KV v2.
 *
 * @example
 * kvApiPath({ mountPath: 'secret', prefixPath: 'apps', version: 2 }, 'metadata', 'db/password') // 'secret/metadata/apps/db/password'
 */
export function kvApiPath(
  store: { mountPath: string; prefixPath: string | undefined; version: 1 | 2 },
  kind: 'data' | 'metadata' | 'detailed-metadata',
  relative: string,
): string {
  const folder = relative === '' || relative.endsWith('/')
  const trimmed = folder ? relative.slice(0, -1) : relative
  const parts = [store.mountPath, store.version === 2 ? kind : undefined, store.prefixPath]
  if (trimmed !== '') parts.push(encodeSegments(trimmed))
  const path = parts.filter((part) => part !== undefined).join('/')
  return folder ? `${path}/` : path
}

/** A property of an untyped JSON body, or `undefined`. */
export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
}
