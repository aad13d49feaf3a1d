import type { BackendName } from '@secret-store/core'
import { parseTenantName, pathNameProblem } from '@secret-store/core/adapter'

/** How the handbook's tenant form is joined into one key: characters no tenant id contains. */
export type TenantSeparator = ':' | '.' | '/'

/** The name rules of one store (see `DaprSecretStoreOptions.keySeparator` and `tenantSeparator`). */
export interface DaprNameRules {
  /** Splits `secret#key` (one key of a multi-valued secret); `false`: names are whole secrets. @default '#' */
  keySeparator: string | false
  /** @default ':' */
  tenantSeparator: TenantSeparator
}

export const DEFAULT_NAME_RULES: DaprNameRules = Object.freeze({ keySeparator: '#', tenantSeparator: ':' })

/** A backend name split into the secret the sidecar is asked for and, optionally, one key of it. */
export interface SecretRef {
  secret: string
  key: string | undefined
}

/**
 * Keys `GET /v1.0/secrets/<store>/<key>` cannot reach: `bulk` is the bulk read's own path, and the
 * URL parser of every HTTP client removes `.` and `..` path segments, encoded or not.
 */
const UNADDRESSABLE = new Set(['bulk', '.', '..'])
const UNADDRESSABLE_RULE =
  'Dapr cannot read a secret named "bulk", "." or ".." alone (the path is the bulk read or a dot segment)'

/**
 * The key the sidecar is asked for, as the secret store component shows it:
 *
 * - a name goes out verbatim (percent-encoded on the wire only): `db:user` (a nested key of the local
 *   file store), `team a/api key`, `ünïcode`;
 * - with the default `keySeparator` `'#'`, `secret#key` reads one key of a multi-valued secret
 *   (`db#password`); the first `#` splits, so a secret whose name contains `#` is read whole only
 *   with `keySeparator: false`;
 * - the handbook's tenant form `tenant:<tenant>:<name>` becomes `tenant<sep><tenant><sep><name>` with the
 *   `tenantSeparator` (`:` by default, so the key is the name itself: the nested JSON
 *   `{"tenant":{"acme":{"key":…}}}` of the local file store). No tenant id contains `:`, `.`, `/` or `#`,
 *   so the first separator after the tenant id ends it and two tenants never share a secret. With `/`
 *   the name must also be a clean path (no empty, `.` or `..` segment), for components that read keys
 *   as paths (Vault);
 * - `bulk`, `.`, `..`, an empty secret or key part are refused with the rule.
 *
 * @example
 * daprSecretKey('db#password') // 'db#password' (secret 'db', key 'password')
 * daprSecretKey('tenant:acme:stripe', { tenantSeparator: '/' }) // 'tenant/acme/stripe'
 * daprSecretKey('bulk') // { invalid: 'Dapr cannot read a secret named "bulk" ...' }
 */
export function daprSecretKey(name: string, rules: Partial<DaprNameRules> = {}): BackendName {
  const { keySeparator, tenantSeparator } = { ...DEFAULT_NAME_RULES, ...rules }
  let { secret, key } = splitSecretRef(name, keySeparator)
  if (key === '') return { invalid: `the key after "${keySeparator}" is empty` }
  const tenant = parseTenantName(secret)
  if (tenant !== undefined) {
    if (tenant.name === '') return { invalid: 'the name after tenant:<tenant>: is empty' }
    if (tenantSeparator === '/' && pathNameProblem(tenant.name) !== undefined) {
      return { invalid: 'with tenantSeparator "/" a tenant name is a path: no empty, "." or ".." segment' }
    }
    secret = ['tenant', tenant.tenant, tenant.name].join(tenantSeparator)
  }
  if (secret === '') return { invalid: `the secret name before "${keySeparator}" is empty` }
  if (UNADDRESSABLE.has(secret)) return { invalid: UNADDRESSABLE_RULE }
  return key === undefined || keySeparator === false ? secret : `${secret}${keySeparator}${key}`
}

/** Splits at the first `keySeparator`: the secret, and the key when there is one. */
export function splitSecretRef(name: string, keySeparator: string | false): SecretRef {
  const at = keySeparator === false ? -1 : name.indexOf(keySeparator)
  if (at < 0 || keySeparator === false) return { secret: name, key: undefined }
  return { secret: name.slice(0, at), key: name.slice(at + keySeparator.length) }
}
