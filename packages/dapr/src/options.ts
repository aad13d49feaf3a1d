import type { SplitStoreOptions } from '@secret-store/core/adapter'
import type { BulkMode } from './bulk.js'
import type { DaprNameRules, TenantSeparator } from './names.js'
import type { DaprClientLike, DaprSecretStoreOptions } from './types.js'

export const STORE_NAME = 'DaprSecretStore'

/** `CommunicationProtocolEnum.GRPC` of `@dapr/dapr`. */
const GRPC = 0
const BULK_MODES: readonly BulkMode[] = ['auto', 'never', 'always']
const TENANT_SEPARATORS: readonly TenantSeparator[] = [':', '.', '/']

export interface ResolvedDaprOptions {
  secretStoreName: string
  /** `<endpoint>/v1.0/secrets/<store>/`: a key is appended, percent-encoded. */
  secretsUrl: string
  /** `''`, or `?metadata.<key>=<value>&...`. */
  query: string
  apiToken: string | undefined
  bulk: BulkMode
  names: DaprNameRules
}

type DaprOnlyOptions = SplitStoreOptions<DaprSecretStoreOptions>['own']

/** Checks the options (also for callers without types) and works out the sidecar's URL and token. */
export function resolveDaprOptions(own: DaprOnlyOptions, env: NodeJS.ProcessEnv = process.env): ResolvedDaprOptions {
  const fail = (message: string): never => {
    throw new TypeError(`${STORE_NAME}: ${message}`)
  }
  const { secretStoreName, client, daprEndpoint, daprHost, daprPort, apiToken } = own
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

  let base: string
  let token: string | undefined
  if (client !== undefined) {
    if (daprEndpoint !== undefined || daprHost !== undefined || daprPort !== undefined || apiToken !== undefined) {
      fail('pass either client or daprEndpoint/daprHost/daprPort/apiToken: the client carries its own')
    }
    base = clientEndpoint(client, fail)
    token = client.options.daprApiToken || undefined
  } else {
    if (daprEndpoint !== undefined && (daprHost !== undefined || daprPort !== undefined)) {
      fail('pass either daprEndpoint or daprHost/daprPort, not both')
    }
    const endpoint =
      daprEndpoint ??
      (daprHost === undefined && daprPort === undefined ? env.DAPR_HTTP_ENDPOINT || undefined : undefined)
    base =
      endpoint !== undefined
        ? parseEndpoint(endpoint, fail)
        : hostPort(daprHost ?? (env.DAPR_HOST || '127.0.0.1'), daprPort ?? (env.DAPR_HTTP_PORT || 3500), fail)
    token = apiToken ?? (env.DAPR_API_TOKEN || undefined)
  }

  return {
    secretStoreName,
    secretsUrl: `${base}/v1.0/secrets/${encodeURIComponent(secretStoreName)}/`,
    query: metadataQuery(own.metadata, fail),
    apiToken: token,
    bulk,
    names: { keySeparator, tenantSeparator },
  }
}

function clientEndpoint(client: DaprClientLike, fail: (message: string) => never): string {
  const options = (client as Partial<DaprClientLike> | null)?.options
  if (typeof options !== 'object' || options === null) return fail('client must be a DaprClient')
  if (options.communicationProtocol === GRPC) {
    fail(
      'a gRPC DaprClient is refused: @dapr/dapr 3.x returns only the first key of a multi-valued secret over gRPC; pass an HTTP DaprClient (CommunicationProtocolEnum.HTTP) or daprHost/daprPort',
    )
  }
  // The HTTP client's own base URL keeps the scheme of DAPR_HTTP_ENDPOINT (https), which `options` drop.
  const clientUrl = (client as { daprClient?: { clientUrl?: unknown } }).daprClient?.clientUrl
  if (typeof clientUrl === 'string' && /^https?:\/\/[^/]+\/v1\.0$/.test(clientUrl)) return clientUrl.slice(0, -5)
  return hostPort(options.daprHost, options.daprPort, fail)
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
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

function metadataQuery(metadata: unknown, fail: (message: string) => never): string {
  if (metadata === undefined) return ''
  if (typeof metadata !== 'object' || metadata === null) return fail('metadata must be an object of strings')
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(metadata)) {
    if (key === '' || typeof value !== 'string') fail('metadata must map non-empty keys to strings')
    params.append(`metadata.${key}`, value)
  }
  const query = params.toString()
  return query === '' ? '' : `?${query}`
}
