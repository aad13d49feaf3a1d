import type { ContractBackdoor } from '@secret-store/testkit'
import nodeVault from 'node-vault'
import { toVaultPath } from '../../src/index.js'

/** A raw node-vault client, as the back door and the admin steps of the tests use it. */
export type RawClient = ReturnType<typeof nodeVault>

/**
 * A raw client for admin steps and back doors. Only `read`/`write`/`delete` are used on it: node-vault's
 * login and token helpers would replace the client's token.
 */
export function rawClient(endpoint: string, token: string, namespace?: string): RawClient {
  return nodeVault({ endpoint, token, namespace, debug: () => {} })
}

export function statusOf(err: unknown): number | undefined {
  const status = (err as { response?: { statusCode?: unknown } } | undefined)?.response?.statusCode
  return typeof status === 'number' ? status : undefined
}

/** Resolves with `undefined` for a 404, rethrows anything else. */
export async function readOrUndefined(client: RawClient, path: string): Promise<unknown> {
  try {
    return await client.read(path)
  } catch (err) {
    if (statusOf(err) === 404) return undefined
    throw err
  }
}

/**
 * Mounts a KV engine and, for version 2, waits until the mount has finished its upgrade to versioned
 * data: until then Vault answers every request with 400 "Upgrading from non-versioned to versioned data".
 */
export async function mountKv(admin: RawClient, path: string, version: 1 | 2): Promise<void> {
  await admin.write(`sys/mounts/${path}`, { type: 'kv', options: { version: String(version) } })
  if (version === 1) return
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.read(`${path}/config`)
      return
    } catch (err) {
      if (statusOf(err) !== 400 || attempt >= 100) throw err
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}

export async function createPolicy(admin: RawClient, name: string, hcl: string): Promise<void> {
  await admin.write(`sys/policies/acl/${name}`, { policy: hcl })
}

/** A child token with the given policies (no default policy unless asked for). */
export async function createToken(admin: RawClient, policies: string[]): Promise<string> {
  const body = (await admin.write('auth/token/create', { policies, no_default_policy: true, ttl: '10m' })) as {
    auth: { client_token: string }
  }
  return body.auth.client_token
}

export interface AppRoleSetup {
  roleId: string
  secretId: string
}

let appRoleEnabled: Promise<void> | undefined

/** Creates (or replaces) an AppRole role and returns fresh credentials for it. */
export async function createAppRole(
  admin: RawClient,
  role: string,
  settings: { policies: string[]; tokenTtl: string; tokenMaxTtl: string; tokenNumUses?: number },
): Promise<AppRoleSetup> {
  appRoleEnabled ??= admin.write('sys/auth/approle', { type: 'approle' }).then(() => undefined)
  await appRoleEnabled
  await admin.write(`auth/approle/role/${role}`, {
    token_policies: settings.policies,
    token_ttl: settings.tokenTtl,
    token_max_ttl: settings.tokenMaxTtl,
    token_num_uses: settings.tokenNumUses ?? 0,
  })
  const roleId = ((await admin.read(`auth/approle/role/${role}/role-id`)) as { data: { role_id: string } }).data.role_id
  const secretId = ((await admin.write(`auth/approle/role/${role}/secret-id`, {})) as { data: { secret_id: string } })
    .data.secret_id
  return { roleId, secretId }
}

/**
 * The contract suite's back door: raw reads, writes and deletes with the store's own name mapping
 * (`toVaultPath`), on KV v2 or v1.
 */
export function kvBackdoor(
  client: RawClient,
  mount: string,
  version: 1 | 2,
  options: { field?: string; prefix?: string } = {},
): Omit<ContractBackdoor, 'requestStats' | 'resetRequestStats'> & { isRecoverable(name: string): Promise<boolean> } {
  const field = options.field ?? 'value'
  const path = (name: string, kind: 'data' | 'metadata' = 'data') =>
    version === 2
      ? `${mount}/${kind}/${toVaultPath(name, options.prefix)}`
      : `${mount}/${toVaultPath(name, options.prefix)}`
  return {
    async get(name) {
      const body = (await readOrUndefined(client, path(name))) as { data?: Record<string, unknown> } | undefined
      const entry = version === 2 ? (body?.data?.data as Record<string, unknown> | null | undefined) : body?.data
      const value = entry?.[field]
      return typeof value === 'string' ? value : undefined
    },
    async set(name, value) {
      await client.write(path(name), version === 2 ? { data: { [field]: value } } : { [field]: value })
    },
    async remove(name) {
      await client.delete(path(name, 'metadata'))
    },
    async isRecoverable(name) {
      if (version === 1) return false
      const body = (await readOrUndefined(client, path(name, 'metadata'))) as
        | { data: { current_version: number; versions: Record<string, { deletion_time: string; destroyed: boolean }> } }
        | undefined
      const current = body?.data.versions[String(body.data.current_version)]
      return current !== undefined && current.deletion_time !== '' && !current.destroyed
    },
  }
}
