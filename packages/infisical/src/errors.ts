import {
  AccessDeniedError,
  ConfigurationError,
  InvalidSecretValueError,
  type SecretOperation,
  type SecretStoreError,
  type SecretStoreErrorOptions,
  UnavailableError,
} from '@secret-store/core'
import {
  type ClassifyContext,
  classifyTransport,
  errorOptions,
  isRetryableStatus,
  sanitizeCause,
  statusOf,
  unknownError,
} from '@secret-store/core/adapter'

const BACKEND = 'Infisical'

/**
 * What an `@infisical/sdk` error says. The SDK exports no error classes and keeps no status field: an
 * answer with an error status is thrown as `[URL=<url>] [Method=<METHOD>] [StatusCode=<status>] <message>`
 * when its body was JSON with a string `message` (Infisical's error body; for a 422 the SDK puts the whole
 * body there as JSON), and as `Request failed with status <status>` otherwise (an HTML page, an empty body,
 * zod's issue list). Everything else comes without a status: `fetch failed` after the SDK's retries (it
 * drops undici's cause and its code), `This operation was aborted` after its own 10 s timeout, and other
 * messages for a body that could not be read or an answer of the wrong shape.
 */
export interface SdkFailure {
  kind: 'answer' | 'network' | 'timeout' | 'other'
  /** The answer's HTTP status; `undefined` when the SDK read none. */
  status: number | undefined
  /** The server's message (the `[StatusCode=N]` form only): it decides, and is never copied into a message. */
  serverMessage: string | undefined
}

/** `]` in the URL is percent-encoded, so the first `] [Method=` ends it. */
const SDK_REQUEST_ERROR = /^\[URL=.*?\] \[Method=[A-Z]+\] \[StatusCode=(\d{3})\] ([\s\S]*)$/
const SDK_BARE_STATUS = /^Request failed with status (\d{3})$/

/** Reads an SDK error: the one place that parses the SDK's messages. */
export function parseSdkError(error: unknown): SdkFailure {
  const message = error instanceof Error ? error.message : undefined
  const request = SDK_REQUEST_ERROR.exec(message ?? '')
  if (request !== null) return { kind: 'answer', status: Number(request[1]), serverMessage: request[2] }
  const bare = SDK_BARE_STATUS.exec(message ?? '')
  if (bare !== null) return { kind: 'answer', status: Number(bare[1]), serverMessage: undefined }
  const kind = message === 'fetch failed' ? 'network' : message === 'This operation was aborted' ? 'timeout' : 'other'
  return { kind, status: undefined, serverMessage: undefined }
}

/**
 * A failed SDK call of the store: a secret or folder `request`, or the universal auth `login` or `renewal`.
 * The status is `status` (where core's `statusOf` finds it); the server's message and the SDK's error are
 * kept non-enumerable, and the cause is a sanitized copy (the SDK's message quotes URLs and server text).
 */
export class InfisicalCallError extends Error {
  readonly kind: SdkFailure['kind']
  readonly status: number | undefined
  declare readonly serverMessage: string | undefined
  declare readonly sdkError: unknown

  constructor(
    readonly step: 'request' | 'login' | 'renewal',
    sdkError: unknown,
    failure: SdkFailure = parseSdkError(sdkError),
  ) {
    const what = step === 'request' ? 'Infisical request' : `universal auth ${step}`
    super(`${what} failed${failure.status === undefined ? '' : ` (${failure.status})`}`, {
      cause: sanitizeCause(sdkError),
    })
    this.name = 'InfisicalCallError'
    this.kind = failure.kind
    this.status = failure.status
    Object.defineProperty(this, 'serverMessage', { value: failure.serverMessage, enumerable: false })
    Object.defineProperty(this, 'sdkError', { value: sdkError, enumerable: false })
  }
}

/** A success whose body lacks what Infisical sends (a proxy's page, `{}`): an answer not to trust. */
export const foreignAnswer = () =>
  new InfisicalCallError('request', undefined, { kind: 'answer', status: 200, serverMessage: undefined })

/** Infisical's own error answer (a JSON body with a string `message`) to a secret or folder request. */
const infisicalAnswer = (error: unknown) =>
  error instanceof InfisicalCallError && error.step === 'request' && error.serverMessage !== undefined
    ? (error as InfisicalCallError & { serverMessage: string })
    : undefined

/** How Infisical words a 404 for what the store asks about; any other 404 text is not its answer to us. */
const MISSING_TEXT = /^(Secret|Folder)\b/i
const MISCONFIGURED_TEXT = /^(Project|Environment)\b/i
/** jsonwebtoken's refusals as Infisical words them (403 `TokenError`); a role's denial reads `You are not allowed to ...`. */
const TOKEN_TEXT = /\b(token|jwt)\b|signature/i

/**
 * Infisical's own 404 for a secret or a folder that does not exist: read as "missing". Only the SDK's
 * `[StatusCode=404]` form with Infisical's wording counts: `Request failed with status 404` (an HTML page,
 * an empty body) or another JSON 404 (a wrong `siteUrl`'s route-not-found) is never taken for it, and an
 * unknown project or environment is a misconfiguration.
 */
