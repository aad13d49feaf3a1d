import {
  AccessDeniedError,
  ConfigurationError,
  type SecretOperation,
  type SecretStoreError,
  UnavailableError,
  UnknownSecretStoreError,
} from '@secret-store/core'
import {
  classifyTransport,
  errorOptions,
  header,
  retryAfterFromHeaders,
  unknownError,
} from '@secret-store/core/adapter'

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
  $response?: { headers?: Record<string, string> }
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

/**
 * Turns an AWS SDK (or network) error into the typed error of core. The message is built from the
 * error's name and fixed text only: AWS messages are never copied, so no value can leak through them.
 */
export function mapAwsError(error: unknown, context: AwsErrorContext): SecretStoreError {
  const name = awsErrorName(error) ?? typeof error
  const { $fault, $metadata, $retryable, $response } = shape(error)
  const status = typeof $metadata?.httpStatusCode === 'number' ? $metadata.httpStatusCode : undefined
  const classify = { ...context, backend: 'AWS Secrets Manager', status, headers: $response?.headers }
  const misconfigured = missingConfiguration(error, name)
  if (misconfigured !== undefined) return new ConfigurationError(misconfigured, errorOptions(error, classify))
  const options = errorOptions(error, classify)
  const deletion = context.scheduledForDeletion === true || isScheduledForDeletionError(error)
  const suffix = deletion ? '; the secret is scheduled for deletion' : ''

  // Every AWS answer carries a request id; an error answer without one came from something in between
  // (a proxy's 404 page, a gateway's HTML): never a missing secret, never AWS's verdict.
  if (
    status !== undefined &&
    $response?.headers !== undefined &&
    header($response.headers, 'x-amzn-requestid') === undefined
  ) {
    return new UnavailableError(
      `an answer (${status}) that is not AWS Secrets Manager's came back; a proxy may be in the way`,
      options,
    )
  }
  if (ACCESS_DENIED.has(name)) {
    return new AccessDeniedError(`AWS Secrets Manager refused the request (${name})${suffix}`, options)
  }
  if (KMS_FAILURE.has(name)) {
    return new AccessDeniedError(`the secret's KMS key could not be used (${name}); check the kms grants`, options)
  }
  if (THROTTLED.has(name) || $retryable?.throttling === true) {
    return new UnavailableError(`AWS Secrets Manager throttled the request (${name})`, {
      ...options,
      retryAfterMs: retryAfterFromHeaders($response?.headers),
    })
  }
  const transport = classifyTransport(error, {
    ...classify,
    // Some server faults arrive without a status (a modelled InternalServiceError).
    status: status ?? (SERVER_FAULT.has(name) || $fault === 'server' ? 500 : undefined),
  })
  if (transport !== undefined) return transport
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
  return unknownError(error, classify, name)
}

/**
 * What the SDK could not find before sending anything: a region (its error is a plain `Error`, told by
 * its fixed message) or credentials. `undefined` for anything else.
 */
function missingConfiguration(error: unknown, name: string): string | undefined {
  if (error instanceof Error && /^Region is missing\b/.test(error.message)) {
    return 'no AWS region: pass region, or set AWS_REGION or a region in the shared config file'
  }
  if (name === 'CredentialsProviderError') {
    return 'no AWS credentials were found (CredentialsProviderError): configure the default credential chain or pass clientConfig.credentials'
  }
  return undefined
}
