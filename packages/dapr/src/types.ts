import type { DaprClient } from '@dapr/dapr'
import type { StoreBaseOptions } from '@secret-store/core'
import type { BulkMode } from './bulk.js'
import type { TenantSeparator } from './names.js'

/**
 * The parts of a `DaprClient` (`@dapr/dapr` 3.x, HTTP) the store uses: every read is a `secret.get`, and
 * before the first one it waits for the sidecar with `start()` (unless `getIsInitialized()`). The store never
 * stops the client: its owner does.
 */
export type DaprClientLike = Pick<DaprClient, 'options' | 'daprClient' | 'secret' | 'start' | 'getIsInitialized'>

/** What the store reads and how. */
export interface DaprStoreSettings {
  /**
   * The secret store component's name (`metadata.name` of its `Component`), e.g. `'kubernetes'`.
   * @default 'secretStore' (as PURISTA's Dapr store)
   */
  secretStoreName?: string | undefined
  /**
   * Per-request metadata of the component, sent as `?metadata.<key>=<value>` with every read (e.g.
   * `{ namespace: 'payments' }` for Kubernetes, `{ version_id: '2' }` for some cloud stores).
   * @default none
   */
  metadata?: Readonly<Record<string, string | undefined>>
  /**
   * How `getSecret` with several names reads: `'auto'` takes the bulk endpoint when it measured it to be
   * cheaper than one request per secret (see the README), `'always'` takes it for every call with two or
   * more secrets, `'never'` sends one request per secret (at most `maxConcurrency` at once).
   * @default 'auto'
   */
  bulk?: BulkMode
  /**
   * Splits `secret#key`: one key of a multi-valued secret. `false`: every name is a whole secret (for
   * secret names that contain `#`). One character, not a letter, digit, `_`, `-`, `:` or the
   * `tenantSeparator`.
   * @default '#'
   */
  keySeparator?: string | false
  /**
   * Joins the handbook's tenant form `tenant:<tenant>:<name>` into one key: `':'` keeps it as it is (the
   * local file store's nested JSON), `'.'` gives `tenant.acme.name` (Kubernetes secret names), `'/'` gives
   * `tenant/acme/name` (components that read keys as paths, such as Vault).
   * @default ':'
   */
  tenantSeparator?: TenantSeparator
}

/** The sidecar's HTTP API by host and port. */
type HostPort = {
  /** @default process.env.DAPR_HOST, else '127.0.0.1' */
  daprHost?: string | undefined
  /** The sidecar's HTTP port. @default process.env.DAPR_HTTP_PORT, else 3500 */
  daprPort?: number | string | undefined
  /** Sent as `dapr-api-token`. Never logged, inspected or serialised. @default process.env.DAPR_API_TOKEN */
  apiToken?: string | undefined
  daprEndpoint?: never
  client?: never
  clientConfig?: never
}

/** The sidecar's HTTP API by URL (a remote Dapr API, TLS). */
type Endpoint = {
  /**
   * The HTTP API's base URL, `http:` or `https:`, without a path (`@dapr/dapr` reaches the API at its root).
   * @default process.env.DAPR_HTTP_ENDPOINT when neither daprHost nor daprPort is given
   */
  daprEndpoint: string
  apiToken?: string | undefined
  daprHost?: never
  daprPort?: never
  client?: never
  clientConfig?: never
}

/**
 * PURISTA's `DaprClientConfig` (`@purista/dapr-sdk`): the sidecar's host, port and API token. Its other
 * keys are accepted and have no effect on secrets.
 */
export interface PuristaDaprClientConfig {
  /** @default process.env.DAPR_HOST, else '127.0.0.1' */
  daprHost?: string | undefined
  /** @default process.env.DAPR_HTTP_PORT, else 3500 */
  daprPort?: string | number
  daprApiToken?: string
  daprApiVersion?: string
  isKeepAlive?: boolean
  appPrefix?: string
  pubSubName?: string
}

/** The sidecar as PURISTA's Dapr secret store takes it. */
type PuristaClientConfig = {
  /** PURISTA's spelling of `daprHost`/`daprPort`/`apiToken` (`@purista/dapr-sdk`'s `DaprSecretStore`). */
  clientConfig: PuristaDaprClientConfig
  daprHost?: never
  daprPort?: never
  daprEndpoint?: never
  apiToken?: never
  client?: never
}

/** An HTTP `DaprClient` the store reads through; it carries its own address and API token. */
type InjectedClient = {
  client: DaprClientLike
  daprHost?: never
  daprPort?: never
  daprEndpoint?: never
  apiToken?: never
  clientConfig?: never
}

/**
 * Options of `new DaprSecretStore(...)`: the options every store shares (see `@secret-store/core`), the
 * store settings and one way to reach the sidecar, all flat.
 */
export type DaprSecretStoreOptions = StoreBaseOptions &
  DaprStoreSettings &
  (HostPort | Endpoint | InjectedClient | PuristaClientConfig)
