/**
 * Listing secret names: an optional capability. An adapter whose backend can list overrides the
 * `listSecretNamesImpl` hook, which fetches one page; the base class runs each page under the deadline
 * and retries of a read, filters by prefix, drops repeats and streams the names to the caller.
 */
import { InvalidSecretNameError, UnavailableError } from './errors.js'
import { SECRET_NAME_MAX_LENGTH, secretNameProblem } from './names.js'

/** Options of `listSecretNames`. */
export interface ListSecretNamesOptions {
  /**
   * Only names that start with this, compared exactly (case included), as the backend's console shows
   * them. Where the backend's own filter is looser (AWS matches case-insensitively), the store filters again.
   * @default '' (every name)
   */
  prefix?: string
  /**
   * How many names to ask for per backend request, where the backend pages (AWS, Key Vault, Secret
   * Manager). A hint: backends that answer a whole folder at once (Vault, Infisical, Dapr) ignore it.
   * @default 100
   */
  pageSize?: number
}

/** What `listSecretNamesImpl` is asked for. */
export interface SecretNameListing {
  /** Names must start with this; the hook may return more (the base filters), never fewer. */
  readonly prefix: string
  /** The cursor the previous page returned; `undefined` for the first page. */
  readonly cursor: string | undefined
  /** The page size the caller asked for (1 to 1000). */
  readonly pageSize: number
}

/** One page of names, as the backend's console shows them (each one readable by that name). */
export interface SecretNamePage {
  readonly names: readonly string[]
  /** Where the next page starts; `undefined` (or `''`) on the last page. */
  readonly cursor?: string | undefined
}

/** A store that lists the names it holds. Every store built on `SecretStoreBaseClass` has the method. */
export interface SecretNameLister {
  /**
   * The names the backend holds (that start with `prefix`), streamed page by page: breaking out of the
   * loop stops the paging. Each page is one read with its own deadline and retries. Throws
   * `NotSupportedError` when `capabilities.listing` is false.
   */
  listSecretNames(options?: ListSecretNamesOptions): AsyncIterable<string>
}

export const DEFAULT_LIST_PAGE_SIZE = 100
export const MAX_LIST_PAGE_SIZE = 1_000

/** Checks `listSecretNames`'s options; throws `InvalidSecretNameError` for a bad prefix, `RangeError` for a bad page size. */
export function checkListOptions(store: string, options: unknown): Required<ListSecretNamesOptions> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${store}: listSecretNames takes an options object, e.g. { prefix: 'payments/' }`)
  }
  const { prefix = '', pageSize = DEFAULT_LIST_PAGE_SIZE } = options as ListSecretNamesOptions
  // An empty prefix lists everything; any other must be safe to handle like a name.
  const problem = prefix === '' ? undefined : secretNameProblem(prefix)
  if (problem !== undefined) {
    throw new InvalidSecretNameError(`invalid prefix: ${problem}`, { store, operation: 'list' })
  }
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_LIST_PAGE_SIZE) {
    throw new RangeError(`${store}: pageSize must be a whole number from 1 to ${MAX_LIST_PAGE_SIZE}`)
  }
  return { prefix, pageSize }
}

/**
 * Streams the names of successive pages that start with `prefix`, each name once. `nextPage` fetches
 * the page after `cursor`. A backend that hands back the cursor it was given would loop for ever: that
 * is an `UnavailableError`.
 */
export async function* pagedNames(
  store: string,
  prefix: string,
  nextPage: (cursor: string | undefined) => Promise<SecretNamePage>,
): AsyncGenerator<string, void, undefined> {
  const seen = new Set<string>()
  let cursor: string | undefined
  do {
    const page = await nextPage(cursor)
    for (const name of page.names) {
      if (typeof name !== 'string' || name.length > SECRET_NAME_MAX_LENGTH || !name.startsWith(prefix)) continue
      if (seen.has(name)) continue
      seen.add(name)
      yield name
    }
    const next = page.cursor === '' ? undefined : page.cursor
    if (next !== undefined && next === cursor) {
      throw new UnavailableError('the backend answered a page of names with the cursor it was given', {
        store,
        operation: 'list',
      })
    }
    cursor = next
  } while (cursor !== undefined)
}
