/**
 * Deadlines and retries for every backend call, written once: each attempt runs with its own
 * `AbortSignal` and timer, an operation has an overall deadline, and reads are retried on retryable
 * failures with exponential backoff and full jitter, honouring `Retry-After`, within a retry budget so
 * that a dead backend is not hammered.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { type SecretStoreError, UnavailableError } from './errors.js'

export interface RetryOptions {
  /** Attempts per read, the first included. 1 switches retries off. @default 5 */
  attempts?: number
  /** The backoff before retry n is a random time up to `min(maxDelayMs, baseDelayMs * 2^n)`. @default 50 */
  baseDelayMs?: number
  /** @default 1000 */
  maxDelayMs?: number
  /**
   * The retry budget: each first attempt earns this many retry tokens, each retry spends one, and the
   * bucket holds at most `budgetCapacity`. With the default, retries can add up to half the requests
   * again, and a backend that fails everything sees about 1.5 requests per read instead of 5.
   * @default 0.5
   */
  budgetRatio?: number
  /** @default 50 */
  budgetCapacity?: number
}

export interface ResolvedReliability {
  readonly timeoutMs: number
  readonly attemptTimeoutMs: number
  readonly retry: Required<RetryOptions>
}

export const DEFAULT_RELIABILITY: ResolvedReliability = Object.freeze({
  timeoutMs: 10_000,
  attemptTimeoutMs: 4_000,
  retry: Object.freeze({ attempts: 5, baseDelayMs: 50, maxDelayMs: 1_000, budgetRatio: 0.5, budgetCapacity: 50 }),
})

/** Checks the deadline and retry options; throws `RangeError` naming the bad one. */
export function resolveReliability(options: {
  timeoutMs?: number
  attemptTimeoutMs?: number
  retry?: RetryOptions | false
}): ResolvedReliability {
  const positive = (value: number, name: string) => {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a number of milliseconds above 0`)
    return value
  }
  const timeoutMs = positive(options.timeoutMs ?? DEFAULT_RELIABILITY.timeoutMs, 'timeoutMs')
  const attemptTimeoutMs = Math.min(
    timeoutMs,
    positive(options.attemptTimeoutMs ?? DEFAULT_RELIABILITY.attemptTimeoutMs, 'attemptTimeoutMs'),
  )
  const retry = { ...DEFAULT_RELIABILITY.retry, ...(options.retry === false ? { attempts: 1 } : options.retry) }
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1) throw new RangeError('retry.attempts must be 1 or more')
  for (const key of ['baseDelayMs', 'maxDelayMs', 'budgetRatio', 'budgetCapacity'] as const) {
    if (!Number.isFinite(retry[key]) || retry[key] < 0) throw new RangeError(`retry.${key} must be 0 or more`)
  }
  return { timeoutMs, attemptTimeoutMs, retry }
}

/** The signal of the attempt running in the current async context (see `SecretStoreBaseClass.abortSignal`). */
export const attemptSignal = new AsyncLocalStorage<AbortSignal>()

export interface CallContext {
  readonly store: string
  readonly operation: 'get' | 'set' | 'remove' | 'list'
  readonly secretName: string | undefined
  /** Epoch ms by which the whole operation must be done. */
  readonly deadline: number
  /** Whether failures may be retried (reads; writes only where the backend makes them idempotent). */
  readonly retry: boolean
}

/** Runs backend calls under deadlines, retrying within the budget. One per store. */
export class CallRunner {
  readonly #options: ResolvedReliability
  #tokens: number

  constructor(options: ResolvedReliability) {
    this.#options = options
    this.#tokens = options.retry.budgetCapacity
  }

  /** The epoch ms deadline of an operation starting now. */
  deadline(): number {
    return Date.now() + this.#options.timeoutMs
  }

  /**
   * Runs `attempt` until it succeeds, fails for good, or the deadline passes. `toError` turns a failure
   * into the typed error that decides whether to retry (and is thrown at the end).
   */
  async run<T>(
    context: CallContext,
    attempt: () => Promise<T>,
    toError: (err: unknown) => SecretStoreError,
  ): Promise<T> {
    const { retry } = this.#options
    this.#tokens = Math.min(retry.budgetCapacity, this.#tokens + retry.budgetRatio)
    for (let n = 0; ; n++) {
      let error: SecretStoreError
      try {
        return await this.#once(context, attempt)
      } catch (err) {
        error = toError(err)
      }
      const left = context.deadline - Date.now()
      if (!context.retry || !error.retryable || n + 1 >= retry.attempts || left <= 0 || this.#tokens < 1) throw error
      const backoff = Math.random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** n)
      const wait = Math.max(backoff, (error as UnavailableError).retryAfterMs ?? 0)
      // Waiting past the deadline cannot help: give the caller the failure now.
      if (wait >= left) throw error
      this.#tokens -= 1
      await sleep(wait)
    }
  }

  /** One attempt with its own abort signal, bounded by the attempt timeout and the deadline. */
  async #once<T>(context: CallContext, attempt: () => Promise<T>): Promise<T> {
    const budget = Math.min(this.#options.attemptTimeoutMs, context.deadline - Date.now())
    if (budget <= 0) throw timeoutError(context, this.#options.timeoutMs)
    const controller = new AbortController()
    let timer: NodeJS.Timeout | undefined
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = timeoutError(context, budget)
        controller.abort(error)
        reject(error)
      }, budget)
    })
    const running = attemptSignal.run(controller.signal, attempt)
    // The attempt may settle after the timer fired; its outcome is then nobody's business.
    running.catch(() => {})
    try {
      return await Promise.race([running, expired])
    } finally {
      clearTimeout(timer)
    }
  }
}

/**
 * Runs writes to one key in the order they were called; writes to different keys run side by side. A
 * write's requests are tracked: the next write to the key starts once they have really ended, or once the
 * earlier write's deadline plus one more deadline has passed (a client that ignores its abort signal).
 */
export class WriteQueue {
  readonly #tails = new Map<string, Promise<unknown>>()

  async run(
    key: string,
    deadline: number,
    write: (track: <T>(request: Promise<T>) => Promise<T>) => Promise<void>,
    late: () => Error,
  ): Promise<void> {
    const previous = this.#tails.get(key)
    const requests: Array<Promise<unknown>> = []
    const track = <T>(request: Promise<T>) => {
      requests.push(request)
      return request
    }
    const outcome = (async () => {
      // Waiting for an earlier write counts against this write's own deadline.
      if (previous !== undefined && !(await settledWithin(previous, deadline - Date.now()))) throw late()
      await write(track)
    })()
    const tail = outcome
      .catch(() => {})
      .then(() => settledOrLate(requests, 2 * Math.max(0, deadline - Date.now()) + 1_000))
    this.#tails.set(key, tail)
    tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    })
    await outcome
  }
}

/** Whether `promise` settles within `ms`. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  if (ms <= 0) return false
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms)
  })
  const settled = await Promise.race([promise.then(() => true), late])
  clearTimeout(timer)
  return settled
}

/** Resolves when every request has settled, or after `ms`. */
async function settledOrLate(requests: Array<Promise<unknown>>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms)
    timer.unref?.()
  })
  await Promise.race([Promise.allSettled(requests), late])
  clearTimeout(timer)
}

function timeoutError(context: CallContext, ms: number): UnavailableError {
  return new UnavailableError(`the backend did not answer within ${Math.round(ms)} ms`, {
    store: context.store,
    operation: context.operation,
    secretName: context.secretName,
  })
}
