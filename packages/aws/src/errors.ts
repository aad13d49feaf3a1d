import {
  AccessDeniedError,
  type SecretOperation,
  type SecretStoreError,
  UnavailableError,
  UnknownSecretStoreError,
} from '@secret-store/core'

/** Where an error happened, for the typed error that reports it. */
export interface AwsErrorContext {
  store: string
  operation: SecretOperation
  secretName: string | undefined
  /** The secret was found scheduled for deletion during this operation; the message says so. */
  scheduledForDeletion?: boolean
}

// Classification goes by `err.name` only: moto answers "not found" with HTTP 404, AWS with 400.
const ACCESS_DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ExpiredTokenException',
  'ExpiredToken',
  'CredentialsProviderError',
])
// Nearly always a missing kms:Decrypt / kms:GenerateDataKey grant on the secret's KMS key.
const KMS_FAILURE = new Set(['DecryptionFailure', 'EncryptionFailure'])
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
])
const SERVER_FAULT = new Set([
  'InternalServiceError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
])
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException'])
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
])

// AWS: "...because it was marked for deletion" / "...is already scheduled for deletion";
// moto: "...a secret that's currently marked deleted".
const DELETION_MESSAGE = /\b(?:marked|scheduled)\b[^.]*\bdelet/i

interface ErrorShape {
  name?: unknown
  code?: unknown
  message?: unknown
  errors?: unknown
  cause?: unknown
  $fault?: unknown
  $metadata?: { httpStatusCode?: unknown }
  $retryable?: { throttling?: unknown }
  $response?: { headers?: Record<string, unknown> }
}

const shape = (error: unknown): ErrorShape => (typeof error === 'object' && error !== null ? (error as ErrorShape) : {})

/** The SDK's error name (`ResourceNotFoundException`, ...), or `undefined` for a non-error. */
export function awsErrorName(error: unknown): string | undefined {
  const { name } = shape(error)
  return typeof name === 'string' ? name : undefined
}

export const isNotFound = (error: unknown): boolean => awsErrorName(error) === 'ResourceNotFoundException'

export const isAccessDenied = (error: unknown): boolean => awsErrorName(error) === 'AccessDeniedException'

/** An `InvalidRequestException` whose message says the secret is scheduled for deletion. */
export function isScheduledForDeletionError(error: unknown): boolean {
  const { message } = shape(error)
  return (
    awsErrorName(error) === 'InvalidRequestException' && typeof message === 'string' && DELETION_MESSAGE.test(message)
  )
}

/** Node's socket error code, also when wrapped in an AggregateError (happy eyeballs) or a cause. */
function networkCode(error: unknown, depth = 0): string | undefined {
  if (depth > 3) return undefined
  const { code, errors, cause } = shape(error)
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return code
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = networkCode(inner, depth + 1)
      if (found !== undefined) return found
    }
  }
  return cause === undefined ? undefined : networkCode(cause, depth + 1)
}

function retryAfterMs(error: unknown): number | undefined {
  const header = shape(error).$response?.headers?.['retry-after']
  if (typeof header !== 'string' && typeof header !== 'number') return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(String(header))
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

/**
 * Turns an AWS SDK (or network) error into the typed error of core. The message is built from the
 * error's name and fixed text only: AWS messages are never copied, so no value can leak through them.
 */
export function mapAwsError(error: unknown, context: AwsErrorContext): SecretStoreError {
  const options = { store: context.store, secretName: context.secretName, operation: context.operation, cause: error }
  const name = awsErrorName(error) ?? typeof error
  const { $fault, $metadata, $retryable } = shape(error)
  const status = typeof $metadata?.httpStatusCode === 'number' ? $metadata.httpStatusCode : undefined
  const deletion = context.scheduledForDeletion === true || isScheduledForDeletionError(error)
  const suffix = deletion ? '; the secret is scheduled for deletion' : ''

  if (ACCESS_DENIED.has(name)) {
    return new AccessDeniedError(`AWS Secrets Manager refused the request (${name})${suffix}`, options)
  }
  if (KMS_FAILURE.has(name)) {
    return new AccessDeniedError(`the secret's KMS key could not be used (${name}); check the kms grants`, options)
  }
  if (THROTTLED.has(name) || $retryable?.throttling === true) {
    return new UnavailableError(`AWS Secrets Manager throttled the request (${name})`, {
      ...options,
      retryAfterMs: retryAfterMs(error),
    })
  }
  if (TIMEOUT_NAMES.has(name)) {
    return new UnavailableError(`the request to AWS Secrets Manager timed out (${name})`, options)
  }
  const code = networkCode(error)
  if (code !== undefined) {
    return new UnavailableError(`AWS Secrets Manager could not be reached (${code})`, options)
  }
  if (SERVER_FAULT.has(name) || (status !== undefined && status >= 500) || $fault === 'server') {
    return new UnavailableError(`AWS Secrets Manager failed on its side (${status ?? name})`, {
      ...options,
      retryAfterMs: retryAfterMs(error),
    })
  }
  if (deletion) {
    return new UnknownSecretStoreError(
      `${context.operation} failed: the secret is scheduled for deletion (${name})`,
      options,
    )
  }
  if (name === 'ResourceNotFoundException') {
    return new UnknownSecretStoreError(`${context.operation} failed: the secret does not exist (${name})`, options)
  }
  if (name === 'LimitExceededException') {
    return new UnknownSecretStoreError(
      `${context.operation} failed: an AWS Secrets Manager quota is exhausted (${name})`,
      options,
    )
  }
  return new UnknownSecretStoreError(`${context.operation} failed with ${name}`, options)
}
