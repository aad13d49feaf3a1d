import type { StoreBaseOptions } from '@secret-store/core'

/** Per-request options the store hands to the client (only an `X-Vault-Token` header, in AppRole mode). */
export interface VaultRequestOptions {
  headers?: Record<string, string>
}

/**
 * The part of a node-vault client the store uses. Any `nodeVault(...)` client fits; so does any
 * object with these methods that resolves with Vault's JSON body and rejects with an error carrying
 * `response.statusCode` (and optionally `response.body`) for HTTP failures.
 */
export interface VaultClient {
  read(path: string, requestOptions?: VaultRequestOptions): Promise<unknown>
  write(path: string, data: object, requestOptions?: VaultRequestOptions): Promise<unknown>
  delete(path: string, requestOptions?: VaultRequestOptions): Promise<unknown>
}

/** The KV secrets engine version of the mount, or `'auto'` to ask Vault once. */
export type KvVersion = 1 | 2 | 'auto'

/** AppRole credentials. The store logs in on first use, renews the token and logs in again when it must. */
export interface VaultAppRoleOptions {
  /** The role id (`auth/<mountPath>/role/<role>/role-id`). */
  roleId: string
  /** The secret id. Kept in a private field: never logged, inspected or serialised. */
  secretId: string
  /**
   * Where the AppRole auth method is mounted.
   * @default 'approle'
   */
  mountPath?: string
}

/** Where secrets live and how they are stored. */
export interface VaultKvOptions {
  /**
   * The KV secrets engine mount. Nested mounts (`team/kv`) are fine.
   * @default 'secret'
   */
  mount?: string | undefined
  /**
   * The KV version of `mount`. With `'auto'` the store reads `sys/internal/ui/mounts/<mount>` once,
   * on first use, and keeps the answer.
   * @default 2
   */
  kvVersion?: KvVersion
  /**
   * A folder inside the mount that holds every secret of this store, e.g. `apps/payments`.
   * Same grammar as secret names; names can never climb out of it.
   * @default none: names sit at the top of the mount
   */
  prefix?: string | undefined
  /**
   * The field of the KV entry that holds the value. `setSecret` writes the entry with this one field,
   * replacing any other fields it had.
   * @default 'value'
   */
  field?: string | undefined
  /**
   * KV v2 only: make `removeSecret` destroy every version and the metadata
   * (`DELETE <mount>/metadata/<name>`) instead of soft-deleting the current version.
   * `removeSecret(name, { purge })` overrides it per call. On KV v1 every delete is final.
   * @default false
   */
  purgeOnRemove?: boolean
  /**
   * KV v2 only: send check-and-set with every write, set to the version read just before it (0 for a
   * new secret). Required on mounts with `cas_required`; a concurrent writer makes the write fail with
   * `VaultCheckAndSetError` instead of being overwritten silently.
   * @default false
   */
  cas?: boolean
}

/**
 * The operation flags and shared settings of every store, accepted flat (`enableGet`, `enableSet`,
 * `enableRemove`, `logger`, `cache`, `maxConcurrency`). The logger never sees secret values, tokens or
 * secret ids; `maxConcurrency` bounds the Vault requests one `getSecret` keeps in flight.
 */
export type VaultStoreFlags = StoreBaseOptions

/** Options for the client the store builds itself. */
interface VaultConnectionOptions {
  /**
   * Vault's address.
   * @default process.env.VAULT_ADDR, else 'http://127.0.0.1:8200' (as node-vault does)
   */
  endpoint?: string | undefined
  /**
   * Vault Enterprise / OpenBao namespace, sent as `X-Vault-Namespace`.
   * @default process.env.VAULT_NAMESPACE, else none (as node-vault does)
   */
  namespace?: string | undefined
  /**
   * Per-request timeout in milliseconds; a timeout is an `UnavailableError`.
   * @default 10000
   */
  requestTimeoutMs?: number
}

/** A static token; may be `undefined`, e.g. straight from `process.env.VAULT_TOKEN`. */
type TokenAuth = VaultConnectionOptions & {
  /**
   * The Vault token. Never logged, inspected or serialised.
   * @default process.env.VAULT_TOKEN (as node-vault does); without any token, requests go out unauthenticated,
   *   which suits a Vault Agent proxy that adds its own token
   */
  token?: string | undefined
  appRole?: never
  client?: never
}

/** AppRole login on a client the store builds itself. */
type AppRoleAuth = VaultConnectionOptions & {
  /** Log in with AppRole instead of a static token. */
  appRole: VaultAppRoleOptions
  token?: never
  client?: never
}

/** A ready client (for TLS, proxies or anything else node-vault's own options cover). */
type InjectedClient = {
  /**
   * A ready node-vault client. It carries the endpoint, namespace and token; combine it with `appRole`
   * to have the store log in through it instead.
   */
  client: VaultClient
  appRole?: VaultAppRoleOptions
  token?: never
  endpoint?: never
  namespace?: never
  requestTimeoutMs?: never
}

/**
 * Options of `VaultSecretStore`: the flags, where the secrets live, and exactly one way to reach and
 * authenticate to Vault (a token, AppRole, or a ready client).
 */
export type VaultSecretStoreOptions = VaultStoreFlags & VaultKvOptions & (TokenAuth | AppRoleAuth | InjectedClient)

/** The store's resolved settings, as kept in the base class's `config`. Credentials are never part of it. */
export interface VaultStoreSettings {
  endpoint: string | undefined
  namespace: string | undefined
  mount: string
  prefix: string | undefined
  kvVersion: KvVersion
  field: string
  purgeOnRemove: boolean
  cas: boolean
  auth: 'token' | 'appRole'
  injectedClient: boolean
}
