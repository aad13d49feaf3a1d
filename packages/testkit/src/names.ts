import { secretNameProblem } from '@secret-store/core'

/** Every character a portable secret name may contain. */
export const PORTABLE_NAME_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.:/'

export interface RandomPortableNamesOptions {
  /** The same seed gives the same names, so a failure can be reproduced from it. */
  seed: number
  /** The longest name drawn. @default 40 */
  maxLength?: number
  /** Characters drawn more often than the rest: those your name mapping escapes or treats specially. @default '-_.:/' */
  tricky?: string
  /** The share of characters drawn from `tricky`; the others come from all portable characters. @default 0.5 */
  trickyShare?: number
}

/**
 * `count` distinct random portable names of 1 to `maxLength` characters, biased towards `tricky`, for
 * property tests of a name mapping. Deterministic for a seed.
 */
export function randomPortableNames(count: number, options: RandomPortableNamesOptions): string[] {
  const { maxLength = 40, tricky = '-_.:/', trickyShare = 0.5 } = options
  const next = mulberry32(options.seed)
  const names = new Set<string>()
  while (names.size < count) {
    const length = 1 + Math.floor(next() * maxLength)
    let name = ''
    for (let i = 0; i < length; i++) {
      const pool = tricky !== '' && next() < trickyShare ? tricky : PORTABLE_NAME_CHARACTERS
      name += pool[Math.floor(next() * pool.length)]
    }
    if (secretNameProblem(name) === undefined) names.add(name)
  }
  return [...names]
}

/** Small deterministic PRNG (mulberry32). */
function mulberry32(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
