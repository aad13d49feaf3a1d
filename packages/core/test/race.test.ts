import { raceAbort } from '@secret-store/core/adapter'
import { describe, expect, it } from 'vitest'

/** A promise settled from outside, as a client call that takes no signal. */
function pending<T>() {
  let resolve!: (value: T) => void
  let reject!: (reason: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )

describe('raceAbort', () => {
  it('is the promise itself without a signal', () => {
    const call = Promise.resolve(1)
    expect(raceAbort(call, undefined)).toBe(call)
  })

  it('settles as the promise when it settles first', async () => {
    const controller = new AbortController()
    expect(await raceAbort(Promise.resolve('v'), controller.signal)).toBe('v')
    const failure = new Error('backend said no')
    expect(await outcome(raceAbort(Promise.reject(failure), controller.signal))).toEqual({ error: failure })
  })

  it("rejects with the signal's reason when the signal aborts first, and ignores the promise's later outcome", async () => {
    const controller = new AbortController()
    const call = pending<string>()
    const raced = outcome(raceAbort(call.promise, controller.signal))
    const reason = new Error('attempt timed out')
    controller.abort(reason)
    expect(await raced).toEqual({ error: reason })
    // A late rejection is handled: no unhandled rejection is reported (vitest would fail the run).
    call.reject(new Error('late'))
    await new Promise((resolve) => setImmediate(resolve))
  })

  it('rejects at once for a signal that has aborted already, handling the late outcome', async () => {
    const reason = new Error('deadline passed')
    const call = pending<string>()
    expect(await outcome(raceAbort(call.promise, AbortSignal.abort(reason)))).toEqual({ error: reason })
    call.reject(new Error('late'))
    await new Promise((resolve) => setImmediate(resolve))
  })

  it('gives the AbortError of a signal aborted without a reason', async () => {
    const controller = new AbortController()
    const raced = outcome(raceAbort(new Promise(() => {}), controller.signal))
    controller.abort()
    const { error } = (await raced) as { error: Error }
    expect(error.name).toBe('AbortError')
  })

  it('removes its listener once the promise settles, so a long-lived signal collects none', async () => {
    const controller = new AbortController()
    let added = 0
    let removed = 0
    const { signal } = controller
    const add = signal.addEventListener.bind(signal)
    const remove = signal.removeEventListener.bind(signal)
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added++
      add(...args)
    }) as typeof signal.addEventListener
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      removed++
      remove(...args)
    }) as typeof signal.removeEventListener
    for (let i = 0; i < 100; i++) await raceAbort(Promise.resolve(i), signal)
    await outcome(raceAbort(Promise.reject(new Error('x')), signal))
    expect([added, removed]).toEqual([101, 101])
  })
})
