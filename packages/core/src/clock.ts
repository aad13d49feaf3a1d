/**
 * A coarse wall clock for cache expiry. `Date.now()` costs about as much as a whole cached read,
 * so the time is read once and reused until a timer clears it; a TTL of minutes does not need
 * better than this resolution.
 */
export const CLOCK_RESOLUTION_MS = 25

let current: number | undefined

function expire(): void {
  current = undefined
}

export function coarseNow(): number {
  if (current === undefined) {
    current = Date.now()
    // unref: the clock must never keep a process alive.
    setTimeout(expire, CLOCK_RESOLUTION_MS).unref()
  }
  return current
}

/** Forgets the cached time (tests that move the system clock call this). */
export function resetCoarseClock(): void {
  current = undefined
}
