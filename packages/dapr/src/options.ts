import { CommunicationProtocolEnum, type DaprClientOptions, LogLevel } from '@dapr/dapr'
import { ConfigurationError } from '@secret-store/core'
import { checkOptionKeys, oneSpelling, optionKeys, type SplitStoreOptions } from '@secret-store/core/adapter'
import type { BulkMode } from './bulk.js'
import type { DaprNameRules, TenantSeparator } from './names.js'
import type { DaprClientLike, DaprSecretStoreOptions } from './types.js'

export const STORE_NAME = 'DaprSecretStore'

const BULK_MODES: readonly BulkMode[] = ['auto', 'never', 'always']
const TENANT_SEPARATORS: readonly TenantSeparator[] = [':', '.', '/']

/** What the store reads through: an injected `DaprClient`, or the address of a client of its own. */
export type DaprSidecar =
  | { client: DaprClientLike }
  | {
      /** The sidecar's HTTP API, `http(s)://host[:port]` without a path. */
      endpoint: string
      apiToken: string | undefined
    }

export interface ResolvedDaprOptions {
  secretStoreName: string
  sidecar: DaprSidecar
  /** `''`, or `metadata.<key>=<value>&...`: the query `client.secret.get` appends after `?`. */
  metadata: string
  bulk: BulkMode
  names: DaprNameRules
}

type DaprOnlyOptions = SplitStoreOptions<DaprSecretStoreOptions>['own']

/** Every option of the store besides the shared ones; the list fails to compile when the types gain one. */
const OPTION_KEYS = optionKeys<DaprOnlyOptions>()([
  'secretStoreName',
  'metadata',
  'bulk',
  'keySeparator',
  'tenantSeparator',
  'daprHost',
  'daprPort',
  'apiToken',
  'daprEndpoint',
  'client',
  'clientConfig',
])

/** PURISTA's default component name. */
const DEFAULT_STORE_NAME = 'secretStore'

/** PURISTA's `clientConfig` folded into our spelling; giving both is refused. */
function withPuristaClientConfig(own: DaprOnlyOptions, fail: (message: string) => never): DaprOnlyOptions {
  const { clientConfig, ...rest } = own as DaprOnlyOptions & { clientConfig?: unknown }
  if (clientConfig === undefined) return own
  oneSpelling(
    STORE_NAME,
    own,
    ['daprHost', 'daprPort', 'apiToken', 'daprEndpoint', 'client'],
    ['clientConfig'],
    'the sidecar',
  )
  if (typeof clientConfig !== 'object' || clientConfig === null) return fail('clientConfig must be an object')
  const { daprHost, daprPort, daprApiToken } = clientConfig as Record<string, unknown>
  return {
    ...rest,
    ...(daprHost === undefined ? {} : { daprHost }),
    ...(daprPort === undefined ? {} : { daprPort }),
    ...(daprApiToken === undefined ? {} : { apiToken: daprApiToken }),
  } as DaprOnlyOptions
}

/** Checks the options (also for callers without types) and works out the client, or the sidecar's URL and token. */
export function resolveDaprOptions(given: DaprOnlyOptions, env: NodeJS.ProcessEnv = process.env): ResolvedDaprOptions {
  const fail = (message: string): never => {
    throw new ConfigurationError(message, { store: STORE_NAME })
  }
  checkOptionKeys(STORE_NAME, given, OPTION_KEYS)
  const own = withPuristaClientConfig(given, fail)
  const { client, daprEndpoint, daprHost, daprPort, apiToken } = own
  const secretStoreName = own.secretStoreName ?? DEFAULT_STORE_NAME
  if (typeof secretStoreName !== 'string' || secretStoreName.trim() === '') {
    fail("secretStoreName must name the secret store component (its metadata.name), e.g. 'kubernetes'")
  }
  const bulk = own.bulk ?? 'auto'
  if (!BULK_MODES.includes(bulk)) fail("bulk must be 'auto', 'never' or 'always'")
  const tenantSeparator = own.tenantSeparator ?? ':'
  if (!TENANT_SEPARATORS.includes(tenantSeparator)) fail("tenantSeparator must be ':', '.' or '/'")
  const keySeparator = own.keySeparator ?? '#'
  if (
    keySeparator !== false &&
    (typeof keySeparator !== 'string' || !/^[^A-Za-z0-9_:-]$/u.test(keySeparator) || keySeparator === tenantSeparator)
  ) {
    fail('keySeparator must be false or one character other than a letter, digit, _, -, : or the tenantSeparator')
  }
  if (apiToken !== undefined && typeof apiToken !== 'string') fail('apiToken must be a string')

  let sidecar: DaprSidecar
  if (client !== undefined) {
    if (daprEndpoint !== undefined || daprHost !== undefined || daprPort !== undefined || apiToken !== undefined) {
      fail('pass either client or daprEndpoint/daprHost/daprPort/apiToken: the client carries its own')
    }
    sidecar = { client: checkClient(client, fail) }
  } else {
    if (daprEndpoint !== undefined && (daprHost !== undefined || daprPort !== undefined)) {
      fail('pass either daprEndpoint or daprHost/daprPort, not both')
    }
    const endpoint =
      daprEndpoint ??
      (daprHost === undefined && daprPort === undefined ? env.DAPR_HTTP_ENDPOINT || undefined : undefined)
    sidecar = {
      endpoint:
        endpoint !== undefined
          ? parseEndpoint(endpoint, fail)
          : hostPort(daprHost ?? (env.DAPR_HOST || '127.0.0.1'), daprPort ?? (env.DAPR_HTTP_PORT || 3500), fail),
      apiToken: apiToken ?? (env.DAPR_API_TOKEN || undefined),
    }
  }

  return {
    secretStoreName,
    sidecar,
    metadata: metadataQuery(own.metadata, fail),
    bulk,
    names: { keySeparator, tenantSeparator },
  }
}

