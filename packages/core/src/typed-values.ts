/**
 * Secrets read as typed values: parsed JSON (optionally validated by any Standard Schema validator) and
 * bytes. Parsing and validation happen once per value a name holds, not on every read.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { SecretFormatError } from './errors.js'
import type { ReadOptions } from './types.js'

/** Options of `getSecretJson`: per-call freshness, and a schema the parsed value must match. */
export interface JsonReadOptions<Schema extends StandardSchemaV1 | undefined = undefined> extends ReadOptions {
  /** Any Standard Schema validator (zod, valibot, arktype, ...); the result is its output. */
  schema?: Schema
}

/** What `getSecretJson` resolves to: the schema's output, or the parsed JSON without a schema. */
export type JsonValue<Schema> = Schema extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<Schema> : unknown

interface Parsed {
  readonly raw: string
  readonly value: unknown
  /** Validated outputs by schema. */
  readonly outputs: WeakMap<StandardSchemaV1, unknown>
}

/** Freezes a parsed value all the way down: cached values are shared by every caller. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key])
  }
  return value
}

const MAX_PATHS = 5

/** Paths of the failed schema issues (`a.b.0`), keys only, never the messages (they may echo the value). */
function issuePaths(issues: readonly StandardSchemaV1.Issue[]): string[] {
  const paths = issues.map((issue) =>
    (issue.path ?? [])
      .map((segment) => String(typeof segment === 'object' && segment !== null ? segment.key : segment))
      .join('.'),
  )
  return [...new Set(paths)].slice(0, MAX_PATHS).map((path) => (path === '' ? '(root)' : path))
}

/** Parsed and validated forms of the values a store's names hold, one entry per name (least recently used first out). */
export class TypedValues {
  readonly #entries = new Map<string, Parsed>()
  readonly #store: string
  readonly #maxEntries: number

  constructor(store: string, maxEntries: number) {
    this.#store = store
    this.#maxEntries = maxEntries
  }

  /** `raw` parsed as JSON and, with a schema, validated; a `SecretFormatError` naming `name` otherwise. */
  async json(name: string, raw: string, schema: StandardSchemaV1 | undefined): Promise<unknown> {
    const parsed = this.#parsed(name, raw)
    if (schema === undefined) return parsed.value
    if (parsed.outputs.has(schema)) return parsed.outputs.get(schema)
    let result = schema['~standard'].validate(parsed.value)
    if (result instanceof Promise) result = await result
    if (result.issues !== undefined) {
      const paths = issuePaths(result.issues)
      throw new SecretFormatError(
        `does not match the schema (${result.issues.length} issue${result.issues.length === 1 ? '' : 's'} at ${paths.join(', ')})`,
        { store: this.#store, secretName: name, operation: 'get', paths },
      )
    }
    const output = deepFreeze(result.value)
    parsed.outputs.set(schema, output)
    return output
  }

  /** Drops every parsed value. */
  clear(): void {
    this.#entries.clear()
  }

  #parsed(name: string, raw: string): Parsed {
    const known = this.#entries.get(name)
    if (known !== undefined && known.raw === raw) {
      this.#entries.delete(name)
      this.#entries.set(name, known)
      return known
    }
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch {
      // JSON.parse's message quotes the input: it must not reach the error.
      throw new SecretFormatError('is not valid JSON', { store: this.#store, secretName: name, operation: 'get' })
    }
    const entry: Parsed = { raw, value: deepFreeze(value), outputs: new WeakMap() }
    this.#entries.delete(name)
    this.#entries.set(name, entry)
    if (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as string)
    return entry
  }
}

/** How a backend returned a value: text, or bytes carried as base64 text (AWS `SecretBinary`). */
export type ValueEncoding = 'utf8' | 'base64'

/** A value's bytes: a new array on every call, so callers may zero it after use. */
export function valueBytes(raw: string, encoding: ValueEncoding): Uint8Array {
  return new Uint8Array(Buffer.from(raw, encoding))
}
