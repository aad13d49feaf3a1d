import type { StandardSchemaV1 } from '@standard-schema/spec'
import { AccessDeniedError, InvalidSecretNameError, OperationDisabledError, StoreDestroyedError } from './errors.js'
import { printableName, secretNameProblem, TENANT_ID_PATTERN } from './names.js'
import { type JsonReadOptions, type JsonValue, TypedValues, valueBytes } from './typed-values.js'
import type {
  FreshSecretReader,
  ReadOptions,
  SecretOperation,
  SecretStore,
  SecretValues,
  TypedSecretReader,
} from './types.js'

export interface BindSecretsOptions {
  /** Exact logical names the view may touch. Combined with `prefixes`: a name passes if either allows it. */
  names?: readonly string[]
  /** Logical name prefixes the view may touch (for example `'payment/'`). */
  prefixes?: readonly string[]
  /**
   * Operations the view offers; the others throw `OperationDisabledError`. The underlying
   * store's own `enable*` flags still apply.
   * @default ['get', 'set', 'remove']
   */
  operations?: readonly ViewOperation[]
  /**
   * Confines the view to one tenant: every name is stored as `tenant:<tenant>:<name>`, and results
   * come back under the names the handler used. 1 to 64 letters, digits, `_` and `-`. Backends without
   * `:` in their names store this form by their own documented rule (see each adapter's README); some
   * narrow the tenant id further (Key Vault ignores case, so it takes lower-case tenant ids only).
   */
  tenant?: string
  /** The view's `name`. @default `<store name>` or `<store name>[tenant:<tenant>]` */
  name?: string
}

/** The operations a view offers (a view does not list names). */
type ViewOperation = Exclude<SecretOperation, 'list'>

const ALL_OPERATIONS: readonly ViewOperation[] = ['get', 'set', 'remove']

/**
 * The object handed to handlers as `context.secrets`. It is itself a `SecretStore`, and reads fresh
 * values (`getSecretWith`) and drops cached ones (`invalidate`) for the names it may read, only.
 */
export interface ScopedSecretStore extends SecretStore, FreshSecretReader, TypedSecretReader {
  /** The prefix every backend name carries in this view (`''` without a tenant). */
  readonly scopePrefix: string
}

/**
 * Returns a view of `store` narrowed to some names, operations and one tenant: the object a handler
 * receives as `context.secrets`. The view never reaches a backend name outside its scope, whatever
 * name it is given. Destroying the view only disables it; the owner destroys the store.
 *
 * @example
 * const secrets = bindSecrets(store, { tenant: 'acme', names: ['stripeApiKey'], operations: ['get'] })
 * await secrets.getSecret('stripeApiKey') // reads tenant:acme:stripeApiKey
 */
