import { ConfigurationError } from '@secret-store/core'
import { checkOptionKeys, optionKeys, type SplitStoreOptions } from '@secret-store/core/adapter'
import nodeVault from 'node-vault'
import { normalizeFolder } from './names.js'
import type { KvVersion, VaultAppRoleOptions, VaultSecretStoreOptions, VaultStoreSettings } from './types.js'

export const STORE_NAME = 'VaultSecretStore'
const DEFAULT_MOUNT = 'secret'
const DEFAULT_FIELD = 'value'
const DEFAULT_TIMEOUT_MS = 10_000

export interface ResolvedOptions {
  settings: VaultStoreSettings
  appRole: VaultAppRoleOptions | undefined
  appRoleMountPath: string
}

type VaultOnlyOptions = SplitStoreOptions<VaultSecretStoreOptions>['own']

/** Every option of the store besides the shared ones; the list fails to compile when the types gain one. */
const OPTION_KEYS = optionKeys<VaultOnlyOptions>()([
  'mount',
  'kvVersion',
  'prefix',
  'field',
  'purgeOnRemove',
  'cas',
  'endpoint',
  'namespace',
  'requestTimeoutMs',
  'token',
  'appRole',
  'client',
])

/** Checks the options (also for callers without types) and splits off the credentials. */
export function resolveOptions(vault: VaultOnlyOptions): ResolvedOptions {
  const fail = (message: string): never => {
    throw new ConfigurationError(message, { store: STORE_NAME })
  }
  checkOptionKeys(STORE_NAME, vault, OPTION_KEYS)
  const { token, appRole, client } = vault
  if (token !== undefined && appRole !== undefined) fail('pass either token or appRole, not both')
  if (client !== undefined) {
    if (token !== undefined) fail('pass either client or token: an injected client carries its own token')
    if (vault.endpoint !== undefined || vault.namespace !== undefined || vault.requestTimeoutMs !== undefined) {
      fail('endpoint, namespace and requestTimeoutMs belong to the injected client')
    }
    for (const method of ['read', 'write', 'delete'] as const) {
      if (typeof client[method] !== 'function') fail(`client has no ${method}() method`)
    }
  }
  if (token !== undefined && typeof token !== 'string') fail('token must be a string')
  if (appRole !== undefined) {
    if (typeof appRole.roleId !== 'string' || appRole.roleId === '') fail('appRole.roleId must be a non-empty string')
    if (typeof appRole.secretId !== 'string' || appRole.secretId === '') {
      fail('appRole.secretId must be a non-empty string')
    }
  }
  const kvVersion: KvVersion = vault.kvVersion ?? 2
  if (kvVersion !== 1 && kvVersion !== 2 && kvVersion !== 'auto') fail("kvVersion must be 1, 2 or 'auto'")
  const field = vault.field ?? DEFAULT_FIELD
  if (typeof field !== 'string' || field === '') fail('field must be a non-empty string')
  const cas = vault.cas ?? false
  if (cas && kvVersion === 1) fail('cas needs KV v2')
  const timeout = vault.requestTimeoutMs
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    fail('requestTimeoutMs must be a positive number')
  }
  return {
    settings: {
      endpoint: vault.endpoint,
      namespace: vault.namespace,
      mount: normalizeFolder(vault.mount ?? DEFAULT_MOUNT, 'mount'),
      prefix: vault.prefix === undefined ? undefined : normalizeFolder(vault.prefix, 'prefix'),
      kvVersion,
      field,
      purgeOnRemove: vault.purgeOnRemove ?? false,
      cas,
      auth: appRole === undefined ? 'token' : 'appRole',
      injectedClient: client !== undefined,
    },
    appRole,
    appRoleMountPath: normalizeFolder(appRole?.mountPath ?? 'approle', 'appRole.mountPath'),
  }
}

export function createClient(settings: VaultStoreSettings, token: string | undefined, timeoutMs: number | undefined) {
  const client = nodeVault({
    endpoint: settings.endpoint,
    namespace: settings.namespace,
    token: settings.auth === 'token' ? token : undefined,
    requestOptions: { timeout: timeoutMs ?? DEFAULT_TIMEOUT_MS },
    // node-vault's debug output prints request bodies, i.e. secret values: keep it off for this client.
    debug: () => {},
  })
  // In AppRole mode every request carries the session's token; don't let node-vault fall back to VAULT_TOKEN.
  if (settings.auth === 'appRole') client.token = ''
  return client
}
