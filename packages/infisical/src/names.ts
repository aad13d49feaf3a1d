import {
  type BackendName,
  ConfigurationError,
  InvalidSecretNameError,
  printableName,
  secretNameProblem,
} from '@secret-store/core'
import { parseTenantName } from '@secret-store/core/adapter'

const STORE_NAME = 'InfisicalSecretStore'

/** Infisical's folder names (`isValidFolderName` on the server): letters, digits, `-` and `_`. */
export const FOLDER_NAME = /^[A-Za-z0-9_-]+$/

const RULE =
  "Infisical secret keys contain no ':' or '/', do not start or end with whitespace and are not '.' or '..'; a '/' separates folders of letters, digits, '-' and '_' (the tenant:<tenant>:<name> form is stored in the folder tenant/<tenant>)"

/** Where a secret lives in Infisical: a folder path in the environment, and the key in that folder. */
export interface InfisicalSecretLocation {
  /** The folder, e.g. `/` or `/tenant/acme`. */
  secretPath: string
  /** The secret key, as the dashboard shows it. */
  secretKey: string
}

/**
 * Whether `key` is a key Infisical stores and answers exactly as given. The server refuses `:` and `/`
 * and trims the rest, so a key with outer whitespace would be another key's alias; `.` and `..` would
 * be read as dot segments of the request URL.
 */
function isKey(key: string): boolean {
  return key !== '' && key !== '.' && key !== '..' && !key.includes(':') && key.trim() === key
}

/** `KEY`, or folders and a key: `app/db/KEY`. */
function isPlainName(name: string): boolean {
  const segments = name.split('/')
  const key = segments.pop() as string
  return isKey(key) && segments.every((folder) => FOLDER_NAME.test(folder))
}

/**
 * The store's name for a secret, relative to the store's `secretPath`, as the dashboard shows it:
 *
 * - a secret key goes out verbatim (`DB_PASSWORD`, `stripe.api-key`, `Ünïcode key`);
 * - a `/` separates folders below `secretPath` (Infisical keys cannot contain `/`):
 *   `payments/STRIPE_KEY` is the key `STRIPE_KEY` in the folder `<secretPath>/payments`;
 * - the handbook's tenant form `tenant:<tenant>:<name>` is `tenant/<tenant>/<name>`: the name inside
 *   the folder `tenant/<tenant>`. Tenant ids are valid folder names without `/`, so the folder right
 *   below `tenant` is the tenant, and two tenants never share a secret;
 * - anything else (another `:`, outer whitespace, a folder with other characters, an empty segment)
 *   is refused with Infisical's rule.
 *
 * @example
 * infisicalSecretName('DB_PASSWORD') // 'DB_PASSWORD'
 * infisicalSecretName('tenant:acme:STRIPE_KEY') // 'tenant/acme/STRIPE_KEY'
 */
export function infisicalSecretName(name: string): BackendName {
  if (isPlainName(name)) return name
  const tenant = parseTenantName(name)
  if (tenant !== undefined && isPlainName(tenant.name)) return `tenant/${tenant.tenant}/${tenant.name}`
  return { invalid: RULE }
}

/** The folder and key of a name already mapped by `infisicalSecretName`, below the folder `root`. */
export function locate(backendName: string, root: string): InfisicalSecretLocation {
  const cut = backendName.lastIndexOf('/')
  const secretKey = backendName.slice(cut + 1)
  if (cut < 0) return { secretPath: root, secretKey }
  const folders = backendName.slice(0, cut)
  return { secretPath: root === '/' ? `/${folders}` : `${root}/${folders}`, secretKey }
}

/**
 * Where a name lives in Infisical, below `secretPath`. Throws `InvalidSecretNameError` for a name the
 * store refuses.
 *
 * @example
 * infisicalSecretLocation('tenant:acme:STRIPE_KEY', '/payments')
 * // { secretPath: '/payments/tenant/acme', secretKey: 'STRIPE_KEY' }
 */
export function infisicalSecretLocation(name: string, secretPath = '/'): InfisicalSecretLocation {
  const problem = secretNameProblem(name)
  const mapped = problem === undefined ? infisicalSecretName(name) : { invalid: problem }
  if (typeof mapped !== 'string') {
    throw new InvalidSecretNameError(mapped.invalid, { store: STORE_NAME, secretName: printableName(name) })
  }
  return locate(mapped, normalizeSecretPath(secretPath))
}

/**
 * Checks a folder path option and writes it as Infisical does (`app/db/` → `/app/db`). Throws a
 * `ConfigurationError` naming the option when a segment is not a folder name.
 */
export function normalizeSecretPath(value: unknown, option = 'secretPath'): string {
  const fail = (reason: string) => new ConfigurationError(reason, { store: STORE_NAME })
  if (typeof value !== 'string') throw fail(`${option} must be a string`)
  const trimmed = value.replace(/^\/+|\/+$/g, '')
  if (trimmed === '') return '/'
  if (!trimmed.split('/').every((folder) => FOLDER_NAME.test(folder))) {
    throw fail(
      `invalid ${option} "${printableName(value)}": folders are letters, digits, '-' and '_' separated by single '/'`,
    )
  }
  return `/${trimmed}`
}