/**
 * The options of the `DaprClient` the store builds for an endpoint: HTTP (over gRPC @dapr/dapr 3.x
 * returns only the first key of a multi-valued secret), and a logger that prints errors only: at debug
 * level the SDK's HTTP client logs every request's headers, the `dapr-api-token` among them.
 */
export function ownClientOptions(endpoint: string, apiToken: string | undefined): DaprClientOptions {
  const url = new URL(endpoint)
  return {
    // The SDK parses `<daprHost>:<daprPort>` back into a URL, so the scheme (https) rides on the host.
    daprHost: `${url.protocol}//${url.hostname}`,
    daprPort: url.port || (url.protocol === 'https:' ? '443' : '80'),
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    ...(apiToken === undefined ? {} : { daprApiToken: apiToken }),
    logger: { level: LogLevel.Error },
  }
}

function checkClient(client: unknown, fail: (message: string) => never): DaprClientLike {
  const given = client as Partial<DaprClientLike> | null
  if (
    typeof given?.options !== 'object' ||
    given.options === null ||
    typeof given.secret?.get !== 'function' ||
    typeof given.start !== 'function' ||
    typeof given.getIsInitialized !== 'function'
  ) {
    return fail('client must be a DaprClient')
  }
  if (given.options.communicationProtocol === CommunicationProtocolEnum.GRPC) {
    fail(
      'a gRPC DaprClient is refused: @dapr/dapr 3.x returns only the first key of a multi-valued secret over gRPC; pass an HTTP DaprClient (CommunicationProtocolEnum.HTTP) or daprHost/daprPort',
    )
  }
  return client as DaprClientLike
}

function hostPort(host: unknown, port: unknown, fail: (message: string) => never): string {
  if (typeof host !== 'string' || host === '' || /[/?#@\s]/.test(host)) fail('daprHost must be a host name or address')
  const number = typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : port
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 65_535) {
    fail('daprPort must be a port number from 1 to 65535')
  }
  const name = host as string
  return `http://${name.includes(':') && !name.startsWith('[') ? `[${name}]` : name}:${number}`
}

function parseEndpoint(endpoint: unknown, fail: (message: string) => never): string {
  let url: URL | undefined
  try {
    url = new URL(String(endpoint))
  } catch {
    // reported below
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    return fail('daprEndpoint (or DAPR_HTTP_ENDPOINT) must be an http: or https: URL without query or fragment')
  }
  if (url.username || url.password) return fail('daprEndpoint must not carry credentials; use apiToken')
  if (url.pathname.replace(/\/+$/, '') !== '') {
    return fail('daprEndpoint (or DAPR_HTTP_ENDPOINT) must have no path: @dapr/dapr reaches the Dapr API at its root')
  }
  return url.origin
}

function metadataQuery(metadata: unknown, fail: (message: string) => never): string {
  if (metadata === undefined) return ''
  if (typeof metadata !== 'object' || metadata === null) return fail('metadata must be an object of strings')
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(metadata)) {
    if (value === undefined) continue
    if (key === '' || typeof value !== 'string') fail('metadata must map non-empty keys to strings')
    params.append(`metadata.${key}`, value)
  }
  return params.toString()
}
