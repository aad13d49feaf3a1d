import type { SecretOperation } from './types.js'

/** Stable, machine-readable error codes. */
export type SecretStoreErrorCode =
  | 'OPERATION_DISABLED'
  | 'NOT_SUPPORTED'
  | 'INVALID_NAME'
  | 'INVALID_VALUE'
  | 'ACCESS_DENIED'
  | 'UNAVAILABLE'
  | 'STORE_DESTROYED'
  | 'CONFIGURATION'
  | 'INVALID_FORMAT'
  | 'UNKNOWN'

export interface SecretStoreErrorOptions {
  /** The store that raised the error. */
  store: string
  /** The logical secret name involved, when one is. Never the value. */
  secretName?: string
  /** The operation that failed. */
  operation?: SecretOperation | 'destroy'
  /** The underlying error (for example the SDK's). */
  cause?: unknown
}

/**
 * Base of every error a store throws. Carries the store and secret name, whether a retry
 * may help, and the original cause; never a secret value.
 */
export class SecretStoreError extends Error {
  readonly code: SecretStoreErrorCode
  readonly store: string
  readonly secretName: string | undefined
  readonly operation: SecretOperation | 'destroy' | undefined
  readonly retryable: boolean

  constructor(code: SecretStoreErrorCode, message: string, options: SecretStoreErrorOptions, retryable = false) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.store = options.store
    this.secretName = options.secretName
    this.operation = options.operation
    this.retryable = retryable
  }

  /** Serialises without the cause: an SDK error may echo request bodies. */
  toJSON() {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      store: this.store,
      secretName: this.secretName,
      operation: this.operation,
      retryable: this.retryable,
    }
  }
}

/** The operation was not enabled with `enableGet`, `enableSet` or `enableRemove`, or is outside a scoped view's operations. */
export class OperationDisabledError extends SecretStoreError {
  constructor(operation: SecretOperation, options: Omit<SecretStoreErrorOptions, 'operation'>) {
    const flag = operation === 'list' ? ' (listing needs enableGet)' : ''
    super('OPERATION_DISABLED', `${operation} is disabled on secret store "${options.store}"${flag}`, {
      ...options,
      operation,
    })
  }
}

/** The backend cannot do this at all (for example writes through Dapr), whatever the flags say. */
export class NotSupportedError extends SecretStoreError {
  constructor(operation: SecretOperation, reason: string, options: Omit<SecretStoreErrorOptions, 'operation'>) {
    super('NOT_SUPPORTED', `${operation} is not supported by secret store "${options.store}": ${reason}`, {
      ...options,
      operation,
    })
  }
}

/** The name does not follow the portable grammar, or cannot be mapped onto the backend. */
export class InvalidSecretNameError extends SecretStoreError {
  constructor(reason: string, options: SecretStoreErrorOptions) {
    super('INVALID_NAME', `invalid secret name: ${reason}`, options)
  }
}

/** The value is not a string, is empty or too large for the backend. The message never contains it. */
export class InvalidSecretValueError extends SecretStoreError {
  constructor(reason: string, options: SecretStoreErrorOptions) {
    super(
      'INVALID_VALUE',
      `invalid secret value${options.secretName ? ` for "${options.secretName}"` : ''}: ${reason}`,
      options,
    )
  }
}

/** The backend (or a scoped view) refused access. */
export class AccessDeniedError extends SecretStoreError {
  constructor(reason: string, options: SecretStoreErrorOptions) {
    super(
      'ACCESS_DENIED',
      `access denied${options.secretName ? ` to "${options.secretName}"` : ''}: ${reason}`,
      options,
    )
  }
}

/** The backend could not be reached, timed out or throttled. Retrying later may succeed. */
export class UnavailableError extends SecretStoreError {
  /** How long the backend asked us to wait, when it said so. */
  readonly retryAfterMs: number | undefined

  constructor(reason: string, options: SecretStoreErrorOptions & { retryAfterMs?: number }) {
    super('UNAVAILABLE', `secret backend unavailable: ${reason}`, options, true)
    this.retryAfterMs = options.retryAfterMs
  }

  override toJSON() {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs }
  }
}

/** `destroy()` was called; the store can no longer be used. */
export class StoreDestroyedError extends SecretStoreError {
  constructor(options: SecretStoreErrorOptions) {
    super('STORE_DESTROYED', `secret store "${options.store}" has been destroyed`, options)
  }
}

/**
 * The store's options are wrong: an unknown option (with the accepted ones listed), two spellings of one
 * option, a bad value, or a backend that says the configured store, project or mount does not exist.
 * Thrown by constructors, and by calls when the backend reveals the mistake. Retrying does not help.
 */
export class ConfigurationError extends SecretStoreError {
  constructor(reason: string, options: SecretStoreErrorOptions) {
    super('CONFIGURATION', `secret store "${options.store}" is misconfigured: ${reason}`, options)
  }
}

/**
 * A secret read as JSON is not JSON, or does not match the schema it was read with. The message names
 * the secret and, for a schema, where the value fails (paths only); it never holds the value, a fragment
 * of it, or a validator's own message (validators often echo their input). Retrying does not help.
 */
export class SecretFormatError extends SecretStoreError {
  /** Where the value failed the schema (property paths), when a schema was given. */
  readonly paths: readonly string[]

  constructor(reason: string, options: SecretStoreErrorOptions & { paths?: readonly string[] }) {
    super('INVALID_FORMAT', `secret${options.secretName ? ` "${options.secretName}"` : ''} ${reason}`, options)
    this.paths = Object.freeze([...(options.paths ?? [])])
  }

  override toJSON() {
    return { ...super.toJSON(), paths: this.paths }
  }
}

/** Anything the adapter could not classify. The original error is in `cause`. */
export class UnknownSecretStoreError extends SecretStoreError {
  constructor(reason: string, options: SecretStoreErrorOptions) {
    super('UNKNOWN', `secret store error: ${reason}`, options)
  }
}

export const isSecretStoreError = (err: unknown): err is SecretStoreError => err instanceof SecretStoreError
