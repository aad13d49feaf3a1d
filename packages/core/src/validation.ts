/** The checks every name and value passes before any backend request. */
import { InvalidSecretNameError, InvalidSecretValueError } from './errors.js'
import { type BackendName, printableName, secretNameProblem } from './names.js'
import type { ReadOptions, SecretOperation } from './types.js'

export interface NameContext {
  store: string
  operation: SecretOperation
  transform: ((name: string) => string) | undefined
  /** The adapter's `backendName` hook. */
  backend(name: string): BackendName
}

/**
 * Checks a caller's name (core's safety rule), applies `nameTransform`, checks the result, and asks the
 * adapter for the backend's name. Throws `InvalidSecretNameError` saying which rule failed.
 */
export function resolveName(name: unknown, context: NameContext): string {
  const fail = (reason: string): never => {
    throw new InvalidSecretNameError(reason, {
      store: context.store,
      secretName: printableName(name),
      operation: context.operation,
    })
  }
  const problem = secretNameProblem(name)
  if (problem !== undefined) return fail(problem)
  let transformed = name as string
  if (context.transform !== undefined) {
    transformed = context.transform(transformed)
    const transformedProblem = secretNameProblem(transformed)
    if (transformedProblem !== undefined) return fail(`after nameTransform: ${transformedProblem}`)
  }
  const mapped = context.backend(transformed)
  return typeof mapped === 'string' ? mapped : fail(mapped.invalid)
}

/** Throws `InvalidSecretValueError` unless `value` is a non-empty, well-formed string within the backend's limit. */
export function checkValue(store: string, name: string, value: unknown, maxBytes: number): asserts value is string {
  const options = { store, secretName: name, operation: 'set' as const }
  if (typeof value !== 'string') {
    throw new InvalidSecretValueError(`expected a string, got ${value === null ? 'null' : typeof value}`, options)
  }
  if (value.length === 0) throw new InvalidSecretValueError('the value is empty', options)
  // A lone surrogate cannot be encoded: the backend would store U+FFFD while the cache keeps the original.
  if (!value.isWellFormed()) throw new InvalidSecretValueError('the value is not well-formed UTF-16', options)
  if (Buffer.byteLength(value, 'utf8') > maxBytes) {
    throw new InvalidSecretValueError(`larger than the backend's limit of ${maxBytes} bytes`, options)
  }
}

/** Checks `getSecretWith`'s options; throws `TypeError` or `RangeError` naming the bad one. */
export function checkReadOptions(store: string, options: unknown): ReadOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `${store}: getSecretWith takes its options first, e.g. getSecretWith({ forceFetch: true }, name)`,
    )
  }
  const { forceFetch, maxAgeMs } = options as Record<string, unknown>
  if (forceFetch !== undefined && typeof forceFetch !== 'boolean') {
    throw new TypeError(`${store}: forceFetch must be a boolean`)
  }
  if (maxAgeMs !== undefined && !(typeof maxAgeMs === 'number' && Number.isFinite(maxAgeMs) && maxAgeMs >= 0)) {
    throw new RangeError(`${store}: maxAgeMs must be a finite number of milliseconds, 0 or more`)
  }
  return options as ReadOptions
}
