export { AUTO_BULK_MIN_SECRETS, BULK_ENTRIES_PER_SINGLE_READ, type BulkMode } from './bulk.js'
export { DaprSecretStore } from './dapr-secret-store.js'
export { type DaprNameRules, daprSecretKey, type TenantSeparator } from './names.js'
export type { DaprClientLike, DaprSecretStoreOptions, DaprStoreSettings, PuristaDaprClientConfig } from './types.js'
