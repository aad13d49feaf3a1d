export { AzureSecretStore } from './azure-secret-store.js'
export { fromKeyVaultName, KEY_VAULT_NAME_MAX_LENGTH, toKeyVaultName } from './names.js'
export type {
  AzureKeyVaultOptions,
  AzureSecretClient,
  AzureSecretStoreOptions,
  AzureStoreFlags,
  AzureStoreSettings,
} from './types.js'
