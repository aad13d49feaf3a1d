import type { SecretNameListing, SecretNamePage } from './listing.js'
import { SecretStoreBaseClass } from './secret-store-base-class.js'
import type { StoreBaseConfig } from './types.js'

let warned = false

export type DefaultSecretStoreOptions = Partial<StoreBaseConfig<Record<string, string>>> & {
  /**
   * The map that holds the values. Pass one to share values between stores (for example a test's
   * back door). The initial `config` values are written into it.
   * @default a new private map
   */
  map?: Map<string, string>
}

/**
 * An in-memory store for local development and tests. Values live in this process only and
 * are lost when it exits; it warns once per process that it is not for production.
 *
 * @example
 * const secretStore = new DefaultSecretStore({
 *   enableGet: true,
 *   enableSet: true,
 *   enableRemove: true,
 *   config: { paymentApiKey: 'dev-key-only' },
 * })
 */
export class DefaultSecretStore extends SecretStoreBaseClass<Record<string, string>> {
  readonly #values: Map<string, string>

  constructor(options: DefaultSecretStoreOptions = {}) {
    const { map, ...config } = options
    // The initial values go into the map, not into the base config, which subclasses can read.
    super('DefaultSecretStore', { ...config, config: {} })
    this.#values = map ?? new Map()
    for (const [name, value] of Object.entries(config.config ?? {})) {
      if (typeof value !== 'string')
        throw new TypeError(`DefaultSecretStore: the initial value of "${name}" must be a string`)
      this.#values.set(name, value)
    }
    if (!warned) {
      warned = true
      const message =
        'DefaultSecretStore keeps secrets in memory and is meant for local development only; use a real backend in production'
      if (config.logger) this.logger.warn({ store: this.name }, message)
      else process.emitWarning(message, { code: 'SECRET_STORE_DEV_ONLY' })
    }
  }

  protected async getSecretImpl(name: string) {
    return this.#values.get(name)
  }

  protected async setSecretImpl(name: string, value: string) {
    this.#values.set(name, value)
  }

  /** Names in code-unit order; the cursor is the last name of the previous page. */
  protected override async listSecretNamesImpl({
    prefix,
    cursor,
    pageSize,
  }: SecretNameListing): Promise<SecretNamePage> {
    const names = [...this.#values.keys()]
      .filter((name) => name.startsWith(prefix) && (cursor === undefined || name > cursor))
      .sort()
    const page = names.slice(0, pageSize)
    return { names: page, cursor: names.length > pageSize ? page.at(-1) : undefined }
  }

  protected async removeSecretImpl(name: string) {
    this.#values.delete(name)
  }

  override async destroy() {
    this.#values.clear()
    await super.destroy()
  }
}
