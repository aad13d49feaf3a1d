import type { TokenCredential } from '@azure/identity'
import type { SecretClient, SecretClientOptions } from '@azure/keyvault-secrets'
import type { StoreBaseOptions } from '@secret-store/core'

/**
 * The part of a `SecretClient` the store uses. Any `new SecretClient(...)` fits, also one built with
 * another copy of `@azure/keyvault-secrets`.
 */
export type AzureSecretClient = Pick<
  SecretClient,
  | 'vaultUrl'
  | 'getSecret'
  | 'setSecret'
  | 'beginDeleteSecret'
  | 'purgeDeletedSecret'
  | 'beginRecoverDeletedSecret'
  | 'listPropertiesOfSecrets'
>

/**
 * The operation flags and shared settings of every store, accepted flat (`enableGet`, `enableSet`,
 * `enableRemove`, `logger`, `cache`, `maxConcurrency`). The logger never sees secret values or tokens;
 * `maxConcurrency` bounds the Key Vault requests one `getSecret` keeps in flight (one request per name).
 */
export type AzureStoreFlags = StoreBaseOptions

/** How the store treats Key Vault's soft delete. */
export interface AzureKeyVaultOptions {
  /**
   * Make `removeSecret` purge: delete, wait for the deletion, then purge the deleted secret, so the
   * name is gone for good. `setSecret` on a soft-deleted name then purges it instead of recovering it.
   * `removeSecret(name, { purge })` overrides it per call. Needs the purge permission, and a vault
   * without purge protection.
   * @default false: deletes stay recoverable for the vault's retention period (7 to 90 days)
   */
  purgeOnRemove?: boolean
  /**
   * How often, in milliseconds, the store polls while Key Vault finishes a delete or a recovery. It is
   * also the first delay before a write is retried when the name is still busy after a purge or a
   * recovery (doubling, up to 10 s, at most 6 retries).
   * @default 500
   */
  intervalInMs?: number
}

/** Where the vault is, for the client the store builds itself. */
interface AzureConnectionOptions {
  /** The vault's URL, e.g. `https://my-vault.vault.azure.net`. */
  vaultUrl: string
  /**
   * Options of the `SecretClient` the store builds: `retryOptions`, `tlsOptions`, `proxyOptions`,
   * `disableChallengeResourceVerification`, `serviceVersion` and so on.
   * @default the SDK's defaults
   */
  clientOptions?: SecretClientOptions
  /**
   * PURISTA's `@purista/azure-secret-store` spelling of `clientOptions` (give one of the two).
   * @default the SDK's defaults
   */
  options?: SecretClientOptions
}

/** A client built by the store, with a credential or `DefaultAzureCredential`. */
type BuiltClient = AzureConnectionOptions & {
  /**
   * Any `TokenCredential`: `ManagedIdentityCredential`, `WorkloadIdentityCredential`,
   * `ClientSecretCredential`, or any object with `getToken()`. Kept in a private field only.
   * @default a `DefaultAzureCredential`, created on the first request
   */
  credential?: TokenCredential
  client?: never
}

/** A ready `SecretClient`, which carries the vault URL, the credential and the pipeline options. */
type InjectedClient = {
  /** A ready `SecretClient`. */
  client: AzureSecretClient
  vaultUrl?: never
  credential?: never
  clientOptions?: never
  options?: never
}

/**
 * Options of `AzureSecretStore`: the flags, the soft-delete behaviour, and either a vault URL (with an
 * optional credential and client options) or a ready `SecretClient`.
 */
export type AzureSecretStoreOptions = AzureStoreFlags & AzureKeyVaultOptions & (BuiltClient | InjectedClient)

/** The store's resolved settings, as kept in the base class's `config`. Credentials are never part of it. */
export interface AzureStoreSettings {
  vaultUrl: string
  purgeOnRemove: boolean
  intervalInMs: number
  /** Where the client came from: built with `DefaultAzureCredential`, built with a given credential, or injected. */
  auth: 'defaultAzureCredential' | 'credential' | 'client'
}
