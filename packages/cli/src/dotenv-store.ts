import { readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'
import {
  type SecretNameListing,
  type SecretNamePage,
  SecretStoreBaseClass,
  type StoreBaseOptions,
} from '@secret-store/core'

/**
 * A `.env` file as a read-only source: each variable is a secret of that name. Parsed with Node's own
 * `util.parseEnv` (the rules of `node --env-file`). The file is read when the store is built.
 */
export class DotenvSecretStore extends SecretStoreBaseClass<Record<string, never>> {
  readonly #values: Map<string, string>

  constructor(path: string, options: StoreBaseOptions = {}) {
    super('DotenvSecretStore', { ...options, config: {} })
    const parsed = parseEnv(readFileSync(path, 'utf8'))
    this.#values = new Map(Object.entries(parsed).filter((entry): entry is [string, string] => entry[1] !== undefined))
  }

  protected override get backendCapabilities() {
    return { writes: false }
  }

  protected async getSecretImpl(name: string) {
    return this.#values.get(name)
  }

  protected override async listSecretNamesImpl({ prefix }: SecretNameListing): Promise<SecretNamePage> {
    return { names: [...this.#values.keys()].filter((name) => name.startsWith(prefix)).sort() }
  }

  protected async setSecretImpl(): Promise<void> {
    throw new TypeError('a .env source is read-only')
  }

  protected async removeSecretImpl(): Promise<void> {
    throw new TypeError('a .env source is read-only')
  }
}
