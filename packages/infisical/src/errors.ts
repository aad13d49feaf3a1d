import {
  AccessDeniedError,
  InvalidSecretValueError,
  type SecretOperation,
  type SecretStoreError,
  UnavailableError,
  UnknownSecretStoreError,
} from '@secret-store/core'
import {
  classifyTransport,
  errorOptions,
  isRetryableStatus,
  sanitizeCause,
  unknownError,
} from '@secret-store/core/adapter'

const BACKEND = 'Infisical'
/** Infisical's error names (`NotFound`, `PermissionDenied`, `TokenError`): identifiers, safe in a message. */
const ERROR_NAME = /^[A-Za-z][\w.-]{0,63}$/

/** Infisical's error body, from its error handler: `message` is text, or zod's issue list for a 422. */
export interface InfisicalErrorBody {
  reqId: string
  statusCode: number
  message: unknown
  error: string
}

/**
 * A failed answer to the store's own request to the Infisical API: an error status, or a success whose
 * body is not what Infisical sends. `body` is set only when the answer has Infisical's error shape
 * (`{ reqId, statusCode, message, error }` with the response's status), so that a proxy's 404 or an HTML
 * page is never taken for Infisical saying anything. Its message holds the status and Infisical's error
 * name only; the body and headers are kept non-enumerable.
 */
export class InfisicalHttpError extends Error {
  readonly status: number
  /** Infisical's error name, when the answer is Infisical's and the name is an identifier. */
  readonly code: string | undefined
  declare readonly headers: Headers
  declare readonly body: InfisicalErrorBody | undefined

  constructor(
    status: number,
    headers: Headers,
    body: InfisicalErrorBody | undefined,
    reason = 'no Infisical error body',
  ) {
    const code = body !== undefined && ERROR_NAME.test(body.error) ? body.error : undefined
    super(body === undefined ? `the answer (${status}) is not Infisical's: ${reason}` : `Infisical answered ${status}`)
    this.name = 'InfisicalHttpError'
    this.status = status
    this.code = code
    Object.defineProperty(this, 'headers', { value: headers, enumerable: false })
    Object.defineProperty(this, 'body', { value: body, enumerable: false })
  }

  /** Whether Infisical itself answered (by the body's shape). */
  get infisical(): boolean {
    return this.body !== undefined
  }
}

/** Infisical's error body in `json`, or `undefined` when the answer does not have its shape. */
export function infisicalErrorBody(json: unknown, status: number): InfisicalErrorBody | undefined {
  if (typeof json !== 'object' || json === null) return undefined
  const { reqId, statusCode, message, error } = json as Record<string, unknown>
  const shaped =
    typeof reqId === 'string' &&
    statusCode === status &&
    typeof error === 'string' &&
    (typeof message === 'string' || Array.isArray(message))
  return shaped ? (json as InfisicalErrorBody) : undefined
}

const textOf = (error: InfisicalHttpError) => (typeof error.body?.message === 'string' ? error.body.message : '')

/**
 * Infisical's own 404 for a secret or a folder that does not exist: read as "missing". An unknown
 * project or environment is a misconfiguration, not a missing secret; any 404 without Infisical's
 * error body (a proxy's, a wrong `siteUrl`'s) is not an answer at all. The server's text decides here
 * and is never copied into a message.
 */
export function isMissing(error: unknown): boolean {
  if (!(error instanceof InfisicalHttpError) || error.status !== 404 || !error.infisical) return false
  return !/^(Project|Environment)\b/i.test(textOf(error))
}

/** Infisical's 404 for a folder (or the environment's root) that does not exist. */
export const isFolderMissing = (error: unknown): boolean =>
  isMissing(error) && /^Folder\b/i.test(textOf(error as InfisicalHttpError))

/** Infisical's own answer with this status. */
export const isInfisicalStatus = (error: unknown, status: number): boolean =>
  error instanceof InfisicalHttpError && error.infisical && error.status === status

/**
 * Infisical refused the access token itself: 401 (missing, revoked or deleted by a refused renewal),
 * or 403 `TokenError` (expired, malformed). A 403 `PermissionDenied` is the identity's role, which a
 * new login does not change.
 */
export const isRejectedToken = (error: unknown): boolean =>
  isInfisicalStatus(error, 401) ||
  (isInfisicalStatus(error, 403) && (error as InfisicalHttpError).code === 'TokenError')

/** What an `@infisical/sdk` error says. The SDK exports no error classes and keeps the status only in the message. */
export type SdkFailure =
  /** An HTTP answer; `withMessage`: its body had a string `message` (Infisical's shape, or something like it). */
  { kind: 'answer'; status: number; withMessage: boolean } | { kind: 'network' | 'timeout' | 'other' }

/** `[URL=<url>] [Method=<METHOD>] [StatusCode=<status>] <server message>`; `]` in URLs is percent-encoded. */
const SDK_REQUEST_ERROR = /^\[URL=.*?\] \[Method=[A-Z]+\] \[StatusCode=(\d{3})\] /
/** The SDK's message when the body's `message` was not a string (zod's issue list, HTML, no body). */
const SDK_BARE_STATUS = /^Request failed with status (\d{3})$/

/**
 * Reads an SDK error: the one place that parses `[StatusCode=N]`. A network failure arrives as
 * `fetch failed` (the SDK drops undici's cause and its code), its 10 s timeout as `This operation was aborted`.
 */
