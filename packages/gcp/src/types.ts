import type { protos, SecretManagerServiceClient } from '@google-cloud/secret-manager'
import type { StoreBaseOptions } from '@secret-store/core'

/** Options of the `SecretManagerServiceClient` the store builds (google-gax `ClientOptions`). */
export type SecretManagerClientOptions = NonNullable<ConstructorParameters<typeof SecretManagerServiceClient>[0]>

/** A replication policy of a new secret (`{ automatic: {} }` or `{ userManaged: { replicas: [...] } }`). */
export type SecretReplication = protos.google.cloud.secretmanager.v1.IReplication

/** What happens to enabled versions beyond `keepVersions` after a write. */
export type OldVersionPolicy = 'disable' | 'destroy' | 'keep'

/**
 * The project whose secrets plain ids and tenant names address: `projectId`, or PURISTA's `project`
 * (`projects/<id>`); never both.
 */
export type GCPProjectOptions =
  | {
      /**
       * The project's id or number. Full resource names (`projects/other/secrets/db`) address their own
       * project.
       */
      projectId: string
      project?: never
    }
  | {
      /** PURISTA's `@purista/gcloud-secret-store` spelling: `projects/<id or number>`. */
      project: string
      projectId?: never
    }

/** Where the secrets are and how the store reads, writes and removes them. */
export interface GCPSecretStoreSettings {
  /**
   * A location for regional secrets (`europe-west3`): ids then address
   * `projects/<projectId>/locations/<location>/secrets/<id>`, and a built client talks to the regional
   * endpoint `secretmanager.<location>.rep.googleapis.com` unless `clientOptions.apiEndpoint` says otherwise.
   * @default undefined: global secrets on `secretmanager.googleapis.com`
   */
  location?: string | undefined
  /**
   * The version reads access: `latest`, a version number or an alias. A resource name with
   * `/versions/<version>` overrides it for that name.
   * @default 'latest'
   */
  version?: string | undefined
  /**
   * The replication policy of the secrets `setSecret` creates (global secrets only; regional secrets have
   * none). Replicas in fixed locations are billed per location.
   * @default { automatic: {} } (billed as one location)
   */
  replication?: SecretReplication
  /** Labels of the secrets `setSecret` creates. @default none */
  labels?: Record<string, string>
  /**
   * How many enabled versions of a secret stay enabled after a write, the new one included; older
   * enabled versions are then handled by `oldVersions`. A whole number of at least 1.
   * @default 2 (the new value and the one before it, for a rotation overlap and a quick rollback)
   */
  keepVersions?: number
  /**
   * What happens to enabled versions beyond `keepVersions` after a write: `disable` (unreadable, still
   * billed, re-enable-able), `destroy` (data gone for good, no longer billed) or `keep` (left enabled).
   * @default 'disable'
   */
  oldVersions?: OldVersionPolicy
  /**
   * Make `removeSecret` delete the secret with all its versions (`DeleteSecret`, irreversible) instead of
   * disabling its versions. `removeSecret(name, { purge })` overrides it per call.
   * @default false
   */
  purgeOnRemove?: boolean
  /**
   * Refuse an AccessSecretVersion answer that carries no `data_crc32c` (Secret Manager always sends one).
   * A checksum that is present is verified either way. Switch it off for emulators that compute none.
   * @default true
   */
  requireChecksum?: boolean
}

/** A ready client, or the options to build one; never both. */
export type GCPClientOptions =
  | {
      /**
       * A ready client. The store never closes it: its owner does. Give it credentials (or an `auth`)
       * of its own; the store turns its retries off per call (the store's `retry` option governs).
       */
      client: SecretManagerServiceClient
      clientOptions?: never
    }
  | {
      client?: never
      /**
       * Options of the client the store builds and closes in `destroy()`: `credentials`, `keyFilename`,
       * `auth`, `apiEndpoint`, `port`, `sslCreds`... Without credentials the client uses Application
       * Default Credentials, which look up the metadata server when nothing else is configured.
       * @default {}
       */
      clientOptions?: SecretManagerClientOptions
    }
  | {
      /**
       * PURISTA's spelling: the options of the client the store builds (google-gax `ClientOptions`,
       * the same as `clientOptions`; give one of the two). A `client` with the client's methods is a
       * ready client, any other object options.
       */
      client: SecretManagerClientOptions
      clientOptions?: never
    }

/**
 * Options of `new GCPSecretStore(...)`: the options every store shares (see `@secret-store/core`), the
 * store settings and the client, all flat.
 */
export type GCPSecretStoreOptions = StoreBaseOptions & GCPProjectOptions & GCPSecretStoreSettings & GCPClientOptions
