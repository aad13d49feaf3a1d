/**
 * Stops waiting for a promise when an abort signal fires, for backend clients that take no signal of their
 * own: the attempt then ends at its deadline although the client's work goes on in the background.
 */

/**
 * Settles like `promise`, or rejects with `signal.reason` as soon as `signal` aborts (at once when it
 * already has), whichever comes first. Without a signal it is `promise` itself. `promise` itself is not
 * cancelled: whatever it does goes on, and its later outcome is ignored (a late rejection is handled, never
 * reported as unhandled). The listener is removed when `promise` settles, so a long-lived signal does not
 * collect listeners.
 *
 * @example
 * const secret = await raceAbort(client.getSecret(name), this.abortSignal)
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
