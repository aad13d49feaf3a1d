import {
  InvalidSecretValueError,
  NotSupportedError,
  type RemoveSecretOptions,
  type SecretNameListing,
  type SecretNamePage,
  type SecretOperation,
  SecretStoreBaseClass,
  type SecretStoreError,
  UnavailableError,
} from '@secret-store/core'
import { splitStoreOptions } from '@secret-store/core/adapter'
import { AppRoleSession } from './auth.js'
import { isNoRoute, isVaultNotFound, mapVaultError, vaultStatus } from './errors.js'
import { KvNameLister } from './listing.js'
import { encodeSegments, field, kvApiPath, vaultSecretPath } from './names.js'
import { createClient, resolveOptions, STORE_NAME } from './options.js'
import type { VaultClient, VaultRequestOptions, VaultSecretStoreOptions } from './types.js'

/**
 * A secret store on HashiCorp Vault or OpenBao KV (v2 by default, v1 too), through node-vault.
 * Each secret is one KV entry whose value sits in one field (`value` by default); `listSecretNames` walks
 * the KV folders with `LIST`. Authenticates with a token, with AppRole (renewing the token and logging in
 * again as needed), or through a ready client.
 *
 * @example
 * const secretStore = new VaultSecretStore({
 *   endpoint: 'http://vault:8200',
 *   token: process.env.VAULT_TOKEN,
 *   mount: 'secret',
 * })
 */
export class VaultSecretStore extends SecretStoreBaseClass<Record<string, never>> {
  readonly #client: VaultClient
  readonly #session: AppRoleSession | undefined
  /** The mount as configured (for messages) and encoded (for paths). */
  readonly #mount: string
  readonly #mountPath: string
  readonly #prefixPath: string | undefined
  readonly #field: string
  readonly #purgeOnRemove: boolean
  readonly #cas: boolean
  #kvVersion: 1 | 2 | undefined
  #detecting: Promise<1 | 2> | undefined
  readonly #lister = new KvNameLister(() =>
    this.logger.debug(
      { store: this.name, mount: this.#mount },
      "listing reads each secret's metadata: detailed-metadata is missing or denied",
    ),
  )

  constructor(options: VaultSecretStoreOptions = {}) {
    const { base, own: vault } = splitStoreOptions(options)
    const resolved = resolveOptions(vault)
    // The settings and credentials stay in private fields, never in the base config.
    super(STORE_NAME, { ...base, config: {} })

    const { settings, appRole } = resolved
    this.#client = vault.client ?? createClient(settings, vault.token, vault.requestTimeoutMs ?? this.attemptTimeoutMs)
    this.#session =
      appRole === undefined
        ? undefined
        : new AppRoleSession(
            this.#client,
            { roleId: appRole.roleId, secretId: appRole.secretId, mountPath: resolved.appRoleMountPath },
            this.logger,
            this.name,
          )
    this.#mount = settings.mount
    this.#mountPath = encodeSegments(settings.mount)
    this.#prefixPath = settings.prefix === undefined ? undefined : encodeSegments(settings.prefix)
    this.#field = settings.field
    this.#purgeOnRemove = settings.purgeOnRemove
    this.#cas = settings.cas
    this.#kvVersion = settings.kvVersion === 'auto' ? undefined : settings.kvVersion
  }

