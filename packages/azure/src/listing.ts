import { AsyncLocalStorage } from 'node:async_hooks'
import type { SecretNameListing, SecretNamePage } from '@secret-store/core'
import type { AzureSecretClient } from './types.js'

/** Key Vault's largest page of a list: `maxresults` above 25 is refused with 400 BadParameter. */
export const KEY_VAULT_MAX_PAGE_SIZE = 25

/** What the response guard saw of the list request(s) the current hook call sent. */
interface PageCapture {
  readonly signal: AbortSignal | undefined
  /** Whether a list page went through the guard (it is on the client's pipeline). */
  answered: boolean
  /** The last page's `nextLink`, `undefined` on the last page. */
  nextLink: string | undefined
}

const pageCapture = new AsyncLocalStorage<PageCapture>()

// The parts of @azure/core-rest-pipeline's request and response this needs.
interface ListRequest {
  abortSignal?: unknown
}
interface ListResponse {
  status: number
  bodyAsText?: string | null
}

/**
 * For the response guard, on every request: inside a listing, gives a follow-up page's request the
 * attempt's abort signal (the client sends it without one) and keeps the page's `nextLink` (the
 * client's pager does not hand it out).
 */
export function listingPolicy(request: ListRequest): ((response: ListResponse) => void) | undefined {
  const capture = pageCapture.getStore()
  if (capture === undefined) return undefined
  if (request.abortSignal === undefined && capture.signal !== undefined) request.abortSignal = capture.signal
  return (response) => {
    if (response.status !== 200) return
    let body: unknown
    try {
      body = JSON.parse(response.bodyAsText ?? '')
    } catch {
      return
    }
    const nextLink = (body as { nextLink?: unknown } | null)?.nextLink
    capture.answered = true
    capture.nextLink = typeof nextLink === 'string' && nextLink !== '' ? nextLink : undefined
  }
}

/**
 * One page of the vault's secret names (`GET /secrets`, `maxresults` at most 25), as Key Vault stores
 * them (the portal's names). Key Vault has no name filter: every secret is listed and the store filters
 * by prefix. The cursor is the page's `nextLink`, which the client follows for the next page. Soft-deleted
 * secrets are not in this list; disabled ones are. A client without the response guard cannot show the
 * `nextLink`: then every page is fetched in this one call.
 */
export async function listKeyVaultNames(
  client: Pick<AzureSecretClient, 'listPropertiesOfSecrets'>,
  { cursor, pageSize }: SecretNameListing,
  abortSignal: AbortSignal | undefined,
): Promise<SecretNamePage> {
  const capture: PageCapture = { signal: abortSignal, answered: false, nextLink: undefined }
  return pageCapture.run(capture, async () => {
    const pages = client
      .listPropertiesOfSecrets({ abortSignal })
      .byPage({ maxPageSize: Math.min(pageSize, KEY_VAULT_MAX_PAGE_SIZE), continuationToken: cursor })
    const names: string[] = []
    const add = (page: ReadonlyArray<{ name?: unknown }>) => {
      for (const { name } of page) if (typeof name === 'string') names.push(name)
    }
    try {
      const first = await pages.next()
      if (first.done === true) return { names }
      add(first.value)
      if (capture.answered) return { names, cursor: capture.nextLink }
      for await (const page of pages) add(page)
      return { names }
    } finally {
      await pages.return?.(undefined)
    }
  })
}
