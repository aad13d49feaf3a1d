/**
 * List paging and filtering as the fake serves them: `page_size` (0 = server decides, capped at
 * 25000), opaque page tokens, and the `state:` filter of ListSecretVersions.
 */
import { grpc } from 'google-gax'
import type { VersionState } from './secret-manager-model.js'
import { invalidArgument, RpcError } from './secret-manager-names.js'

/** Both list RPCs cap `page_size` here; 0 means "server decides", i.e. this. */
const MAX_PAGE_SIZE = 25_000

export function parseStateFilter(filter: string | null | undefined): VersionState | undefined {
  if (!filter?.trim()) return undefined
  const match = /^\s*state\s*[:=]\s*(ENABLED|DISABLED|DESTROYED)\s*$/i.exec(filter)
  if (!match?.[1]) throw unsupportedFilter(filter)
  return match[1].toUpperCase() as VersionState
}

/** UNIMPLEMENTED rather than INVALID_ARGUMENT: the filter may well be valid, the fake just lacks it. */
export function unsupportedFilter(filter: string): RpcError {
  return new RpcError(
    grpc.status.UNIMPLEMENTED,
    `The Secret Manager fake supports no filter [${filter}]; it supports state:ENABLED|DISABLED|DESTROYED on ListSecretVersions only.`,
  )
}

export function paginate<T>(items: T[], pageSize: number | null | undefined): { items: T[]; more: boolean } {
  const size = pageSize ?? 0
  if (size < 0) throw invalidArgument(`page_size must not be negative (got ${size}).`)
  const limit = size === 0 ? MAX_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE)
  return { items: items.slice(0, limit), more: items.length > limit }
}

/** Opaque to clients: the collection and the last item returned, so pages stay stable under inserts. */
export function pageToken(collection: string, after: string): string {
  return Buffer.from(JSON.stringify({ collection, after })).toString('base64url')
}

export function readPageToken(token: string | null | undefined, collection: string): string | undefined {
  if (!token) return undefined
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      collection?: unknown
      after?: unknown
    }
    if (parsed.collection === collection && typeof parsed.after === 'string') return parsed.after
  } catch {
    // Not one of ours: answered below.
  }
  throw invalidArgument(`Invalid page token [${token}].`)
}