  /**
   * Soft delete on KV v2 (unless `purgeOnRemove` is set) is recoverable. With `kvVersion: 'auto'` this is
   * known only after the first request has detected the version; until then it reports `false`.
   */
  protected override get backendCapabilities() {
    return { recoverableDelete: this.#kvVersion === 2 && !this.#purgeOnRemove }
  }

  protected override backendName(name: string) {
    return vaultSecretPath(name)
  }

  protected async getSecretImpl(name: string): Promise<string | undefined> {
    return this.#readOne(name, await this.#version('get', name))
  }

  protected async setSecretImpl(name: string, value: string): Promise<void> {
    const version = await this.#version('set', name)
    const entry = { [this.#field]: value }
    if (version === 1) {
      if (this.#cas) {
        throw new NotSupportedError('set', `check-and-set needs KV v2, mount "${this.#mount}" is KV v1`, {
          store: this.name,
          secretName: name,
        })
      }
      await this.#call((options) => this.#client.write(this.#path(name, 1, 'data'), entry, options))
      return
    }
    const path = this.#path(name, 2, 'data')
    const body = this.#cas ? { data: entry, options: { cas: await this.#currentVersion(path) } } : { data: entry }
    await this.#call((options) => this.#client.write(path, body, options))
  }

  protected async removeSecretImpl(name: string, options?: RemoveSecretOptions): Promise<void> {
    const version = await this.#version('remove', name)
    const purge = options?.purge ?? this.#purgeOnRemove
    const path = this.#path(name, version, purge ? 'metadata' : 'data')
    try {
      await this.#call((request) => this.#client.delete(path, request))
    } catch (err) {
      // Vault answers 204 for a missing key; an older server's 404 with Vault's body means the same.
      if (isVaultNotFound(err)) return
      throw err
    }
  }

  /** One folder of names per page; the cursor holds the folders still to walk (see `KvNameLister`). */
  protected override async listSecretNamesImpl(listing: SecretNameListing): Promise<SecretNamePage> {
    const context = {
      store: this.name,
      client: this.#client,
      call: <T>(request: (options: VaultRequestOptions | undefined) => Promise<T>) => this.#call(request),
      mountPath: this.#mountPath,
      prefixPath: this.#prefixPath,
      version: await this.#version('list', listing.prefix || undefined),
      maxConcurrency: this.maxConcurrency,
      signal: this.abortSignal,
    }
    return this.#lister.page(context, listing)
  }

  protected override mapError(
    error: unknown,
    operation: SecretOperation,
    secretName: string | undefined,
  ): SecretStoreError {
    return mapVaultError(error, { store: this.name, operation, secretName, mount: this.#mount })
  }

  /** Stops the AppRole renewal timer. An injected client is left as it is. */
  protected override async closeImpl(): Promise<void> {
    this.#session?.destroy()
  }

  async #readOne(name: string, version: 1 | 2): Promise<string | undefined> {
    let body: unknown
    try {
      body = await this.#call((options) => this.#client.read(this.#path(name, version, 'data'), options))
    } catch (err) {
      // A missing secret and a soft-deleted or destroyed version are Vault's 404s; an unknown mount or a
      // proxy's 404 page is not "missing".
      if (isVaultNotFound(err)) return undefined
      throw err
    }
    // Vault answers a read with a JSON object holding `data`; an HTML page, an empty or cut-off body is
    // something else in the way, never a missing secret.
    if (typeof field(body, 'data') !== 'object' || field(body, 'data') === null) {
      throw new UnavailableError("an answer that is not Vault's came back (no data object)", {
        store: this.name,
        secretName: name,
        operation: 'get',
      })
    }
    const data = field(body, 'data')
    const entry = version === 2 ? field(data, 'data') : data
    if (entry === undefined || entry === null) return undefined
    const problem = (reason: string) =>
      new InvalidSecretValueError(reason, { store: this.name, secretName: name, operation: 'get' })
    if (typeof entry !== 'object' || !Object.hasOwn(entry, this.#field)) {
      const others = typeof entry === 'object' ? Object.keys(entry).length : 0
      throw problem(
        `the Vault entry has no "${this.#field}" field (it has ${others} other field(s)); set the store's field option or write it with setSecret`,
      )
    }
    const value = (entry as Record<string, unknown>)[this.#field]
    if (typeof value !== 'string') {
      throw problem(
        `the Vault field "${this.#field}" holds ${value === null ? 'null' : `a ${typeof value}`}, not a string`,
      )
    }
    return value
  }

  /** The version check-and-set must name: the latest version, deleted or not; 0 when there is none. */
  async #currentVersion(path: string): Promise<number> {
    let metadata: unknown
    try {
      const body = await this.#call((options) => this.#client.read(path, options))
      metadata = field(field(body, 'data'), 'metadata')
    } catch (err) {
      if (vaultStatus(err) !== 404 || isNoRoute(err)) throw err
      // A soft-deleted latest version still reports its metadata in the 404 body.
      const response = field(err, 'response')
      metadata = field(field(field(response, 'body'), 'data'), 'metadata')
    }
    const version = field(metadata, 'version')
    return typeof version === 'number' ? version : 0
  }

  #path(name: string, version: 1 | 2, kind: 'data' | 'metadata'): string {
    return kvApiPath({ mountPath: this.#mountPath, prefixPath: this.#prefixPath, version }, kind, name)
  }

  #call<T>(request: (options: VaultRequestOptions | undefined) => Promise<T>): Promise<T> {
    return this.#session === undefined ? request(undefined) : this.#session.run(request)
  }

  /** The KV version: configured, or detected once (concurrent first calls share one request). */
  async #version(operation: SecretOperation, secretName: string | undefined): Promise<1 | 2> {
    if (this.#kvVersion !== undefined) return this.#kvVersion
    this.#detecting ??= this.#detect(operation, secretName).finally(() => {
      this.#detecting = undefined
    })
    return this.#detecting
  }

  async #detect(operation: SecretOperation, secretName: string | undefined): Promise<1 | 2> {
    const body = await this.#call((options) => this.#client.read(`sys/internal/ui/mounts/${this.#mountPath}`, options))
    const data = field(body, 'data')
    const type = field(data, 'type')
    if (type !== 'kv' && type !== 'generic') {
      throw new NotSupportedError(
        operation,
        `mount "${this.#mount}" is a ${typeof type === 'string' ? type : 'unknown'} engine, not KV`,
        { store: this.name, secretName },
      )
    }
    const version = String(field(field(data, 'options'), 'version')) === '2' ? 2 : 1
    this.#kvVersion = version
    this.logger.debug({ store: this.name, mount: this.#mount, kvVersion: version }, 'Vault KV version detected')
    return version
  }
}
