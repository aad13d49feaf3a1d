import type { StoreBaseOptions } from '@secret-store/core'
import type { BulkMode } from './bulk.js'
import type { TenantSeparator } from './names.js'

/**
 * The part of a `DaprClient` (`@dapr/dapr` 3.x) the store reads: where the sidecar is and the API token.
 * The store never calls the client (see the README: the SDK does not encode keys, loses keys over gRPC
 * and waits up to 30 s for the sidecar) and never stops it: its owner does.
 */
export interface DaprClientLike {
  readonly options: {
    readonly daprHost: string
    readonly daprPort: string
    /** `CommunicationProtocolEnum`: 0 is gRPC (refused), 1 is HTTP. */
    readonly communicationProtocol: number
    readonly daprApiToken?: string | undefined
  }
}

/** What the store reads and how. */
export interface DaprStoreSettings {
  /** The secret store component's name (`metadata.name` of its `Component`), e.g. `'kubernetes'`. */
  secretStoreName: string
  /**
   * Per-request metadata of the component, sent as `?metadata.<key>=<value>` with every read (e.g.
   * `{ namespace: 'payments' }` for Kubernetes, `{ version_id: '2' }` for some cloud stores).
   * @default none
   */
  metadata?: Readonly<Record<string, string>>
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
  daprHost?: string
  /** The sidecar's HTTP port. @default process.env.DAPR_HTTP_PORT, else 3500 */
  daprPort?: number | string
  /** Sent as `dapr-api-token`. Never logged, inspected or serialised. @default process.env.DAPR_API_TOKEN */
  apiToken?: string
  daprEndpoint?: never
  client?: never
}

/** The sidecar's HTTP API by URL (a remote Dapr API, TLS). */
type Endpoint = {
  /**
   * The HTTP API's base URL, `http:` or `https:`.
   * @default process.env.DAPR_HTTP_ENDPOINT when neither daprHost nor daprPort is given
   */
  daprEndpoint: string
  apiToken?: string
  daprHost?: never
  daprPort?: never
  client?: never
}

/** An HTTP `DaprClient`, whose address and API token the store takes. */
type InjectedClient = {
  client: DaprClientLike
  daprHost?: never
  daprPort?: never
  daprEndpoint?: never
  apiToken?: never
}

/**
 * Options of `new DaprSecretStore(...)`: the options every store shares (see `@secret-store/core`), the
 * store settings and one way to reach the sidecar, all flat.
 */
export type DaprSecretStoreOptions = StoreBaseOptions & DaprStoreSettings & (HostPort | Endpoint | InjectedClient)
