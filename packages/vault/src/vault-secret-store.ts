import {
  DEFAULT_CAPABILITIES,
  InvalidSecretValueError,
  mapWithConcurrency,
  NotSupportedError,
  type RemoveSecretOptions,
  type SecretOperation,
  SecretStoreBaseClass,
  type SecretStoreCapabilities,
  type SecretStoreError,
  type SplitStoreOptions,
  splitStoreOptions,
} from '@secret-store/core'
import nodeVault from 'node-vault'
import { AppRoleSession } from './auth.js'
import { isNoRoute, mapVaultError, vaultStatus } from './errors.js'
import { encodeSegments, normalizeFolder, vaultSecretPath } from './names.js'
import type {
  KvVersion,
  VaultAppRoleOptions,
  VaultClient,
  VaultRequestOptions,
  VaultSecretStoreOptions,
  VaultStoreSettings,
} from './types.js'

const STORE_NAME = 'VaultSecretStore'
const DEFAULT_MOUNT = 'secret'
const DEFAULT_FIELD = 'value'
const DEFAULT_TIMEOUT_MS = 10_000

const RECOVERABLE_CAPABILITIES: SecretStoreCapabilities = Object.freeze({
  ...DEFAULT_CAPABILITIES,
  recoverableDelete: true,
})

/**
 * A secret store on HashiCorp Vault or OpenBao KV (v2 by default, v1 too), through node-vault.
 * Each secret is one KV entry whose value sits in one field (`value` by default). Authenticates with a
 * token, with AppRole (renewing the token and logging in again as needed), or through a ready client.
 *
 * @example
 * const secretStore = new VaultSecretStore({
 *   endpoint: 'http://vault:8200',
 *   token: process.env.VAULT_TOKEN,
 *   mount: 'secret',
 * })
 */
export class VaultSecretStore extends SecretStoreBaseClass<VaultStoreSettings> {
  readonly #client: VaultClient
  readonly #session: AppRoleSession | undefined
  /** The mount as configured (for messages) and encoded (for paths). */
  readonly #mount: string
  readonly #mountPath: string
  readonly #prefixPath: string | undefined
  readonly #field: string
  readonly #purge: boolean
  readonly #cas: boolean
  #kvVersion: 1 | 2 | undefined
  #detecting: Promise<1 | 2> | undefined

  constructor(options: VaultSecretStoreOptions = {}) {
    const { base, own: vault } = splitStoreOptions(options)
    const resolved = resolveOptions(vault)
    super(STORE_NAME, { ...base, config: resolved.settings })

    const { settings, appRole } = resolved
    this.#client = vault.client ?? createClient(settings, vault.token, vault.requestTimeoutMs)
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
    this.#purge = settings.purge
    this.#cas = settings.cas
    this.#kvVersion = settings.kvVersion === 'auto' ? undefined : settings.kvVersion
  }

  /**
   * Soft delete on KV v2 (unless `purge` is set) is recoverable. With `kvVersion: 'auto'` this is known
   * only after the first request has detected the version; until then it reports `false`.
   */
  override get capabilities(): SecretStoreCapabilities {
    return this.#kvVersion === 2 && !this.#purge ? RECOVERABLE_CAPABILITIES : DEFAULT_CAPABILITIES
  }

  protected override backendName(name: string) {
    return vaultSecretPath(name)
  }

  protected async getSecretImpl<Names extends string[]>(...names: Names): Promise<Record<string, string | undefined>> {
    const version = await this.#version('get', names.length === 1 ? names[0] : undefined)
    // No prototype: `__proto__` is a valid secret name.
    const result: Record<string, string | undefined> = Object.create(null)
    await mapWithConcurrency(names, this.maxConcurrency, async (name) => {
      result[name] = await this.#readOne(name, version)
    })
    return result
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
    const purge = options?.purge ?? this.#purge
    const path = this.#path(name, version, purge ? 'metadata' : 'data')
    try {
      await this.#call((request) => this.#client.delete(path, request))
    } catch (err) {
      // Vault answers 204 for a missing key; tolerate a 404 from proxies or older servers all the same.
      if (vaultStatus(err) === 404 && !isNoRoute(err)) return
      throw err
    }
  }

