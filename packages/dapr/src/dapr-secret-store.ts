import {
  ConfigurationError,
  NotSupportedError,
  type SecretNamePage,
  type SecretOperation,
  SecretStoreBaseClass,
  type SecretStoreError,
} from '@secret-store/core'
import { mapWithConcurrency, splitStoreOptions } from '@secret-store/core/adapter'
import { BulkPolicy } from './bulk.js'
import { bulkNotSupported, DaprResponseError, isSecretNotFound, mapDaprError } from './errors.js'
import { listedNames, type SecretMap } from './listing.js'
import { type DaprNameRules, daprSecretKey, splitSecretRef } from './names.js'
import { resolveDaprOptions, STORE_NAME } from './options.js'
import { SdkSecrets } from './sdk.js'
import type { DaprSecretStoreOptions } from './types.js'

/** Dapr errors that reading secret by secret would only repeat. */
const NO_FALLBACK = new Set(['ERR_SECRET_STORE_NOT_FOUND', 'ERR_SECRET_STORES_NOT_CONFIGURED', 'ERR_PERMISSION_DENIED'])

const READ_ONLY = "Dapr's secrets API has no writes; change secrets in the store behind the component"

/**
 * A read-only secret store on Dapr's secrets API (`/v1.0/secrets/<store>/<key>`), read through the HTTP
 * `DaprClient` of `@dapr/dapr` 3.x: an injected one, or one the store builds from its options.
 *
 * - `getSecret('name')`: the value of a secret that holds one entry under its own name (the local
 *   file and env stores, most cloud stores); for a multi-valued secret (Kubernetes, Vault, a file store
 *   with `multiValued: "true"`) the whole secret as JSON with sorted keys (`{"password":"…","user":"…"}`).
 * - `getSecret('name#key')`: one key of the secret (see `keySeparator`).
 * - A missing secret, a missing key and an empty value read as `undefined`.
 * - Several names: one bulk read or one request per secret, as the `bulk` option decides.
 * - `setSecret` / `removeSecret` throw `NotSupportedError` (when enabled) and `capabilities.writes` is `false`.
 *
 * @example
 * const secretStore = new DaprSecretStore({ secretStoreName: 'kubernetes' })
 * const { 'db-credentials#password': dbPassword } = await secretStore.getSecret('db-credentials#password')
 */
export class DaprSecretStore extends SecretStoreBaseClass<Record<string, never>> {
  readonly #storeName: string
  readonly #sdk: SdkSecrets
  readonly #names: DaprNameRules
  readonly #bulk: BulkPolicy

  constructor(options: DaprSecretStoreOptions) {
    const { base, own } = splitStoreOptions(options)
    const resolved = resolveDaprOptions(own)
    // The client (with the address and the token) stays in a private field, never in the base config.
    super(STORE_NAME, { ...base, config: {} })
    if (base.enableSet === true || base.enableRemove === true) {
      throw new ConfigurationError(
        "Dapr's secrets API is read-only; enableSet and enableRemove cannot be turned on (write secrets in the component's own backend)",
        { store: STORE_NAME },
      )
    }
    this.#storeName = resolved.secretStoreName
    this.#sdk = new SdkSecrets(resolved.sidecar, resolved.secretStoreName, resolved.metadata)
    this.#names = resolved.names
    this.#bulk = new BulkPolicy(resolved.bulk)
  }

  /** Dapr's secrets API only reads. */
  protected override get backendCapabilities() {
    return { writes: false }
  }

  /** Every cold name of a call in one batch: the batch read picks bulk or per-secret reads itself. */
  protected override get readBatchSize(): number {
    return this.#bulk.mode === 'never' ? 1 : Number.POSITIVE_INFINITY
  }