export function isMissing(error: unknown): boolean {
  const answer = infisicalAnswer(error)
  return answer?.status === 404 && MISSING_TEXT.test(answer.serverMessage)
}

/** Infisical's 404 for a folder (or the environment's root) that does not exist. */
export const isFolderMissing = (error: unknown): boolean =>
  isMissing(error) && /^Folder\b/i.test(infisicalAnswer(error)?.serverMessage ?? '')

/** Infisical's own error answer with this status. */
export const isInfisicalStatus = (error: unknown, status: number): boolean => infisicalAnswer(error)?.status === status

/**
 * Infisical refused the access token itself: 401 (missing, revoked, or deleted by a refused renewal), or
 * 403 with a token error (expired, malformed, bad signature). A 403 from the identity's role is not: a new
 * login does not change the role.
 */
export function isRejectedToken(error: unknown): boolean {
  const answer = infisicalAnswer(error)
  return answer?.status === 401 || (answer?.status === 403 && TOKEN_TEXT.test(answer.serverMessage))
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

const CHECK_SITE = 'check siteUrl, or a proxy or gateway is in the way'

/**
 * Types an error of the store's SDK calls. Infisical's own answers: 401 and 403 → `AccessDeniedError`;
 * a 404 for a project or environment (or a folder or secret no write could create) and other 4xx →
 * `UnknownSecretStoreError`. Answers that are not Infisical's (a bare 404 or 403, HTML, another JSON 404,
 * an empty or garbled 200) and failures without a status → `UnavailableError`. 429 and 5xx go through
 * core's shared classification. Messages carry statuses only, never the server's text; causes are sanitized.
 */
export function mapInfisicalError(error: unknown, context: MapContext): SecretStoreError {
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
  if (!(error instanceof InfisicalCallError)) {
    const classify = { ...context, backend: BACKEND, status: statusOf(error) }
    return classifyTransport(error, classify) ?? unknownError(error, classify)
  }
  const step = error.step === 'request' ? undefined : `the universal auth ${error.step}`
  const backend = step === undefined ? BACKEND : `${BACKEND} (universal auth ${error.step})`
  const classify = { ...context, backend, status: statusOf(error) }
  const options = errorOptions(error, classify)
  if (classify.status === undefined) {
    // Core's classification first, should a transport code ever come through the SDK.
    return classifyTransport(error.sdkError, classify) ?? statusless(error.kind, step, options)
  }
  return answered(error, classify.status, step, classify)
}

function statusless(kind: SdkFailure['kind'], step: string | undefined, options: SecretStoreErrorOptions) {
  if (kind === 'network') {
    const what = step === undefined ? '' : ` for ${step}`
    return new UnavailableError(`could not reach Infisical${what} (fetch failed, after the SDK's retries)`, options)
  }
  if (kind === 'timeout') {
    const what = step === undefined ? '' : ` ${step}`
    return new UnavailableError(`Infisical did not answer${what} in time (the SDK's request timeout)`, options)
  }
  const to = step === undefined ? '' : ` to ${step}`
  const what = `an answer${to} that is not Infisical's, or a broken one, came back (the SDK could not read it)`
  return new UnavailableError(`${what}; ${CHECK_SITE}`, options)
}

function answered(
  error: InfisicalCallError,
  status: number,
  step: string | undefined,
  classify: ClassifyContext,
): SecretStoreError {
  const options = errorOptions(error, classify)
  if (isRetryableStatus(status)) return classifyTransport(error, classify) ?? unknownError(error, classify)
  // Infisical's 422 carries zod's issue list, which the SDK drops: the bare form is Infisical's there too.
  if (error.serverMessage === undefined && status !== 422) {
    const to = step === undefined ? '' : ` to ${step}`
    return new UnavailableError(`an answer (${status})${to} that is not Infisical's came back; ${CHECK_SITE}`, options)
  }
  if ((status === 401 || status === 403) && step !== undefined) {
    const check = 'check the client id and secret, and whether the identity is locked out'
    return new AccessDeniedError(`Infisical refused ${step} (${status}); ${check}`, options)
  }
  if (status === 401 || status === 403) {
    const why = isRejectedToken(error) ? 'the access token was rejected' : 'permission denied'
    return new AccessDeniedError(`Infisical answered ${status} (${why})`, options)
  }
  if (status === 404 && step === undefined) {
    const text = error.serverMessage ?? ''
    if (MISCONFIGURED_TEXT.test(text) || MISSING_TEXT.test(text)) {
      return new ConfigurationError('Infisical answered 404; check projectId and environment', options)
    }
    const what = "a 404 that is not Infisical's answer about a secret, folder, project or environment came back"
    return new UnavailableError(`${what}; ${CHECK_SITE}`, options)
  }
  return unknownError(error, classify, String(status))
}
