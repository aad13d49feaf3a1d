import type { StoreBaseOptions } from './types.js'

/** An adapter's flat options, split into the options every store shares and the adapter's own. */
export interface SplitStoreOptions<Options extends StoreBaseOptions> {
  /** The shared options, ready for the base class's config (each key present, `undefined` when not given). */
  base: StoreBaseOptions
  /**
   * Everything else: the adapter's own options. Like an object rest, it keeps each member of a union
   * of option shapes apart.
   */
  own: Options extends unknown ? Omit<Options, keyof StoreBaseOptions> : never
}

/**
 * Splits an adapter's flat options into the shared part, for `super(name, { ...base, config })`, and
 * the adapter's own part. The two share no keys; `options` is left as it is.
 *
 * @example
 * constructor(options: MyStoreOptions) {
 *   const { base, own } = splitStoreOptions(options)
 *   super('MyStore', { ...base, config: resolveMySettings(own) })
 * }
 */
export function splitStoreOptions<Options extends StoreBaseOptions>(options: Options): SplitStoreOptions<Options> {
  const base: Record<string, unknown> = {}
  const own: Record<string, unknown> = { ...options }
  for (const key of SHARED_KEYS) {
    base[key] = options[key]
    delete own[key]
  }
  return { base: base as StoreBaseOptions, own: own as SplitStoreOptions<Options>['own'] }
}

/** Every key of `StoreBaseOptions`; the type below fails to compile when one is missing. */
export const SHARED_KEYS = [
  'enableGet',
  'enableSet',
  'enableRemove',
  'logger',
  'cache',
  'maxConcurrency',
  'enableCache',
  'cacheTtl',
  'logLevel',
  'nameTransform',
  'timeoutMs',
  'attemptTimeoutMs',
  'retry',
] as const satisfies ReadonlyArray<keyof StoreBaseOptions>
type MissingSharedKey = Exclude<keyof StoreBaseOptions, (typeof SHARED_KEYS)[number]>
const everySharedKey: [MissingSharedKey] extends [never] ? true : MissingSharedKey = true
void everySharedKey
