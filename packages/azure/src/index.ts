export { AzureSecretStore } from './azure-secret-store.js'
export { KEY_VAULT_NAME_MAX_LENGTH, keyVaultName } from './names.js'
export type {
  AzureKeyVaultOptions,
  AzureSecretClient,
  AzureSecretStoreOptions,
  AzureStoreFlags,
  AzureStoreSettings,
} from './types.js'
