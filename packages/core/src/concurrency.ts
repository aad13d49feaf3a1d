/**
 * Runs `fn` over `items` with at most `limit` calls in flight, keeping result order.
 * Rejects with the first failure once the calls already started have settled, so no
 * request is left running unobserved.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError('concurrency limit must be a whole number of at least 1')
  const results = new Array<R>(items.length)
  let next = 0
  let failed = false
  let firstError: unknown
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++
      try {
        results[index] = await fn(items[index] as T, index)
      } catch (err) {
        if (!failed) {
          failed = true
          firstError = err
        }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  if (failed) throw firstError
  return results
}
