import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager'
import type { StoreBaseOptions } from '@secret-store/core'

/** How `AWSSecretStore` reads, writes and deletes. */
export interface AWSSecretStoreSettings {
  /**
   * The staging label reads resolve. Any other label than `AWSCURRENT` (or a `versionId`) makes every
   * name a `GetSecretValue` request of its own, because `BatchGetSecretValue` cannot pick a version.
   * Writes always create a new `AWSCURRENT` version.
   * @default 'AWSCURRENT'
   */
  versionStage?: string | undefined
  /**
   * Pins reads to one version id (when `versionStage` is set too, both must name the same version).
   * Like a non-default `versionStage`, it disables batched reads.
   * @default undefined (the version `versionStage` points at)
   */
  versionId?: string | undefined
  /**
   * Days a removed secret stays recoverable (`RestoreSecret`) before AWS deletes it for good: a whole
   * number from 7 to 30.
   * @default 30
   */
  recoveryWindowInDays?: number
  /**
   * Delete without a recovery window (`ForceDeleteWithoutRecovery`) on every `removeSecret`; the
   * shared option described in `@secret-store/core`. `removeSecret(name, { purge })` overrides it per call.
   * @default false
   */
  purgeOnRemove?: boolean
}

/**
 * A ready client, or what it takes to make one; never both. PURISTA's spelling, `client` holding the
 * client's configuration (`{ region, endpoint, credentials }`), is accepted too: a `client` with a
 * `send` method is a ready client, any other object a configuration.
 */
export type AWSClientOptions =
  | {
      /**
       * A ready client. The store never destroys it: its owner does.
       * @default undefined (the store creates and owns a client)
       */
      client: SecretsManagerClient
      region?: never
      clientConfig?: never
    }
  | {
      client?: never
      /**
       * The AWS region, e.g. `'us-east-1'`. Takes precedence over `clientConfig.region`.
       * @default the SDK's resolution (`AWS_REGION`, the shared config file, ...)
       */
      region?: string | undefined
      /**
       * Options for the `SecretsManagerClient` the store creates (endpoint, credentials, retries, ...).
       * The store destroys that client in `destroy()`.
       * @default {}
       */
      clientConfig?: SecretsManagerClientConfig
    }
  | {
      /**
       * PURISTA's `@purista/aws-secret-store` spelling: the configuration of the client the store
       * creates (the same as `clientConfig`; give one of the two).
       */
      client: SecretsManagerClientConfig & { send?: never }
      clientConfig?: never
      /** As above: takes precedence over `client.region`. */
      region?: string | undefined
    }

/**
 * Options of `new AWSSecretStore(...)`: the options every store shares (see `@secret-store/core`), the
 * store settings and the client, all flat.
 */
export type AWSSecretStoreOptions = StoreBaseOptions & AWSSecretStoreSettings & AWSClientOptions