  protected override backendName(name: string) {
    return daprSecretKey(name, this.#names)
  }

  protected async getSecretImpl(id: string): Promise<string | undefined> {
    const { secret, key } = splitSecretRef(id, this.#names.keySeparator)
    return pick(await this.#readOne(secret), secret, key)
  }

  protected override async getSecretsImpl(ids: readonly string[]): Promise<Map<string, string | undefined>> {
    const refs = ids.map((id) => ({ id, ...splitSecretRef(id, this.#names.keySeparator) }))
    const secrets = [...new Set(refs.map((ref) => ref.secret))]
    const found = new Map<string, SecretMap | undefined>()
    if (this.#bulk.useBulk(secrets.length)) {
      const all = await this.#readBulk()
      for (const secret of secrets) if (all !== undefined && Object.hasOwn(all, secret)) found.set(secret, all[secret])
    }
    // Secrets the bulk read left out may be missing or refused by scoping: a single read tells which.
    const rest = secrets.filter((secret) => !found.has(secret))
    await mapWithConcurrency(rest, this.maxConcurrency, async (secret) => {
      try {
        found.set(secret, await this.#readOne(secret))
      } catch (err) {
        throw this.mapError(err, 'get', secret)
      }
    })
    return new Map(refs.map((ref) => [ref.id, pick(found.get(ref.secret), ref.secret, ref.key)]))
  }

  /**
   * Every secret name the component hands out, in one page, from one bulk read (Dapr has no other way to
   * list; `prefix` and `pageSize` cannot narrow it): the values travel with it and are dropped at once. An
   * empty answer (daprd's 204 for a component that returned nothing) lists none; a component that does not
   * implement the bulk read is a `NotSupportedError`. See `listing.ts`.
   */
  protected override async listSecretNamesImpl(): Promise<SecretNamePage> {
    const signal = this.abortSignal
    await this.#sdk.ready(signal)
    let answer: unknown
    try {
      answer = await this.#sdk.get('bulk', signal)
    } catch (err) {
      throw bulkNotSupported(err, { store: this.name, secretStoreName: this.#storeName }) ?? err
    }
    return { names: answer === '' ? [] : listedNames(bulkMaps(answer), this.#names) }
  }

  protected async setSecretImpl(name: string): Promise<void> {
    throw new NotSupportedError('set', READ_ONLY, { store: this.name, secretName: name })
  }

  protected async removeSecretImpl(name: string): Promise<void> {
    throw new NotSupportedError('remove', READ_ONLY, { store: this.name, secretName: name })
  }

  /**
   * Nothing to release. The client is not stopped: `DaprClient.stop()` destroys the SDK's HTTP agents,
   * which every `DaprClient` of the process shares, and would cut the connections of the application's own
   * clients; an injected client belongs to its owner anyway. Idle kept-alive sockets do not hold the
   * process open.
   */
  protected override async closeImpl(): Promise<void> {}

  protected override mapError(
    error: unknown,
    operation: SecretOperation,
    secretName: string | undefined,
  ): SecretStoreError {
    return mapDaprError(error, { store: this.name, operation, secretName, secretStoreName: this.#storeName })
  }

  /** One secret's map, `undefined` when the sidecar says it does not exist. */
  async #readOne(secret: string): Promise<SecretMap | undefined> {
    const signal = this.abortSignal
    await this.#sdk.ready(signal)
    const started = performance.now()
    try {
      const map = secretMap(await this.#sdk.get(encodeURIComponent(secret), signal))
      this.#bulk.recordSingle(performance.now() - started)
      return map
    } catch (err) {
      if (!isSecretNotFound(err, secret, this.#storeName)) throw err
      this.#bulk.recordSingle(performance.now() - started)
      return undefined
    }
  }

  /**
   * Every secret the store hands out, by name; `undefined` when the component refused the bulk read with
   * a Dapr error of its own (it may not implement it): the caller then reads secret by secret, and `auto`
   * stops trying it. It is `secret.get(store, 'bulk', metadata)`, the bulk read's path: `secret.getBulk`
   * cannot send the per-request metadata.
   */
  async #readBulk(): Promise<Readonly<Record<string, SecretMap>> | undefined> {
    const signal = this.abortSignal
    await this.#sdk.ready(signal)
    const started = performance.now()
    let answer: unknown
    try {
      answer = await this.#sdk.get('bulk', signal)
    } catch (err) {
      if (!(err instanceof DaprResponseError) || err.code === undefined || NO_FALLBACK.has(err.code)) throw err
      this.#bulk.recordBulkFailure()
      this.logger.warn(
        { store: this.name, operation: 'get', status: err.status, code: err.code },
        'the bulk read failed; reading secret by secret',
      )
      return undefined
    }
    const all = bulkMaps(answer)
    const entries = Object.keys(all).length
    this.#bulk.recordBulk(performance.now() - started, entries)
    this.logger.debug({ store: this.name, operation: 'get', entries }, 'secrets read with one bulk request')
    return all
  }
}

/**
 * A success whose body is not what the secrets API sends (the SDK hands over a body that is not JSON as
 * its text): something other than the sidecar answered. Never a missing secret.
 */
function garbled(): never {
  throw new DaprResponseError(undefined, '', 'body')
}

const isSecretMap = (value: unknown): value is SecretMap =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((entry) => typeof entry === 'string')

const secretMap = (answer: unknown): SecretMap => (isSecretMap(answer) ? answer : garbled())

function bulkMaps(answer: unknown): Readonly<Record<string, SecretMap>> {
  const valid =
    typeof answer === 'object' && answer !== null && !Array.isArray(answer) && Object.values(answer).every(isSecretMap)
  return valid ? (answer as Record<string, SecretMap>) : garbled()
}

/**
 * The value a name reads from its secret's map: one key (`secret#key`), the value of a one-entry map under
 * the secret's own name, or the whole map as JSON with sorted keys. Empty values and empty maps are
 * `undefined`: the env store answers `""` for a variable it does not have, and core never stores an
 * empty secret.
 */
export function pick(map: SecretMap | undefined, secret: string, key: string | undefined): string | undefined {
  if (map === undefined) return undefined
  if (key !== undefined) return Object.hasOwn(map, key) ? nonEmpty(map[key]) : undefined
  const entries = Object.entries(map)
  const [first] = entries
  if (first === undefined) return undefined
  if (entries.length === 1 && first[0] === secret) return nonEmpty(first[1])
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`
}

const nonEmpty = (value: string | undefined) => (value === '' ? undefined : value)
