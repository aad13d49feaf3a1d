import { setTimeout as sleep } from 'node:timers/promises'
import {
  type RemoveSecretOptions,
  type SecretNameListing,
  type SecretNamePage,
  type SecretOperation,
  SecretStoreBaseClass,
  type SecretStoreError,
} from '@secret-store/core'
import { splitStoreOptions } from '@secret-store/core/adapter'
import { mapAzureError, restStatus } from './errors.js'
import { listKeyVaultNames } from './listing.js'
import { keyVaultName } from './names.js'
import { buildClient, resolveSettings, STORE_NAME } from './options.js'
import type { AzureSecretClient, AzureSecretStoreOptions } from './types.js'

/** Key Vault's limit on a secret value. */
const MAX_VALUE_BYTES = 25 * 1024
/** A name that is still busy (409) after a purge or recovery is retried this often, with doubling delays. */
const CONFLICT_RETRIES = 6
const MAX_RETRY_DELAY_MS = 10_000

/**
 * A secret store on Azure Key Vault, through `@azure/keyvault-secrets`. Each logical name maps onto one
 * Key Vault secret of the same name (see `keyVaultName`); reads get its current version, writes add a version.
 * `removeSecret` soft-deletes and waits for the deletion (recoverable, unless purging), and `setSecret`
 * on a soft-deleted name recovers it (or purges it, with `purgeOnRemove`) before writing.
 *
 * @example
 * const secretStore = new AzureSecretStore({ vaultUrl: 'https://my-vault.vault.azure.net' })
 */
export class AzureSecretStore extends SecretStoreBaseClass<Record<string, never>> {
  readonly #client: AzureSecretClient
  readonly #purge: boolean
  readonly #intervalInMs: number

  constructor(options: AzureSecretStoreOptions) {
    const { base, own: azure } = splitStoreOptions(options ?? ({} as AzureSecretStoreOptions))
    const settings = resolveSettings(azure)
    // The settings and credentials stay in private fields, never in the base config.
    super(STORE_NAME, { ...base, config: {} })
    this.#client =
      azure.client ?? buildClient(settings.vaultUrl, azure.credential, azure.clientOptions ?? azure.options)
    this.#purge = settings.purgeOnRemove
    this.#intervalInMs = settings.intervalInMs
  }

