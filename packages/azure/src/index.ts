export { AzureSecretStore } from './azure-secret-store.js'
export { KEY_VAULT_NAME_MAX_LENGTH, keyVaultName } from './names.js'
export type { ResponseGuardPolicy } from './response-guard.js'
export { ForeignResponseError, keyVaultResponseGuard } from './response-guard.js'
export type {
  AzureKeyVaultOptions,
  AzureSecretClient,
  AzureSecretStoreOptions,
  AzureStoreFlags,
  AzureStoreSettings,
} from './types.js'
