/**
 * `@infisical/sdk` 5.0.2 retries a 429 answer or a failed fetch (network error, or its own 10 s timeout)
 * four times, sleeping 1, 2, 4 and 8 s (each ±20 % jitter), and none of that can be configured: the
 * `InfisicalSDK` constructor takes only `siteUrl`. Both the sleeps and the timeout are global `setTimeout`
 * calls made from the SDK's module, so a test can shorten exactly those and leave every other timer
 * (undici's, vitest's, the fake's) alone.
 */
import { type MockInstance, vi } from 'vitest'

/** The SDK's per-attempt request timeout (`DEFAULT_TIMEOUT_MS`), in milliseconds. */
export const SDK_REQUEST_TIMEOUT_MS = 10_000

export interface SdkTimers {
  /** The back-off delays the SDK asked for, in order (each was run as 0 ms). */
  readonly backoffs: readonly number[]
  restore(): void
}

/**
 * Until `restore()`, the SDK's retry sleeps take no time and, when `requestTimeoutMs` is given, its
 * per-attempt timeout is that instead of 10 s.
 */
export function fastSdkTimers(options: { requestTimeoutMs?: number } = {}): SdkTimers {
  const realSetTimeout = globalThis.setTimeout
  const schedule = (args: unknown[], ms: number | undefined): unknown =>
    Reflect.apply(realSetTimeout, globalThis, [args[0], ms, ...args.slice(2)])
  const backoffs: number[] = []
  const spy: MockInstance = vi.spyOn(globalThis, 'setTimeout')
  spy.mockImplementation((...args: unknown[]) => {
    const ms = typeof args[1] === 'number' ? args[1] : undefined
    if (!calledFromSdk()) return schedule(args, ms)
    if (ms === SDK_REQUEST_TIMEOUT_MS) return schedule(args, options.requestTimeoutMs ?? ms)
    backoffs.push(ms ?? 0)
    return schedule(args, 0)
  })
  return { backoffs, restore: () => spy.mockRestore() }
}

/** Whether the code calling setTimeout (the first frame past this file and the spy) is the SDK's own. */
function calledFromSdk(): boolean {
  const frames = new Error().stack?.split('\n').slice(1) ?? []
  const caller = frames.find((frame) => !frame.includes('sdk-timers') && !frame.includes('@vitest/spy'))
  return caller?.includes('/@infisical/sdk/') ?? false
}
