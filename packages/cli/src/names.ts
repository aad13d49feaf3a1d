import { CliError } from './exit-codes.js'
import type { CliStore } from './stores.js'

/** The names given, or the store's listing under `prefix` (every name without one). */
export async function* namesFrom(
  store: CliStore,
  names: readonly string[],
  prefix: string | undefined,
): AsyncGenerator<string> {
  if (names.length > 0) {
    yield* new Set(names)
    return
  }
  if (!store.capabilities.listing) {
    throw new CliError(`${store.name} cannot list names: give the names to use`)
  }
  yield* store.listSecretNames({ prefix: prefix ?? '', pageSize: 100 })
}

/** `source` in arrays of up to `size` names. */
export async function* chunked(source: AsyncIterable<string>, size: number): AsyncGenerator<string[]> {
  let chunk: string[] = []
  for await (const name of source) {
    chunk.push(name)
    if (chunk.length >= size) {
      yield chunk
      chunk = []
    }
  }
  if (chunk.length > 0) yield chunk
}
