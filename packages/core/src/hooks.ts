/**
 * The hook contract between `SecretStoreBaseClass` and an adapter: what an adapter implements (the
 * one-name read, the writes) and may override (a many-name read, names, capabilities, error mapping,
 * closing). `SecretStoreBaseClass` extends it and owns the flow around the hooks; adapters extend
 * `SecretStoreBaseClass`, never this class directly. Hooks get backend names and never see the cache.
 */

import type { SecretStoreError } from './errors.js'
import type { SecretNameListing, SecretNamePage } from './listing.js'
import type { BackendName } from './names.js'
import { classifyTransport, statusOf, unknownError } from './transport.js'
import type { ValueEncoding } from './typed-values.js'
import type { RemoveSecretOptions, SecretOperation, SecretRead, SecretStoreCapabilities } from './types.js'

export abstract class SecretStoreHooks {
  /** The store's name, in errors and logs. */
  abstract readonly name: string

  /** The capabilities that differ from the defaults (writes, recoverable delete, value size). */
  protected get backendCapabilities(): Partial<Omit<SecretStoreCapabilities, 'batchReads' | 'listing'>> {
    return {}
  }

  /** The backend's name for `name` (after `nameTransform`); `{ invalid: rule }` for one it cannot hold. */
  protected backendName(name: string): BackendName {
    return name
  }

  /** Reads one secret (by its backend name). */
  protected abstract getSecretImpl(name: string): Promise<SecretRead>

  /**
   * Optional batch read: the answered names; names left out are missing secrets. Override it when the
   * backend reads many names in one request; the base's own version only marks its absence.
   */
  protected getSecretsImpl(_names: readonly string[]): Promise<ReadonlyMap<string, string | undefined>> {
    return Promise.reject(new TypeError('getSecretsImpl is not implemented'))
  }

  /** The most names one `getSecretsImpl` call takes. */
  protected get readBatchSize(): number {
    return Number.POSITIVE_INFINITY
  }

  /**
   * Optional listing: one page of the names the backend holds, as its console shows them. Override it
   * when the backend can list; `capabilities.listing` follows. Names not starting with `prefix` may be
   * returned (the base filters them); a name must never be left out. The base's own version only marks
   * its absence.
   */
  protected listSecretNamesImpl(_listing: SecretNameListing): Promise<SecretNamePage> {
    return Promise.reject(new TypeError('listSecretNamesImpl is not implemented'))
  }

  /** Creates or updates one secret. */
  protected abstract setSecretImpl(name: string, value: string): Promise<void>

  /** Deletes one secret; must resolve when it does not exist. */
  protected abstract removeSecretImpl(name: string, options?: RemoveSecretOptions): Promise<void>

  /** Releases what the store holds (clients, timers); called once by `destroy()`. */
  protected async closeImpl(): Promise<void> {}

  /**
   * Turns an error thrown by a hook into a `SecretStoreError`. This default classifies transport
   * failures and retryable HTTP statuses (core's shared rules) and calls anything else unknown, with a
   * sanitized cause; adapters override it for their backend's own codes and fall back to it.
   */
  protected mapError(error: unknown, operation: SecretOperation, secretName: string | undefined): SecretStoreError {
    const headers = (error as { headers?: unknown } | null)?.headers
    const context = {
      store: this.name,
      operation,
      secretName,
      backend: this.name,
      status: statusOf(error),
      headers: typeof headers === 'object' && headers !== null ? (headers as Record<string, unknown>) : undefined,
    }
    return classifyTransport(error, context) ?? unknownError(error, context)
  }

  /** How the backend's answer for `backendName` carried its value: `'base64'` for bytes sent as base64 text. */
  protected valueEncoding(_backendName: string): ValueEncoding {
    return 'utf8'
  }
}

/** The hooks the base class reaches from outside the class body. */
interface ReachableHooks {
  getSecretsImpl: unknown
  listSecretNamesImpl: unknown
  mapError(error: unknown, operation: SecretOperation, secretName: string | undefined): SecretStoreError
}

/** Whether `hooks` overrides an optional hook: `getSecretsImpl` (a many-name read), `listSecretNamesImpl` (listing). */
export function overridesHook(hooks: SecretStoreHooks, hook: 'getSecretsImpl' | 'listSecretNamesImpl'): boolean {
  return (hooks as unknown as ReachableHooks)[hook] !== (SecretStoreHooks.prototype as unknown as ReachableHooks)[hook]
}

/** The default `mapError`, for an adapter whose own mapper failed or returned something else. */
export function defaultMapError(
  hooks: SecretStoreHooks,
  error: unknown,
  operation: SecretOperation,
  secretName: string | undefined,
): SecretStoreError {
  return (SecretStoreHooks.prototype as unknown as ReachableHooks).mapError.call(hooks, error, operation, secretName)
}
