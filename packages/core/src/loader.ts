/**
 * How the base class reads backend names through an adapter's hooks: the many-name read in chunks of its
 * batch size when the adapter has one (and there is more than one name), the one-name read otherwise,
 * at most `maxConcurrency` hook calls at once, and every answer checked to be a string or missing.
 */
import { mapWithConcurrency } from './concurrency.js'
import { UnknownSecretStoreError } from './errors.js'
import { printableName } from './names.js'
import type { SecretRead } from './types.js'

export interface HookReads {
  readonly store: string
  readonly maxConcurrency: number
  /** The most names one many-name read takes; `undefined` when the adapter has none. */
  readonly batchSize: number | undefined
  readMany(ids: string[]): Promise<ReadonlyMap<string, string | undefined>>
  readOne(id: string): Promise<SecretRead>
  /** Runs one hook call under the read's deadline and retry policy (`secretName`: the one name it reads). */
  call<T>(secretName: string | undefined, hook: () => Promise<T>): Promise<T>
}

/** Reads `ids` (backend names, distinct) through the hooks; every id gets an entry, `undefined` when missing. */
export async function readThroughHooks(ids: string[], hooks: HookReads): Promise<Map<string, string | undefined>> {
  const found = new Map<string, string | undefined>()
  const { batchSize } = hooks
  if (ids.length > 1 && batchSize !== undefined) {
    const size = Math.min(batchSize, ids.length)
    const chunks = Array.from({ length: Math.ceil(ids.length / size) }, (_, i) => ids.slice(i * size, (i + 1) * size))
    await mapWithConcurrency(chunks, hooks.maxConcurrency, async (chunk) => {
      const answered = await hooks.call(undefined, () => hooks.readMany(chunk))
      for (const id of chunk) found.set(id, checked(hooks.store, id, answered.get(id)))
    })
  } else {
    await mapWithConcurrency(ids, hooks.maxConcurrency, async (id) => {
      const read = await hooks.call(id, () => hooks.readOne(id))
      // A PURISTA-style hook answers `{ [name]: value }`.
      const value = read !== null && typeof read === 'object' ? (Object.hasOwn(read, id) ? read[id] : undefined) : read
      found.set(id, checked(hooks.store, id, value))
    })
  }
  return found
}

function checked(store: string, id: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value
  throw new UnknownSecretStoreError(`the backend returned a ${typeof value} instead of a string`, {
    store,
    secretName: printableName(id),
    operation: 'get',
  })
}