export function bindSecrets(store: SecretStore, options: BindSecretsOptions = {}): ScopedSecretStore {
  if (options.tenant !== undefined && !TENANT_ID_PATTERN.test(options.tenant)) {
    throw new TypeError('bindSecrets: tenant must be 1 to 64 letters, digits, _ or -')
  }
  const prefix = options.tenant === undefined ? '' : `tenant:${options.tenant}:`
  const viewName =
    options.name ?? (options.tenant === undefined ? store.name : `${store.name}[tenant:${options.tenant}]`)
  const operations = new Set(options.operations ?? ALL_OPERATIONS)
  // Copies: a caller changing its arrays later must not widen the view.
  const names = options.names === undefined ? undefined : new Set(options.names)
  const prefixes = options.prefixes === undefined ? undefined : Object.freeze([...options.prefixes])
  const restricted = names !== undefined || prefixes !== undefined
  let destroyed = false

  const check = (operation: ViewOperation, name: unknown): string => {
    const errorOptions = { store: viewName, secretName: printableName(name), operation }
    if (destroyed) throw new StoreDestroyedError(errorOptions)
    if (!operations.has(operation)) throw new OperationDisabledError(operation, errorOptions)
    const problem = secretNameProblem(name)
    if (problem !== undefined) throw new InvalidSecretNameError(problem, errorOptions)
    const logical = name as string
    if (restricted && !names?.has(logical) && !prefixes?.some((p) => logical.startsWith(p))) {
      throw new AccessDeniedError('the name is outside this view', errorOptions)
    }
    const scoped = prefix + logical
    const scopedProblem = secretNameProblem(scoped)
    if (scopedProblem !== undefined) throw new InvalidSecretNameError(scopedProblem, errorOptions)
    return scoped
  }

  // The store's own freshness and typed reads, when it has them (every SecretStoreBaseClass and view does).
  const fresh = store as Partial<FreshSecretReader>
  const typedStore = store as Partial<TypedSecretReader>
  /** Parsed values of a store without typed reads of its own. */
  const localTyped = new TypedValues(viewName, 100)
  const read = async <Names extends string[]>(
    requested: Names,
    readOptions: ReadOptions | undefined,
  ): Promise<SecretValues<Names>> => {
    const scoped = requested.map((name) => check('get', name))
    let values: Record<string, string | undefined>
    if (readOptions === undefined || Object.keys(readOptions).length === 0) {
      values = await store.getSecret(...scoped)
    } else if (typeof fresh.getSecretWith === 'function') {
      values = await fresh.getSecretWith(readOptions, ...scoped)
    } else {
      // A plain PURISTA store: drop the names (when it can) and read them again.
      if (typeof fresh.invalidate === 'function') fresh.invalidate(...scoped)
      values = await store.getSecret(...scoped)
    }
    return Object.freeze(
      Object.fromEntries(requested.map((name, i) => [name, values[scoped[i] as string]])),
    ) as SecretValues<Names>
  }

  const view: ScopedSecretStore = {
    name: viewName,
    scopePrefix: prefix,
    async getSecret<Names extends string[]>(...requested: Names): Promise<SecretValues<Names>> {
      return read(requested, undefined)
    },
    async getSecretWith<Names extends string[]>(
      readOptions: ReadOptions,
      ...requested: Names
    ): Promise<SecretValues<Names>> {
      return read(requested, readOptions)
    },
    async getSecretJson<Schema extends StandardSchemaV1 | undefined = undefined>(
      name: string,
      jsonOptions: JsonReadOptions<Schema> = {},
    ): Promise<JsonValue<Schema> | undefined> {
      const scoped = check('get', name)
      if (typeof typedStore.getSecretJson === 'function') return typedStore.getSecretJson(scoped, jsonOptions)
      const { schema, ...freshness } = jsonOptions
      const raw = (await read([name], freshness))[name]
      return raw === undefined ? undefined : ((await localTyped.json(name, raw, schema)) as JsonValue<Schema>)
    },
    async getSecretBytes(name: string, readOptions: ReadOptions = {}): Promise<Uint8Array | undefined> {
      const scoped = check('get', name)
      if (typeof typedStore.getSecretBytes === 'function') return typedStore.getSecretBytes(scoped, readOptions)
      const raw = (await read([name], readOptions))[name]
      return raw === undefined ? undefined : valueBytes(raw, 'utf8')
    },
    invalidate(...requested: string[]): void {
      // Only names this view may read, and never the whole cache: the store is shared with other views.
      const own = requested.length === 0 && prefixes === undefined && names !== undefined ? [...names] : requested
      if (own.length === 0) {
        throw new AccessDeniedError('name the secrets to invalidate: a view cannot drop the whole cache', {
          store: viewName,
          operation: 'get',
        })
      }
      const scoped = own.map((name) => check('get', name))
      if (typeof fresh?.invalidate === 'function') fresh.invalidate(...scoped)
    },
    async setSecret(name: string, value: string): Promise<void> {
      await store.setSecret(check('set', name), value)
    },
    async removeSecret(name: string): Promise<void> {
      await store.removeSecret(check('remove', name))
    },
    async destroy(): Promise<void> {
      destroyed = true
    },
  }
  return Object.freeze(view)
}
