export type { MapContext } from './errors.js'
export { GRPC_STATUS, IntegrityError, mapSecretManagerError } from './errors.js'
export { GCPSecretStore } from './gcp-secret-store.js'
export type { SecretResourceName } from './names.js'
export { parseResourceName, SECRET_ID_MAX_LENGTH, secretManagerId } from './names.js'
export { crc32c } from './payload.js'
export { DEFAULT_KEEP_VERSIONS } from './settings.js'
export type {
  GCPClientOptions,
  GCPSecretStoreOptions,
  GCPSecretStoreSettings,
  OldVersionPolicy,
  SecretManagerClientOptions,
  SecretReplication,
} from './types.js'
