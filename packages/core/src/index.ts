// What a service author uses. Helpers for adapter authors live in `@secret-store/core/adapter`.
export type { BindSecretsOptions, ScopedSecretStore } from './bind-secrets.js'
export { bindSecrets } from './bind-secrets.js'
export { DEFAULT_CACHE_MAX_ENTRIES, DEFAULT_CACHE_TTL_MS } from './cache.js'
export type { DefaultSecretStoreOptions } from './default-secret-store.js'
export { DefaultSecretStore } from './default-secret-store.js'
export type { SecretStoreErrorCode, SecretStoreErrorOptions } from './errors.js'
export {
  AccessDeniedError,
  ConfigurationError,
  InvalidSecretNameError,
  InvalidSecretValueError,
  isSecretStoreError,
  NotSupportedError,
  OperationDisabledError,
  SecretFormatError,
  SecretStoreError,
  StoreDestroyedError,
  UnavailableError,
  UnknownSecretStoreError,
} from './errors.js'
export type {
  ListSecretNamesOptions,
  SecretNameLister,
  SecretNameListing,
  SecretNamePage,
} from './listing.js'
export type { BackendName, InvalidBackendName } from './names.js'
export { printableName, SECRET_NAME_MAX_LENGTH, secretNameProblem, TENANT_ID_PATTERN } from './names.js'

export type { SecretReader, WithSecretsOptions } from './rotation.js'
export { isAuthenticationError, withSecrets } from './rotation.js'
export { SecretStoreBaseClass } from './secret-store-base-class.js'
export { SPAN_ATTRIBUTES, SPAN_NAMES } from './tracing.js'
export type { JsonReadOptions, JsonValue, ValueEncoding } from './typed-values.js'
export type {
  CacheOptions,
  FreshSecretReader,
  ReadOptions,
  RemoveSecretOptions,
  SecretOperation,
  SecretRead,
  SecretStore,
  SecretStoreCapabilities,
  SecretStoreLogger,
  SecretStoreLogLevel,
  SecretValues,
  StoreBaseOptions,
  TypedSecretReader,
} from './types.js'
export { StoreBaseConfig } from './types.js'
