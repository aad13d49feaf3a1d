import type { protos, SecretManagerServiceClient } from '@google-cloud/secret-manager'
import {
  type BackendName,
  InvalidSecretNameError,
  printableName,
  type RemoveSecretOptions,
  type SecretNameListing,
  type SecretNamePage,
  type SecretOperation,
  SecretStoreBaseClass,
  type SecretStoreError,
  UnknownSecretStoreError,
} from '@secret-store/core'
import { splitStoreOptions } from '@secret-store/core/adapter'
import { GRPC_STATUS, grpcCode, IntegrityError, mapSecretManagerError, statusLabel } from './errors.js'
import { type Call, listSecretIds } from './listing.js'
import { parseResourceName, secretManagerId } from './names.js'
import { checkPayload, crc32c } from './payload.js'
import { type ResolvedSettings, resolveClient, resolveSettings, STORE_NAME } from './settings.js'
import type { GCPSecretStoreOptions } from './types.js'

/** Secret Manager's limit on a payload. */
const MAX_PAYLOAD_BYTES = 64 * 1024

/** The per-call options of every request: the SDK's own retries off, its deadline within one attempt. */
interface PerCall {
  timeout: number
  retry: null
}

const PROBLEMS = {
  'checksum-mismatch': 'the payload failed its CRC32C check (data_crc32c); the value was discarded',
  'no-checksum':
    'the answer carried no data_crc32c to verify the payload with; the value was discarded (requireChecksum: false accepts such answers)',
} as const

/** `projects/p/secrets/s/versions/3` → the secret and `3`; a secret name → itself and `undefined`. */
function splitVersion(name: string): { secret: string; version: string | undefined } {
  const cut = name.lastIndexOf('/versions/')
  return cut < 0 ? { secret: name, version: undefined } : { secret: name.slice(0, cut), version: name.slice(cut + 10) }
}

/** Version numbers from version names, newest first. */
function newestFirst(versions: ReadonlyArray<{ name?: string | null }>): number[] {
  return versions
    .map((v) => Number(v.name?.slice(v.name.lastIndexOf('/') + 1)))
    .filter((n) => Number.isSafeInteger(n) && n > 0)
    .sort((a, b) => b - a)
}

/**
 * A secret store on Google Cloud Secret Manager, through `@google-cloud/secret-manager` over gRPC.
 *
 * Each name is one secret (see `secretManagerId`); reads access its `latest` version (or the configured
 * version), one `AccessSecretVersion` per name, at most `maxConcurrency` at once, and verify the payload's
 * CRC32C. A write adds one version (creating the secret first when it is missing), then disables the
 * enabled versions beyond `keepVersions`. `removeSecret` disables every enabled version, so the name reads
 * as missing and an operator can re-enable them; with purge it deletes the secret.
 *
 * @example
 * const secretStore = new GCPSecretStore({ projectId: 'my-project' })
 * const { paymentApiKey } = await secretStore.getSecret('paymentApiKey')
 */
export class GCPSecretStore extends SecretStoreBaseClass<Record<string, never>> {
  readonly #client: SecretManagerServiceClient
  readonly #ownsClient: boolean
  readonly #settings: ResolvedSettings
  // Learnt once per store: the principal may add versions without being allowed to manage them.
  #hygieneDenied = false

  constructor(options: GCPSecretStoreOptions) {
    const { base, own } = splitStoreOptions(options ?? ({} as GCPSecretStoreOptions))
    const settings = resolveSettings(own)
    // The settings and credentials stay in private fields, never in the base config.
    super(STORE_NAME, { ...base, config: {} })
    this.#settings = settings
    const { client, owned } = resolveClient(own, settings)
    this.#client = client
    this.#ownsClient = owned
  }

