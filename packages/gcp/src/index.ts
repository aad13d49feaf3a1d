export type { MapContext } from './errors.js'
export { GRPC_STATUS, IntegrityError, mapSecretManagerError } from './errors.js'
export {
  GCPSecretStore,
  /** PURISTA's name for this store (`@purista/gcloud-secret-store`): the same class. */
  GCPSecretStore as GoogleSecretStore,
} from './gcp-secret-store.js'
export type { SecretResourceName } from './names.js'
export { parseResourceName, SECRET_ID_MAX_LENGTH, secretManagerId } from './names.js'
export { crc32c } from './payload.js'
export { DEFAULT_KEEP_VERSIONS } from './settings.js'
export type {
  GCPClientOptions,
  GCPProjectOptions,
  GCPSecretStoreOptions,
  GCPSecretStoreSettings,
  OldVersionPolicy,
  SecretManagerClientOptions,
  SecretReplication,
} from './types.js'
