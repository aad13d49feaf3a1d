/**
 * Constructor options checked by key: plain JavaScript callers make typos, and an option a store does
 * not read must not pass silently. Adapters list the keys they accept (theirs and PURISTA's spellings);
 * the shared keys of every store are added here.
 */
import { ConfigurationError } from './errors.js'
import { SHARED_KEYS } from './store-options.js'

/** Every key of every member of a union of option shapes. */
export type OptionKeysOf<Options> = Options extends unknown ? keyof Options & string : never

/**
 * A compile-time complete list of an adapter's own option keys: leaving one out (or naming one the type
 * lacks) fails to compile, so the runtime check cannot fall behind the type.
 *
 * @example
 * const KEYS = optionKeys<Omit<MyStoreOptions, keyof StoreBaseOptions>>()(['endpoint', 'token'])
 */
export const optionKeys =
  <Options>() =>
  <const Keys extends readonly OptionKeysOf<Options>[]>(
    keys: Keys &
      ([Exclude<OptionKeysOf<Options>, Keys[number]>] extends [never]
        ? unknown
        : { missingKeys: Exclude<OptionKeysOf<Options>, Keys[number]> }),
  ): readonly string[] =>
    keys

/**
 * Throws a `ConfigurationError` for every key of `options` that is neither shared by all stores nor in
 * `keys`, naming the closest accepted key and listing them all.
 */
export function checkOptionKeys(store: string, options: object, keys: readonly string[]): void {
  const accepted = new Set<string>([...SHARED_KEYS, ...keys])
  const unknown = Object.keys(options).filter((key) => !accepted.has(key))
  if (unknown.length === 0) return
  const described = unknown.map((key) => {
    const near = closest(key, accepted)
    return near === undefined ? `"${key}"` : `"${key}" (did you mean "${near}"?)`
  })
  throw new ConfigurationError(
    `unknown option${unknown.length > 1 ? 's' : ''} ${described.join(', ')}; accepted options: ${[...accepted].sort().join(', ')}`,
    { store },
  )
}

/**
 * Throws a `ConfigurationError` when `options` sets keys of both spellings of one setting (ours and
 * PURISTA's, say `clientOptions` and `options`). A key set to `undefined` counts as not set.
 */
export function oneSpelling(
  store: string,
  options: object,
  ours: readonly string[],
  theirs: readonly string[],
  setting: string,
): void {
  const given = (keys: readonly string[]) =>
    keys.filter((key) => (options as Record<string, unknown>)[key] !== undefined)
  const a = given(ours)
  const b = given(theirs)
  if (a.length > 0 && b.length > 0) {
    throw new ConfigurationError(`${setting} is given twice: pass either ${a.join('/')} or ${b.join('/')}, not both`, {
      store,
    })
  }
}

/** The accepted key nearest to a mistyped one (at most two edits, or a case difference), if any. */
function closest(key: string, accepted: ReadonlySet<string>): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const candidate of accepted) {
    const distance = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate)
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost)
    }
    previous = current
  }
  return previous[b.length] ?? 3
}