  /** Removes are recoverable (versions disabled) unless the store purges; values up to 64 KiB. */
  protected override get backendCapabilities() {
    return { recoverableDelete: !this.#settings.purgeOnRemove, maxValueBytes: MAX_PAYLOAD_BYTES }
  }

  /** The full resource name of a name's secret (with `/versions/<v>` when the name pins a version). */
  protected override backendName(name: string): BackendName {
    const id = secretManagerId(name)
    if (typeof id !== 'string') return id
    const resource = parseResourceName(id)
    if (resource === undefined) return `${this.#settings.parent}/secrets/${id}`
    const { location } = this.#settings
    if (resource.location === location) return id
    return {
      invalid:
        location === undefined
          ? 'this store reaches global secrets; a regional resource name needs a store with that location'
          : `this store reaches the ${location} endpoint; a resource name must be projects/<project>/locations/${location}/secrets/<id>`,
    }
  }

  protected async getSecretImpl(name: string): Promise<string | undefined> {
    const { secret, version } = splitVersion(name)
    const versionName = `${secret}/versions/${version ?? this.#settings.version}`
    let response: protos.google.cloud.secretmanager.v1.IAccessSecretVersionResponse
    try {
      ;[response] = await this.#call((o) => this.#client.accessSecretVersion({ name: versionName }, o))
    } catch (err) {
      const code = grpcCode(err)
      if (code === GRPC_STATUS.NOT_FOUND) return undefined
      if (code === GRPC_STATUS.FAILED_PRECONDITION && (await this.#isDisabledOrDestroyed(versionName, err))) {
        return undefined
      }
      throw err
    }
    const check = checkPayload(response.payload, this.#settings.requireChecksum)
    if ('value' in check) return check.value
    const options = { store: this.name, operation: 'get' as const, secretName: printableName(name) }
    if (check.problem === 'not-utf8') {
      throw new UnknownSecretStoreError(
        'the payload is not UTF-8 text (a binary secret); read it with the SDK',
        options,
      )
    }
    throw new IntegrityError(PROBLEMS[check.problem], options)
  }

  protected async setSecretImpl(name: string, value: string): Promise<void> {
    const secret = this.#secretOnly(name, 'set')
    const data = Buffer.from(value, 'utf8')
    const add = () =>
      this.#call((o) =>
        this.#client.addSecretVersion({ parent: secret, payload: { data, dataCrc32c: crc32c(data) } }, o),
      )
    try {
      try {
        await add()
      } catch (err) {
        // NOT_FOUND means nothing was added: creating the secret and adding again still adds one version.
        if (grpcCode(err) !== GRPC_STATUS.NOT_FOUND) throw err
        await this.#create(secret, name)
        await add()
      }
      await this.#pruneVersions(secret, name)
    } catch (err) {
      // Mapped here, where the value is known, so that no message in the cause can echo it.
      throw mapSecretManagerError(err, { store: this.name, operation: 'set', secretName: name, value })
    }
  }

  protected async removeSecretImpl(name: string, options?: RemoveSecretOptions): Promise<void> {
    const secret = this.#secretOnly(name, 'remove')
    const purge = options?.purge ?? this.#settings.purgeOnRemove
    try {
      if (purge) await this.#call((o) => this.#client.deleteSecret({ name: secret }, o))
      else await this.#disableAll(secret)
    } catch (err) {
      if (grpcCode(err) !== GRPC_STATUS.NOT_FOUND) throw err
    }
  }

  /** One ListSecrets page, of the ids a read finds a value for (see `listSecretIds`). */
  protected override listSecretNamesImpl(listing: SecretNameListing): Promise<SecretNamePage> {
    const { parent, version } = this.#settings
    const call: Call = (start) => this.#call(start)
    return listSecretIds({ client: this.#client, call, parent, version, concurrency: this.maxConcurrency }, listing)
  }

  protected override mapError(
    error: unknown,
    operation: SecretOperation,
    secretName: string | undefined,
  ): SecretStoreError {
    return mapSecretManagerError(error, { store: this.name, operation, secretName })
  }

  /** Closes the client the store built; an injected client is left to its owner. */
  protected override async closeImpl(): Promise<void> {
    if (this.#ownsClient) await this.#client.close()
  }

  /**
   * Runs one SDK call with the SDK's retries off and its deadline at the attempt timeout, and cancels it
   * when the store gives the attempt up (the base class retries reads within the store's deadline).
   */
  async #call<T>(start: (options: PerCall) => Promise<T>): Promise<T> {
    const signal = this.abortSignal
    signal?.throwIfAborted()
    const pending = start({ timeout: this.attemptTimeoutMs, retry: null })
    if (signal === undefined) return pending
    const cancel = () => (pending as Partial<{ cancel(): void }>).cancel?.()
    signal.addEventListener('abort', cancel, { once: true })
    try {
      return await pending
    } finally {
      signal.removeEventListener('abort', cancel)
    }
  }

  /**
   * Whether a FAILED_PRECONDITION of AccessSecretVersion means the version is disabled or destroyed (the
   * secret then reads as missing), by the status text Secret Manager documents or, should its wording
   * change, by the version's state. Anything else (a CMEK key that cannot be used...) stays an error.
   */
  async #isDisabledOrDestroyed(versionName: string, error: unknown): Promise<boolean> {
    const details = (error as { details?: unknown }).details
    if (typeof details === 'string' && /\bis in (?:DISABLED|DESTROYED) state\b/.test(details)) return true
    try {
      const [meta] = await this.#call((o) => this.#client.getSecretVersion({ name: versionName }, o))
      return ['DISABLED', 'DESTROYED', 2, 3].includes(meta.state as string | number)
    } catch {
      return false
    }
  }

  /** A secret's resource name; a name that pins a version cannot be written or removed. */
  #secretOnly(name: string, operation: 'set' | 'remove'): string {
    const { secret, version } = splitVersion(name)
    if (version === undefined) return secret
    throw new InvalidSecretNameError(
      `a version name addresses one version for reads; ${operation} the secret ${secret}`,
      {
        store: this.name,
        operation,
        secretName: printableName(name),
      },
    )
  }

  /** Creates a secret with the configured replication and labels; one made meanwhile by another writer is fine. */
  async #create(secret: string, name: string): Promise<void> {
    const cut = secret.lastIndexOf('/secrets/')
    const parent = secret.slice(0, cut)
    const { replication, labels } = this.#settings
    const body = { ...(parent.includes('/locations/') ? {} : { replication }), ...(labels ? { labels } : {}) }
    try {
      await this.#call((o) => this.#client.createSecret({ parent, secretId: secret.slice(cut + 9), secret: body }, o))
      this.logger.debug(
        { store: this.name, operation: 'set', secretName: name },
        'secret created for its first version',
      )
    } catch (err) {
      if (grpcCode(err) !== GRPC_STATUS.ALREADY_EXISTS) throw err
    }
  }

  /** The numbers of a secret's enabled versions, newest first. */
  async #enabledVersions(secret: string): Promise<number[]> {
    const [versions] = await this.#call((o) =>
      this.#client.listSecretVersions({ parent: secret, filter: 'state:ENABLED' }, o),
    )
    return newestFirst(versions)
  }

  /**
   * Version hygiene after a write: the enabled versions beyond the newest `keepVersions` are disabled (or
   * destroyed). The write has landed by now, so a failure here is logged, never thrown: a caller retrying
   * the write would add a second version.
   */
  async #pruneVersions(secret: string, name: string): Promise<void> {
    const { keepVersions, oldVersions } = this.#settings
    if (oldVersions === 'keep' || this.#hygieneDenied) return
    try {
      const old = (await this.#enabledVersions(secret)).slice(keepVersions)
      for (const number of old) {
        const version = { name: `${secret}/versions/${number}` }
        await this.#call((o) =>
          oldVersions === 'destroy'
            ? this.#client.destroySecretVersion(version, o)
            : this.#client.disableSecretVersion(version, o),
        )
      }
    } catch (err) {
      const code = grpcCode(err)
      const context = { store: this.name, operation: 'set', secretName: name, code: code ?? 'none' }
      if (code === GRPC_STATUS.PERMISSION_DENIED) {
        this.#hygieneDenied = true
        this.logger.warn(context, `old versions cannot be ${oldVersions}d (no permission); not trying again`)
      } else {
        const label = code === undefined ? 'no status' : statusLabel(code)
        this.logger.warn(context, `the new version was added, but old versions were not ${oldVersions}d (${label})`)
      }
    }
  }

  /** Disables every enabled version, newest first, so the name reads as missing as soon as the first one is. */
  async #disableAll(secret: string): Promise<void> {
    for (const number of await this.#enabledVersions(secret)) {
      try {
        await this.#call((o) => this.#client.disableSecretVersion({ name: `${secret}/versions/${number}` }, o))
      } catch (err) {
        // Destroyed meanwhile: nothing left to disable.
        if (grpcCode(err) !== GRPC_STATUS.FAILED_PRECONDITION) throw err
      }
    }
  }
}
