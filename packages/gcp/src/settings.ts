import { SecretManagerServiceClient } from '@google-cloud/secret-manager'
import { ConfigurationError } from '@secret-store/core'
import { checkOptionKeys, optionKeys, type SplitStoreOptions } from '@secret-store/core/adapter'
import type { GCPSecretStoreOptions, OldVersionPolicy, SecretManagerClientOptions, SecretReplication } from './types.js'

export const STORE_NAME = 'GCPSecretStore'
export const DEFAULT_KEEP_VERSIONS = 2

const PROJECT = /^[a-z0-9][a-z0-9.:-]{0,99}$/
const LOCATION = /^[a-z0-9-]{1,63}$/
const VERSION = /^[A-Za-z0-9_-]{1,63}$/
const OLD_VERSION_POLICIES: readonly OldVersionPolicy[] = ['disable', 'destroy', 'keep']
const CLIENT_METHODS = [
  'accessSecretVersion',
  'getSecretVersion',
  'addSecretVersion',
  'createSecret',
  'listSecretVersions',
  'disableSecretVersion',
  'destroySecretVersion',
  'deleteSecret',
  'close',
] as const

/** The store's settings, checked. Nothing in here is a credential. */
export interface ResolvedSettings {
  projectId: string
  location: string | undefined
  /** `projects/<projectId>` or `projects/<projectId>/locations/<location>`. */
  parent: string
  version: string
  replication: SecretReplication | undefined
  labels: Record<string, string> | undefined
  keepVersions: number
  oldVersions: OldVersionPolicy
  purgeOnRemove: boolean
  requireChecksum: boolean
}

type OwnOptions = SplitStoreOptions<GCPSecretStoreOptions>['own']

/** Every option of the store besides the shared ones; the list fails to compile when the types gain one. */
const OPTION_KEYS = optionKeys<OwnOptions>()([
  'projectId',
  'project',
  'location',
  'version',
  'replication',
  'labels',
  'keepVersions',
  'oldVersions',
  'purgeOnRemove',
  'requireChecksum',
  'client',
  'clientOptions',
])

function fail(message: string): never {
  throw new ConfigurationError(message, { store: STORE_NAME })
}

/** A ready client has the client's methods; any other object given as `client` is PURISTA's client options. */
const isReadyClient = (client: unknown): client is SecretManagerServiceClient =>
  typeof (client as Record<string, unknown> | undefined)?.accessSecretVersion === 'function'

/** The project id from `projectId`, or from PURISTA's `project: 'projects/<id>'`. */
function projectIdOf(own: OwnOptions): string {
  const { projectId, project } = own as { projectId?: unknown; project?: unknown }
  if (project !== undefined && projectId !== undefined) {
    fail('the project is given twice: pass either projectId or project (PURISTA), not both')
  }
  if (project !== undefined) {
    const id = typeof project === 'string' ? /^projects\/([^/]+)$/.exec(project)?.[1] : undefined
    if (id === undefined || !PROJECT.test(id)) fail("project must be 'projects/<project id or number>'")
    return id
  }
  if (typeof projectId !== 'string' || !PROJECT.test(projectId)) fail('projectId must be a project id or number')
  return projectId
}

/**
 * The client the store sends with: the injected one, or one built from `clientOptions` (or PURISTA's
 * `client` options), which the store then owns and closes.
 */
export function resolveClient(
  own: OwnOptions,
  settings: ResolvedSettings,
): { client: SecretManagerServiceClient; owned: boolean } {
  const { client, clientOptions } = own as { client?: unknown; clientOptions?: SecretManagerClientOptions }
  if (isReadyClient(client)) return { client, owned: false }
  return {
    client: createClient((client as SecretManagerClientOptions | undefined) ?? clientOptions, settings),
    owned: true,
  }
}

/** Checks the options (also for callers without types); throws `ConfigurationError` naming the bad one. */
export function resolveSettings(own: OwnOptions): ResolvedSettings {
  checkOptionKeys(STORE_NAME, own, OPTION_KEYS)
  const projectId = projectIdOf(own)
  const { location, client, clientOptions } = own
  if (location !== undefined && (typeof location !== 'string' || !LOCATION.test(location))) {
    fail('location must be a Secret Manager location such as europe-west3')
  }
  if (client !== undefined && (typeof client !== 'object' || client === null)) {
    fail('client must be a SecretManagerServiceClient or its options')
  }
  if (isReadyClient(client)) {
    if (clientOptions !== undefined) fail('pass either client or clientOptions: an injected client carries its own')
    for (const method of CLIENT_METHODS) {
      if (typeof (client as unknown as Record<string, unknown>)?.[method] !== 'function') {
        fail(`client has no ${method}() method; pass a SecretManagerServiceClient`)
      }
    }
  } else if (client !== undefined && clientOptions !== undefined) {
    fail('the client options are given twice: pass either clientOptions or client (PURISTA), not both')
  }
  const version = own.version ?? 'latest'
  if (typeof version !== 'string' || !VERSION.test(version))
    fail('version must be latest, a version number or an alias')
  if (own.replication !== undefined && location !== undefined) {
    fail('regional secrets (location) take no replication policy')
  }
  const keepVersions = own.keepVersions ?? DEFAULT_KEEP_VERSIONS
  if (!Number.isInteger(keepVersions) || keepVersions < 1) fail('keepVersions must be a whole number of at least 1')
  const oldVersions = own.oldVersions ?? 'disable'
  if (!OLD_VERSION_POLICIES.includes(oldVersions)) fail("oldVersions must be 'disable', 'destroy' or 'keep'")
  const purgeOnRemove = own.purgeOnRemove ?? false
  const requireChecksum = own.requireChecksum ?? true
  if (typeof purgeOnRemove !== 'boolean') fail('purgeOnRemove must be a boolean')
  if (typeof requireChecksum !== 'boolean') fail('requireChecksum must be a boolean')
  return {
    projectId,
    location,
    parent: location === undefined ? `projects/${projectId}` : `projects/${projectId}/locations/${location}`,
    version,
    replication: location === undefined ? (own.replication ?? { automatic: {} }) : undefined,
    labels: own.labels === undefined ? undefined : { ...own.labels },
    keepVersions,
    oldVersions,
    purgeOnRemove,
    requireChecksum,
  }
}

/**
 * The client the store owns: the regional endpoint for a location, and the project id given, so that the
 * client never has to look it up. Credentials are the caller's (Application Default Credentials without any).
 */
export function createClient(
  clientOptions: SecretManagerClientOptions | undefined,
  settings: ResolvedSettings,
): SecretManagerServiceClient {
  const options = clientOptions ?? {}
  const regional =
    settings.location !== undefined && options.apiEndpoint === undefined && options.servicePath === undefined
      ? { apiEndpoint: `secretmanager.${settings.location}.rep.googleapis.com` }
      : {}
  return new SecretManagerServiceClient({ projectId: settings.projectId, ...regional, ...options })
}