export function parseSdkError(error: unknown): SdkFailure {
  if (!(error instanceof Error)) return { kind: 'other' }
  const request = SDK_REQUEST_ERROR.exec(error.message)
  if (request !== null) return { kind: 'answer', status: Number(request[1]), withMessage: true }
  const bare = SDK_BARE_STATUS.exec(error.message)
  if (bare !== null) return { kind: 'answer', status: Number(bare[1]), withMessage: false }
  if (error.message === 'fetch failed') return { kind: 'network' }
  if (error.message === 'This operation was aborted' || error.name === 'AbortError') return { kind: 'timeout' }
  return { kind: 'other' }
}

/** Thrown inside the store when universal auth through the SDK fails; `mapInfisicalError` types it. */
export class InfisicalAuthError extends Error {
  /** The SDK's error as it came, for classification only (not enumerable). */
  declare readonly failure: unknown

  constructor(
    readonly step: 'login' | 'renewal',
    failure: unknown,
  ) {
    super(`universal auth ${step} failed`, { cause: sanitizeCause(failure) })
    this.name = 'InfisicalAuthError'
    Object.defineProperty(this, 'failure', { value: failure, enumerable: false })
  }
}

/** A value Infisical would not store as written (it trims values): refused before any request. */
export class TrimmedValueError extends Error {
  override name = 'TrimmedValueError'
}

/** A value Infisical answered hidden (`secretValueHidden`): the identity may see the secret, not its value. */
export class HiddenValueError extends Error {
  override name = 'HiddenValueError'
}

export interface MapContext {
  store: string
  operation: SecretOperation
  secretName: string | undefined
}

/**
 * Types an error of the store's requests or of its universal auth login. Infisical's own answers: 401
 * and 403 → `AccessDeniedError`; 422 about the value → `InvalidSecretValueError`; other 4xx →
 * `UnknownSecretStoreError`. An answer that is not Infisical's (a proxy's 404, HTML, an empty or
 * garbled 200) → `UnavailableError`. Transport failures, 429 and 5xx go through core's shared
 * classification. Messages carry statuses and Infisical's error names only; causes are sanitized.
 */
export function mapInfisicalError(error: unknown, context: MapContext): SecretStoreError {
  if (error instanceof InfisicalAuthError) return mapAuthError(error, context)
  if (error instanceof TrimmedValueError) {
    return new InvalidSecretValueError(
      'Infisical trims leading and trailing whitespace (keeping one final newline), so the value would not read back as written',
      errorOptions(undefined, context),
    )
  }
  if (error instanceof HiddenValueError) {
    return new AccessDeniedError(
      'Infisical hid the value: the identity may see the secret but not read its value',
      errorOptions(undefined, context),
    )
  }
  const http = error instanceof InfisicalHttpError ? error : undefined
  const classify = { ...context, backend: BACKEND, status: http?.status, headers: http?.headers }
  const options = errorOptions(error, classify)
  if (http === undefined) return classifyTransport(error, classify) ?? unknownError(error, classify)
  const what = `${http.status}${http.code === undefined ? '' : ` ${http.code}`}`
  if (!http.infisical && !isRetryableStatus(http.status)) {
    return new UnavailableError(
      `an answer (${http.status}) that is not Infisical's came back; check siteUrl, or a proxy or gateway is in the way`,
      options,
    )
  }
  if (http.status === 401 || http.status === 403) return new AccessDeniedError(`Infisical answered ${what}`, options)
  if (http.status === 422 && mentions(http.body?.message, 'secretValue')) {
    return new InvalidSecretValueError(`Infisical refused the value (${what})`, options)
  }
  if (http.status === 404) {
    return new UnknownSecretStoreError(`Infisical answered ${what}; check projectId and environment`, options)
  }
  return classifyTransport(error, classify) ?? unknownError(error, classify, what)
}

/** Whether a 422's zod issue list names `field`. */
function mentions(issues: unknown, field: string): boolean {
  return (
    Array.isArray(issues) &&
    issues.some((issue) => Array.isArray((issue as { path?: unknown } | null)?.path) && issue.path.includes(field))
  )
}

function mapAuthError(error: InfisicalAuthError, context: MapContext): SecretStoreError {
  const failure = parseSdkError(error.failure)
  const status = failure.kind === 'answer' ? failure.status : undefined
  const classify = { ...context, backend: `${BACKEND} (universal auth ${error.step})`, status }
  const options = errorOptions(error, classify)
  const step = `the universal auth ${error.step}`
  switch (failure.kind) {
    case 'network':
      return new UnavailableError(`could not reach Infisical for ${step} (fetch failed)`, options)
    case 'timeout':
      return new UnavailableError(`Infisical did not answer ${step} in time`, options)
    case 'answer':
      if (failure.status === 401 || failure.status === 403) {
        return new AccessDeniedError(
          `Infisical refused ${step} (${failure.status}); check the client id and secret, and whether the identity is locked out`,
          options,
        )
      }
      if (isRetryableStatus(failure.status))
        return new UnavailableError(`Infisical answered ${step} with ${failure.status}`, options)
      if (!failure.withMessage && failure.status !== 422) {
        return new UnavailableError(
          `an answer (${failure.status}) to ${step} that is not Infisical's; check siteUrl`,
          options,
        )
      }
      return new UnknownSecretStoreError(`${step} failed (${failure.status})`, options)
    default:
      return unknownError(
        error.failure,
        classify,
        `${error.step}: ${(error.failure as Error)?.name ?? typeof error.failure}`,
      )
  }
}
