export { InfisicalSecretStore } from './infisical-secret-store.js'
export { type InfisicalSecretLocation, infisicalSecretLocation, infisicalSecretName } from './names.js'
export { DEFAULT_LIST_THRESHOLD, DEFAULT_SITE_URL } from './options.js'
export type {
  InfisicalProjectOptions,
  InfisicalSecretStoreOptions,
  InfisicalStoreFlags,
  InfisicalStoreSettings,
  InfisicalUniversalAuth,
} from './types.js'
