/** Listing secret names with `ListSecrets`: one request per page, AWS's `NextToken` as the cursor. */
import { ListSecretsCommand, type ListSecretsCommandOutput } from '@aws-sdk/client-secrets-manager'
import { type SecretNameListing, type SecretNamePage, UnavailableError } from '@secret-store/core'
import { AWS_NAME } from './names.js'

/** `ListSecrets` answers at most this many secrets per request. */
export const LIST_SECRETS_MAX_RESULTS = 100

/**
 * The `ListSecrets` request for one page, or `undefined` when no AWS name can start with the prefix.
 * The prefix becomes AWS's `name` filter, a prefix match (case-insensitive on AWS; the store filters
 * again by exact case). A prefix starting with `!`, which the filter reads as "not", lists unfiltered
 * rather than leave a name out. Secrets scheduled for deletion stay out (`IncludePlannedDeletion` unset).
 */
export function listSecretsCommand({ prefix, cursor, pageSize }: SecretNameListing): ListSecretsCommand | undefined {
  // A prefix with a character no AWS name holds starts no name.
  if (prefix !== '' && !AWS_NAME.test(prefix)) return undefined
  const filtered = prefix !== '' && !prefix.startsWith('!')
  return new ListSecretsCommand({
    MaxResults: Math.min(pageSize, LIST_SECRETS_MAX_RESULTS),
    NextToken: cursor,
    Filters: filtered ? [{ Key: 'name', Values: [prefix] }] : undefined,
  })
}

/**
 * The names of one `ListSecrets` answer (never an ARN), without secrets scheduled for deletion. An
 * answer without `SecretList` (an empty 200 from a proxy) is not AWS's: unavailable, never "no names".
 */
export function namePage(store: string, output: ListSecretsCommandOutput): SecretNamePage {
  if (output.SecretList === undefined) {
    throw new UnavailableError("an answer that is not AWS Secrets Manager's came back (empty body)", {
      store,
      operation: 'list',
    })
  }
  const names: string[] = []
  for (const entry of output.SecretList) {
    // ListSecrets leaves them out unless asked to include them; checked again should an emulator differ.
    if (entry.DeletedDate !== undefined || entry.Name === undefined) continue
    names.push(entry.Name)
  }
  return { names, cursor: output.NextToken ?? undefined }
}
