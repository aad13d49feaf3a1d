/**
 * `@secret-store/core/adapter`: what an adapter author needs beyond the base class. Options splitting,
 * bounded concurrency, the name helpers, and the one transport-level error classification every
 * adapter shares.
 */
export type { CacheEntry, ResolvedCacheOptions } from './cache.js'
export { mapWithConcurrency } from './concurrency.js'
export { SecretStoreHooks } from './hooks.js'
export { parseTenantName, pathNameProblem } from './names.js'
export type { OptionKeysOf } from './option-keys.js'
export { checkOptionKeys, oneSpelling, optionKeys } from './option-keys.js'
export type { ResolvedStoreOptions } from './options.js'
export { resolveStoreOptions } from './options.js'
export { raceAbort } from './race.js'
export type { SplitStoreOptions } from './store-options.js'
export { splitStoreOptions } from './store-options.js'
export type { ClassifyContext, HeaderBag, TransportFailure, TransportFailureKind } from './transport.js'
export {
  classifyTransport,
  errorOptions,
  header,
  isRetryableStatus,
  parseRetryAfter,
  retryAfterFromHeaders,
  sanitizeCause,
  statusOf,
  transportFailure,
  unknownError,
} from './transport.js'
export { DEFAULT_CAPABILITIES } from './types.js'
