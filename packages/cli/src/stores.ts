/** Builds the stores the config file describes, loading each adapter package on first use. */
import { dirname, resolve } from 'node:path'
import type {
  FreshSecretReader,
  RemoveSecretOptions,
  SecretNameLister,
  SecretStore,
  SecretStoreCapabilities,
  StoreBaseOptions,
} from '@secret-store/core'
import { type AdapterName, type LoadedConfig, resolveEnv, type StoreEntry } from './config.js'
import { DotenvSecretStore } from './dotenv-store.js'
import { CliError } from './exit-codes.js'

/** A store as the CLI uses it: the contract, plus what every store built on the base class offers. */
export type CliStore = SecretStore &
  SecretNameLister &
  FreshSecretReader & {
    readonly capabilities: SecretStoreCapabilities
    removeSecret(name: string, options?: RemoveSecretOptions): Promise<void>
  }

export interface OpenedStore {
  /** The name in the config file. */
  label: string
  entry: StoreEntry
  store: CliStore
  /** The flags the config enables. */
  enabled: { get: boolean; set: boolean; remove: boolean }
}

/** Each adapter's package, class, and the SDK to install beside it. */
const ADAPTERS: Record<AdapterName, { pkg: string; sdk: string; load: () => Promise<unknown> }> = {
  aws: {
    pkg: '@secret-store/aws',
    sdk: '@aws-sdk/client-secrets-manager',
    load: async () => (await import('@secret-store/aws')).AWSSecretStore,
  },
  azure: {
    pkg: '@secret-store/azure',
    sdk: '@azure/keyvault-secrets @azure/identity',
    load: async () => (await import('@secret-store/azure')).AzureSecretStore,
  },
  gcp: {
    pkg: '@secret-store/gcp',
    sdk: '@google-cloud/secret-manager',
    load: async () => (await import('@secret-store/gcp')).GCPSecretStore,
  },
  infisical: {
    pkg: '@secret-store/infisical',
    sdk: '@infisical/sdk',
    load: async () => (await import('@secret-store/infisical')).InfisicalSecretStore,
  },
  vault: {
    pkg: '@secret-store/vault',
    sdk: 'node-vault',
    load: async () => (await import('@secret-store/vault')).VaultSecretStore,
  },
  dapr: {
    pkg: '@secret-store/dapr',
    sdk: '@dapr/dapr',
    load: async () => (await import('@secret-store/dapr')).DaprSecretStore,
  },
}

/** The options the CLI adds to every store: no cache (each command wants the backend's answer). */
const CLI_OPTIONS: StoreBaseOptions = { cache: false }

/** Opens the store `label` of the config. Throws `CliError` (usage) for an unknown store or a missing package. */
export async function openStore(loaded: LoadedConfig, label: string | undefined): Promise<OpenedStore> {
  const { config } = loaded
  const labels = Object.keys(config.stores)
  const chosen = label ?? config.defaultStore ?? (labels.length === 1 ? labels[0] : undefined)
  if (chosen === undefined) {
    throw new CliError(`which store? pass --store <name> (one of ${labels.join(', ')}) or set "defaultStore"`)
  }
  const entry = config.stores[chosen]
  if (entry === undefined) throw new CliError(`no store "${chosen}" in ${loaded.file} (it has ${labels.join(', ')})`)
  if (entry.adapter === 'dotenv') {
    // Writes "enabled" so that a write is refused for what it is: the source is read-only.
    const options = { ...CLI_OPTIONS, enableSet: true, enableRemove: true }
    const store = new DotenvSecretStore(resolve(dirname(loaded.file), entry.path), options) as unknown as CliStore
    return { label: chosen, entry, store, enabled: { get: true, set: false, remove: false } }
  }
  const adapter = ADAPTERS[entry.adapter]
  let Store: new (options: Record<string, unknown>) => CliStore
  try {
    Store = (await adapter.load()) as typeof Store
  } catch (err) {
    if (
      (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' ||
      (err as { code?: string }).code === 'MODULE_NOT_FOUND'
    ) {
      throw new CliError(
        `store "${chosen}" uses the ${entry.adapter} adapter: install it with npm install ${adapter.pkg} ${adapter.sdk}`,
      )
    }
    throw err
  }
  const resolved = resolveEnv(entry.options ?? {}, loaded.env, `stores.${chosen}.options`) as Record<string, unknown>
  const options: Record<string, unknown> = { ...CLI_OPTIONS, ...resolved }
  let store: CliStore
  try {
    store = new Store(options)
  } catch (err) {
    // Constructor errors are configuration errors; their messages name options, never values.
    throw new CliError(`store "${chosen}": ${(err as Error).message}`)
  }
  const flag = (key: string, fallback: boolean) =>
    typeof options[key] === 'boolean' ? (options[key] as boolean) : fallback
  return {
    label: chosen,
    entry,
    store,
    enabled: { get: flag('enableGet', true), set: flag('enableSet', false), remove: flag('enableRemove', false) },
  }
}

/** Runs `fn` with the opened stores and destroys them afterwards, whatever happens. */
export async function withStores<T>(
  loaded: LoadedConfig,
  labels: ReadonlyArray<string | undefined>,
  fn: (...stores: OpenedStore[]) => Promise<T>,
): Promise<T> {
  const opened: OpenedStore[] = []
  try {
    for (const label of labels) opened.push(await openStore(loaded, label))
    return await fn(...opened)
  } finally {
    await Promise.allSettled(opened.map((o) => o.store.destroy()))
  }
}
