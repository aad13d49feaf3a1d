export { VaultCheckAndSetError } from './errors.js'
export { toVaultPath, vaultSecretPath } from './names.js'
export type {
  KvVersion,
  VaultAppRoleOptions,
  VaultClient,
  VaultKvOptions,
  VaultRequestOptions,
  VaultSecretStoreOptions,
  VaultStoreFlags,
  VaultStoreSettings,
} from './types.js'
export { VaultSecretStore } from './vault-secret-store.js'
