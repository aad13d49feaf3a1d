/**
 * The store's requests to the Infisical API for secrets and folders: one `fetch` per call, with the
 * attempt's abort signal, and nothing else. No retries and no timeout of its own: the store's deadline
 * and retry policy (core's) are the only ones, unlike `@infisical/sdk`, whose five tries with 1 to 8 s
 * sleeps cannot be switched off.
 */
import { InfisicalHttpError, infisicalErrorBody } from './errors.js'

export interface ApiCall {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  /** From the site root, e.g. `/api/v3/secrets/raw/DB_PASSWORD`. */
  path: string
  query?: Record<string, string>
  body?: Record<string, unknown>
}

/** The v3 raw route of one secret key (`.` and `..` are never keys: see `infisicalSecretName`). */
export const secretRoute = (key: string) => `/api/v3/secrets/raw/${encodeURIComponent(key)}`
export const LIST_ROUTE = '/api/v3/secrets/raw'
export const FOLDER_ROUTE = '/api/v1/folders'

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * Sends one call with the access token and resolves with the JSON object Infisical answered. Any other
 * outcome rejects: an error status or a body that is not a JSON object with `InfisicalHttpError`, a
 * transport failure with `fetch`'s own error, an abort with the signal's reason.
 */
export async function send(
  siteUrl: string,
  call: ApiCall,
  token: string,
  signal: AbortSignal | undefined,
): Promise<Record<string, unknown>> {
  const url = new URL(`${siteUrl}${call.path}`)
  for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.set(key, value)
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' }
  if (call.body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(url, {
    method: call.method,
    headers,
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
    signal,
  })
  const text = await response.text()
  const json = parse(text)
  if (!response.ok) {
    throw new InfisicalHttpError(response.status, response.headers, infisicalErrorBody(json, response.status))
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    const reason = text === '' ? 'an empty body' : json === undefined ? 'a body that is not JSON' : 'not a JSON object'
    throw new InfisicalHttpError(response.status, response.headers, undefined, reason)
  }
  return json as Record<string, unknown>
}
