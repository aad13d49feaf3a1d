/**
 * A pipeline policy that lets only Key Vault's own answers through. A 404 from a proxy, an HTML page,
 * an empty or cut-off 200 are not Key Vault saying anything: left to the SDK, a 404 reads as "missing"
 * (and is cached) and an unparsable body surfaces as a bare `TypeError`. The policy turns each into a
 * `ForeignResponseError` carrying the status, which the store reports as unavailable.
 *
 * It also serves `listSecretNames`: the client's pager does not hand out a page's `nextLink`, nor send
 * its abort signal with a follow-up page, so the guard keeps the one and adds the other.
 */
import { listingPolicy } from './listing.js'

/** An answer that did not come from Key Vault (by its shape), with its HTTP status. */
export class ForeignResponseError extends Error {
  readonly statusCode: number

  constructor(statusCode: number, reason: string) {
    super(`the answer (${statusCode}) is not Key Vault's: ${reason}`)
    this.name = 'ForeignResponseError'
    this.statusCode = statusCode
  }
}

// The structural parts of @azure/core-rest-pipeline's policy types this needs.
interface GuardedResponse {
  status: number
  headers: { get(name: string): string | undefined }
  bodyAsText?: string | null
}
type Next = (request: unknown) => Promise<GuardedResponse>

/** The policy object for `clientOptions.additionalPolicies` (position `perCall`: it sees the final answer). */
export interface ResponseGuardPolicy {
  name: string
  sendRequest(request: unknown, next: Next): Promise<GuardedResponse>
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Why `response` is not Key Vault's, or `undefined` when it is. */
function foreignReason(response: GuardedResponse): string | undefined {
  const text = response.bodyAsText ?? ''
  const json = /json/i.test(response.headers.get('content-type') ?? '')
  if (response.status === 204) return undefined
  if (response.status < 300) {
    if (text === '') return 'an empty body'
    if (!json) return 'not JSON'
    const body = parse(text)
    return typeof body === 'object' && body !== null ? undefined : 'a body that does not parse'
  }
  // Key Vault's errors are `{ "error": { "code": "...", "message": "..." } }`; the 401 challenge has no body.
  if (response.status === 401 && response.headers.get('www-authenticate') !== undefined) return undefined
  const error = (parse(text) as { error?: { code?: unknown } } | undefined)?.error
  return typeof error?.code === 'string' ? undefined : 'no Key Vault error body'
}

/** The policy, for stores that build their own `SecretClient`, or to add to one you inject. */
export function keyVaultResponseGuard(): ResponseGuardPolicy {
  return {
    name: 'secretStoreKeyVaultResponseGuard',
    async sendRequest(request, next) {
      const listed = listingPolicy(request as Parameters<typeof listingPolicy>[0])
      const response = await next(request)
      const reason = foreignReason(response)
      if (reason !== undefined) throw new ForeignResponseError(response.status, reason)
      listed?.(response)
      return response
    },
  }
}
