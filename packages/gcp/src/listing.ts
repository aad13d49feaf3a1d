import type { SecretManagerServiceClient } from '@google-cloud/secret-manager'
import type { SecretNameListing, SecretNamePage } from '@secret-store/core'
import { mapWithConcurrency } from '@secret-store/core/adapter'
import { GRPC_STATUS, grpcCode } from './errors.js'

/** Secret Manager's largest `page_size` for ListSecrets. */
export const MAX_LIST_PAGE_SIZE = 25_000

/** Runs one SDK call with the store's per-call options (deadline, no SDK retries, cancelled on abort). */
export type Call = <T>(start: (options: { timeout: number; retry: null }) => Promise<T>) => Promise<T>

export interface ListingContext {
  client: Pick<SecretManagerServiceClient, 'listSecrets' | 'getSecretVersion'>
  call: Call
  /** `projects/<project>` or `projects/<project>/locations/<location>`. */
  parent: string
  /** The version a read accesses (`latest`, a number or an alias). */
  version: string
  /** Most GetSecretVersion calls in flight at once. */
  concurrency: number
}

/**
 * The secret ids of a ListSecrets page that start with `prefix` (compared exactly): the last segment of
 * `projects/<project>[/locations/<location>]/secrets/<id>`, as the console shows them.
 */
export function listedIds(secrets: ReadonlyArray<{ name?: string | null }>, prefix: string): string[] {
  const ids: string[] = []
  for (const { name } of secrets) {
    if (typeof name !== 'string') continue
    const id = name.slice(name.lastIndexOf('/') + 1)
    if (id !== '' && id.startsWith(prefix)) ids.push(id)
  }
  return ids
}

/** Whether a version's state (enum name or number) is ENABLED. */
export function isEnabled(state: unknown): boolean {
  return state === 'ENABLED' || state === 1
}

/** Whether a read of secret `id` finds a value: its configured version exists and is enabled. */
async function reads({ client, call, parent, version }: ListingContext, id: string): Promise<boolean> {
  const name = `${parent}/secrets/${id}/versions/${version}`
  try {
    const [found] = await call((o) => client.getSecretVersion({ name }, o))
    return isEnabled(found.state)
  } catch (err) {
    // Deleted meanwhile, or no such version (yet): nothing to read.
    if (grpcCode(err) === GRPC_STATUS.NOT_FOUND) return false
    throw err
  }
}

/**
 * One ListSecrets page of the store's project (and location), with no server-side filter: Secret
 * Manager's `name:` filter is not a prefix match, so the prefix is applied here. Of the ids that start
 * with the prefix, only those a read finds a value for are listed (one GetSecretVersion each): a removed
 * secret (every version disabled) or one without versions reads as missing, so it is left out.
 */
export async function listSecretIds(context: ListingContext, listing: SecretNameListing): Promise<SecretNamePage> {
  const { client, call, parent, concurrency } = context
  const request = { parent, pageSize: Math.min(listing.pageSize, MAX_LIST_PAGE_SIZE), pageToken: listing.cursor }
  const [secrets, , response] = await call((o) => client.listSecrets(request, { ...o, autoPaginate: false }))
  const ids = listedIds(secrets, listing.prefix)
  const readable = await mapWithConcurrency(ids, concurrency, (id) => reads(context, id))
  return { names: ids.filter((_, i) => readable[i]), cursor: response?.nextPageToken || undefined }
}