  protected override mapError(
    error: unknown,
    operation: SecretOperation,
    secretName: string | undefined,
  ): SecretStoreError {
    return mapVaultError(error, { store: this.name, operation, secretName, mount: this.#mount })
  }

  /** Stops the AppRole renewal timer, then wipes the cache. An injected client is left as it is. */
  override async destroy(): Promise<void> {
    this.#session?.destroy()
    await super.destroy()
  }

  async #readOne(name: string, version: 1 | 2): Promise<string | undefined> {
    let body: unknown
    try {
      body = await this.#call((options) => this.#client.read(this.#path(name, version, 'data'), options))
    } catch (err) {
      // A missing secret and a soft-deleted or destroyed version are 404s; an unknown mount is one too, but not "missing".
      if (vaultStatus(err) === 404 && !isNoRoute(err)) return undefined
      throw err
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
    const encoded = encodeSegments(name)
    const relative = this.#prefixPath === undefined ? encoded : `${this.#prefixPath}/${encoded}`
    return version === 1 ? `${this.#mountPath}/${relative}` : `${this.#mountPath}/${kind}/${relative}`
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

interface ResolvedOptions {
  settings: VaultStoreSettings
  appRole: VaultAppRoleOptions | undefined
  appRoleMountPath: string
}

type VaultOnlyOptions = SplitStoreOptions<VaultSecretStoreOptions>['own']

/** Checks the options (also for callers without types) and splits off the credentials. */
function resolveOptions(vault: VaultOnlyOptions): ResolvedOptions {
  const fail = (message: string): never => {
    throw new TypeError(`${STORE_NAME}: ${message}`)
  }
  const { token, appRole, client } = vault
  if (token !== undefined && appRole !== undefined) fail('pass either token or appRole, not both')
  if (client !== undefined) {
    if (token !== undefined) fail('pass either client or token: an injected client carries its own token')
    if (vault.endpoint !== undefined || vault.namespace !== undefined || vault.requestTimeoutMs !== undefined) {
      fail('endpoint, namespace and requestTimeoutMs belong to the injected client')
    }
    for (const method of ['read', 'write', 'delete'] as const) {
      if (typeof client[method] !== 'function') fail(`client has no ${method}() method`)
    }
  }
  if (token !== undefined && typeof token !== 'string') fail('token must be a string')
  if (appRole !== undefined) {
    if (typeof appRole.roleId !== 'string' || appRole.roleId === '') fail('appRole.roleId must be a non-empty string')
    if (typeof appRole.secretId !== 'string' || appRole.secretId === '') {
      fail('appRole.secretId must be a non-empty string')
    }
  }
  const kvVersion: KvVersion = vault.kvVersion ?? 2
  if (kvVersion !== 1 && kvVersion !== 2 && kvVersion !== 'auto') fail("kvVersion must be 1, 2 or 'auto'")
  const field = vault.field ?? DEFAULT_FIELD
  if (typeof field !== 'string' || field === '') fail('field must be a non-empty string')
  const cas = vault.cas ?? false
  if (cas && kvVersion === 1) fail('cas needs KV v2')
  const timeout = vault.requestTimeoutMs
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    fail('requestTimeoutMs must be a positive number')
  }
  return {
    settings: {
      endpoint: vault.endpoint,
      namespace: vault.namespace,
      mount: normalizeFolder(vault.mount ?? DEFAULT_MOUNT, 'mount'),
      prefix: vault.prefix === undefined ? undefined : normalizeFolder(vault.prefix, 'prefix'),
      kvVersion,
      field,
      purge: vault.purge ?? false,
      cas,
      auth: appRole === undefined ? 'token' : 'appRole',
      injectedClient: client !== undefined,
    },
    appRole,
    appRoleMountPath: normalizeFolder(appRole?.mountPath ?? 'approle', 'appRole.mountPath'),
  }
}

function createClient(settings: VaultStoreSettings, token: string | undefined, timeoutMs: number | undefined) {
  const client = nodeVault({
    endpoint: settings.endpoint,
    namespace: settings.namespace,
    token: settings.auth === 'token' ? token : undefined,
    requestOptions: { timeout: timeoutMs ?? DEFAULT_TIMEOUT_MS },
    // node-vault's debug output prints request bodies, i.e. secret values: keep it off for this client.
    debug: () => {},
  })
  // In AppRole mode every request carries the session's token; don't let node-vault fall back to VAULT_TOKEN.
  if (settings.auth === 'appRole') client.token = ''
  return client
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
}
