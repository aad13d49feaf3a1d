import {
  AccessDeniedError,
  ConfigurationError,
  type SecretOperation,
  type SecretStoreError,
  UnavailableError,
  UnknownSecretStoreError,
} from '@secret-store/core'
import { classifyTransport, errorOptions, unknownError } from '@secret-store/core/adapter'

/** `@azure/identity` errors for a credential that cannot be used here at all, by their `name`. */
const CREDENTIAL_UNAVAILABLE = new Set([
  'CredentialUnavailableError',
  'AggregateAuthenticationError',
  'AuthenticationRequiredError',
])

export interface MapContext {
  store: string
  operation: SecretOperation
  secretName: string | undefined
  /** The value being written, scrubbed from every message kept in the cause. */
  value?: string
}

interface RestErrorLike extends Error {
  code?: unknown
  statusCode?: unknown
  response?: { headers?: unknown }
}

/** Duck-typed: the client may come from another copy of the Azure core packages than ours. */
function isRestError(error: unknown): error is RestErrorLike {
  return error instanceof Error && error.name === 'RestError'
}

/** HTTP status of a `RestError` from the Key Vault client; `undefined` for anything else. */
export function restStatus(error: unknown): number | undefined {
  if (!isRestError(error)) return undefined
  return typeof error.statusCode === 'number' ? error.statusCode : undefined
}

/**
 * Classifies an error of the Key Vault client or of its credential. Key Vault's own answers: 401 and
 * 403 → `AccessDeniedError`; 409 (a name still busy after the retries) → `UnavailableError`. The
 * credential's: no usable identity → `AccessDeniedError`; Microsoft Entra ID refusing it →
 * `AccessDeniedError`, its token endpoint answering 429 or 5xx → `UnavailableError`. Transport
 * failures, 408, 429 and 5xx go through core's shared classification. Messages carry statuses and
 * codes only (a body that failed to parse may be the value); the cause is a sanitized copy.
 */
export function mapAzureError(error: unknown, context: MapContext): SecretStoreError {
  const foreign = error instanceof Error && error.name === 'ForeignResponseError'
  const status = foreign ? (error as unknown as { statusCode: number }).statusCode : restStatus(error)
  const headers = isRestError(error) ? (error.response?.headers as never) : undefined
  const classify = {
    ...context,
    backend: 'Key Vault',
    status,
    headers,
    secrets: context.value === undefined ? [] : [context.value],
  }
  const options = errorOptions(error, classify)
  const name = error instanceof Error ? error.name : undefined
  const code = isRestError(error) && typeof error.code === 'string' && error.code !== '' ? ` ${error.code}` : ''

  if (name !== undefined && CREDENTIAL_UNAVAILABLE.has(name)) {
    return new ConfigurationError(`no usable Azure credential (${name}); configure one or pass a credential`, options)
  }
  if (name === 'AuthenticationError') {
    const tokenStatus = (error as { statusCode?: unknown }).statusCode
    if (typeof tokenStatus === 'number' && (tokenStatus === 429 || tokenStatus >= 500)) {
      return new UnavailableError(`the token endpoint is unavailable (AuthenticationError ${tokenStatus})`, options)
    }
    return new AccessDeniedError(
      `Microsoft Entra ID refused the credential (AuthenticationError${typeof tokenStatus === 'number' ? ` ${tokenStatus}` : ''})`,
      options,
    )
  }
  if (foreign) {
    return new UnavailableError(
      `an answer (${status}) that is not Key Vault's came back; a proxy or gateway may be in the way`,
      options,
    )
  }
  if (status === 401 || status === 403) return new AccessDeniedError(`Key Vault answered ${status}${code}`, options)
  if (status === 409) {
    return new UnavailableError(
      `Key Vault answered 409${code}; the name is still being deleted, recovered or purged`,
      options,
    )
  }
  const transport = classifyTransport(error, classify)
  if (transport !== undefined) return transport
  if (error instanceof Error && /^The challenge origin .* does not match the requested domain/.test(error.message)) {
    return new UnknownSecretStoreError(
      "Key Vault's next-page link names another host than the vault URL; a proxy in front of Key Vault must keep the vault's host name",
      options,
    )
  }
  if (error instanceof Error && error.message.includes('disableChallengeResourceVerification')) {
    return new UnknownSecretStoreError(
      "the vault's authentication challenge names another resource than the vault URL; see disableChallengeResourceVerification",
      options,
    )
  }
  return unknownError(error, classify, status === undefined ? undefined : `${status}${code}`)
}