  /** Deletes are recoverable (Key Vault soft delete) unless the store purges; values up to 25 KB. */
  protected override get backendCapabilities() {
    return { recoverableDelete: !this.#purge, maxValueBytes: MAX_VALUE_BYTES }
  }

  protected override backendName(name: string) {
    return keyVaultName(name)
  }

  protected async getSecretImpl(name: string): Promise<string | undefined> {
    return this.#read(name)
  }

  protected async setSecretImpl(name: string, value: string): Promise<void> {
    try {
      await this.#write(name, name, value)
    } catch (err) {
      // Mapped here, where the value is known, so that no message in the cause can echo it.
      throw this.#map(err, 'set', name, value)
    }
  }

  protected async removeSecretImpl(name: string, options?: RemoveSecretOptions): Promise<void> {
    const purge = options?.purge ?? this.#purge
    try {
      await this.#retryConflicts(async () => {
        const poller = await this.#client.beginDeleteSecret(name, this.#pollOptions())
        await poller.pollUntilDone()
      })
    } catch (err) {
      // Key Vault answers 404 both for a missing name and for one that is already soft-deleted.
      if (restStatus(err) !== 404) throw err
    }
    if (purge) await this.#purgeDeleted(name)
  }

  /** One page of `GET /secrets` (see `listKeyVaultNames`): every secret of the vault, filtered by the base. */
  protected override listSecretNamesImpl(listing: SecretNameListing): Promise<SecretNamePage> {
    return listKeyVaultNames(this.#client, listing, this.abortSignal)
  }

  protected override mapError(
    error: unknown,
    operation: SecretOperation,
    secretName: string | undefined,
  ): SecretStoreError {
    return this.#map(error, operation, secretName)
  }

  async #read(name: string): Promise<string | undefined> {
    try {
      const secret = await this.#client.getSecret(name, { abortSignal: this.abortSignal })
      return secret.value
    } catch (err) {
      if (restStatus(err) === 404) return undefined
      throw err
    }
  }

  /**
   * Writes a new version. A 409 means the name is soft-deleted (or still busy with a delete, purge or
   * recovery): recover it, or purge it when the store purges, and write again; a name that stays busy
   * is retried with doubling delays (right after a purge Key Vault answers 409 for a while).
   */
  async #write(name: string, keyVaultName: string, value: string): Promise<void> {
    let freed = false
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#client.setSecret(keyVaultName, value, { abortSignal: this.abortSignal })
        return
      } catch (err) {
        if (restStatus(err) !== 409 || attempt >= CONFLICT_RETRIES) {
          // A secret recovered for this write goes back to being deleted: a failed write never revives it.
          if (freed && !this.#purge) await this.#deleteAgain(keyVaultName)
          throw err
        }
      }
      if (!freed) {
        freed = await this.#free(keyVaultName, name)
        if (freed) continue
      }
      await sleep(this.#retryDelay(attempt))
    }
  }

  /** Deletes a secret this store recovered moments ago; best effort, the write's own error is what counts. */
  async #deleteAgain(keyVaultName: string): Promise<void> {
    try {
      await (await this.#client.beginDeleteSecret(keyVaultName, { intervalInMs: this.#intervalInMs })).pollUntilDone()
    } catch {
      this.logger.warn(
        { store: this.name, operation: 'set' },
        'could not delete again a secret recovered for a failed write',
      )
    }
  }

  #pollOptions() {
    return { intervalInMs: this.#intervalInMs, abortSignal: this.abortSignal }
  }

  /** Recovers (or purges) a soft-deleted name. `false` when there was nothing to recover or purge yet. */
  async #free(keyVaultName: string, name: string): Promise<boolean> {
    const action = this.#purge ? 'purge' : 'recover'
    try {
      if (this.#purge) {
        await this.#client.purgeDeletedSecret(keyVaultName)
      } else {
        const poller = await this.#client.beginRecoverDeletedSecret(keyVaultName, this.#pollOptions())
        await poller.pollUntilDone()
      }
    } catch (err) {
      // Not (or not yet) in the deleted state, or still being deleted: the caller backs off and retries.
      const status = restStatus(err)
      if (status === 404 || status === 409) return false
      throw err
    }
    this.logger.debug(
      { store: this.name, operation: 'set', secretName: name, event: `azure.secret.${action}` },
      `soft-deleted secret ${action === 'purge' ? 'purged' : 'recovered'} before writing`,
    )
    return true
  }

  /** Purges a soft-deleted name; resolves when there is nothing to purge. */
  async #purgeDeleted(keyVaultName: string): Promise<void> {
    try {
      await this.#retryConflicts(() => this.#client.purgeDeletedSecret(keyVaultName))
    } catch (err) {
      if (restStatus(err) !== 404) throw err
    }
  }

  /** Runs `operation`, retrying it with doubling delays while Key Vault answers 409 (an operation in progress). */
  async #retryConflicts(operation: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await operation()
        return
      } catch (err) {
        if (restStatus(err) !== 409 || attempt >= CONFLICT_RETRIES) throw err
      }
      await sleep(this.#retryDelay(attempt))
    }
  }

  #retryDelay(attempt: number): number {
    return Math.min(MAX_RETRY_DELAY_MS, this.#intervalInMs * 2 ** attempt)
  }

  #map(error: unknown, operation: SecretOperation, secretName: string | undefined, value?: string): SecretStoreError {
    return mapAzureError(error, { store: this.name, operation, secretName, value })
  }
}
