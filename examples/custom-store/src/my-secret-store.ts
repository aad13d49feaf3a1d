// The handbook's "Custom secret store" sample, unchanged except for the import paths (this file is excluded
// from formatting so it stays verbatim; the customClient import stands for the SDK the sample assumes).
import { SecretStoreBaseClass, StoreBaseConfig } from '@secret-store/core'
import { customClient } from './custom-client.js'

type MySecretConfig = { url: string }

export class MySecretStore extends SecretStoreBaseClass<MySecretConfig> {
  private client

  constructor(config: StoreBaseConfig<MySecretConfig>) {
    super('MySecretStore', config)
    this.client = customClient.connect(this.config.config.url)
  }

  protected async getSecretImpl<Names extends string[]>(...names: Names) {
    const result: Record<string, string> = {}
    for (const name of names) {
      result[name] = await this.client.get(name)
    }
    return result as any
  }

  protected async setSecretImpl(name: string, value: string) {
    await this.client.set(name, value)
  }

  protected async removeSecretImpl(name: string) {
    await this.client.del(name)
  }

  async destroy() {
    await this.client.disconnect()
    super.destroy()
  }
}
