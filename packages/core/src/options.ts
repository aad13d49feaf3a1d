/** Turns the options every store accepts (PURISTA's spellings included) into settled values. */
import { type ResolvedCacheOptions, resolveCacheOptions } from './cache.js'
import { oneSpelling } from './option-keys.js'
import { type ResolvedReliability, resolveReliability } from './reliability.js'
import {
  type CacheOptions,
  type SecretStoreLogger,
  type SecretStoreLogLevel,
  StoreBaseConfig,
  type StoreBaseOptions,
} from './types.js'

export interface ResolvedStoreOptions {
  readonly enableGet: boolean
  readonly enableSet: boolean
  readonly enableRemove: boolean
  /** The logger with the lines below `logLevel` silenced; a silent one when none was given. */
  readonly logger: SecretStoreLogger
  readonly maxConcurrency: number
  readonly cache: ResolvedCacheOptions
  readonly nameTransform: ((name: string) => string) | undefined
  readonly reliability: ResolvedReliability
}

const silentLogger: SecretStoreLogger = { debug() {}, info() {}, warn() {}, error() {} }

const LOG_LEVELS: readonly SecretStoreLogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal']

/** Checks and settles the shared options; throws `RangeError`/`TypeError` naming the bad option. */
export function resolveStoreOptions(options: StoreBaseOptions, store = 'secret store'): ResolvedStoreOptions {
  oneSpelling(store, options, ['cache'], ['enableCache', 'cacheTtl'], 'the cache')
  const maxConcurrency = options.maxConcurrency ?? StoreBaseConfig.maxConcurrency
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
    throw new RangeError('maxConcurrency must be a whole number of at least 1')
  }
  if (options.nameTransform !== undefined && typeof options.nameTransform !== 'function') {
    throw new TypeError('nameTransform must be a function')
  }
  return {
    enableGet: options.enableGet ?? StoreBaseConfig.enableGet,
    enableSet: options.enableSet ?? StoreBaseConfig.enableSet,
    enableRemove: options.enableRemove ?? StoreBaseConfig.enableRemove,
    logger: levelFilteredLogger(options.logger, options.logLevel),
    maxConcurrency,
    cache: resolveCacheOptions(puristaCacheOptions(options)),
    nameTransform: options.nameTransform,
    reliability: resolveReliability(options),
  }
}

/** The logger, with the methods below `logLevel` silenced. */
function levelFilteredLogger(logger: SecretStoreLogger | undefined, logLevel: SecretStoreLogLevel | undefined) {
  if (logger === undefined) return silentLogger
  if (logLevel === undefined) return logger
  const threshold = LOG_LEVELS.indexOf(logLevel)
  if (threshold < 0) throw new RangeError(`logLevel must be one of ${LOG_LEVELS.join(', ')}`)
  const pass = (level: SecretStoreLogLevel) => LOG_LEVELS.indexOf(level) >= threshold
  return {
    debug: pass('debug') ? logger.debug.bind(logger) : silentLogger.debug,
    info: pass('info') ? logger.info.bind(logger) : silentLogger.info,
    warn: pass('warn') ? logger.warn.bind(logger) : silentLogger.warn,
    error: pass('error') ? logger.error.bind(logger) : silentLogger.error,
  }
}

/** Folds PURISTA's `enableCache` / `cacheTtl` into `cache`; mixing both spellings is a mistake. */
function puristaCacheOptions(options: StoreBaseOptions): CacheOptions | false | undefined {
  const { cache, enableCache, cacheTtl } = options
  if (enableCache === undefined && cacheTtl === undefined) return cache
  if (enableCache === false) return false
  return cacheTtl === undefined ? {} : { ttlMs: cacheTtl }
}
