/**
 * What to do about a failed probe: the permission each operation needs on each backend, and how to fix
 * credentials and connectivity. Texts name actions, roles and policy paths, never values.
 */
import type { SecretStoreError } from '@secret-store/core'
import type { StoreEntry } from './config.js'

export type ProbedOperation = 'get' | 'list' | 'set' | 'remove'

const option = (entry: StoreEntry, key: string): unknown =>
  entry.adapter === 'dotenv' ? undefined : entry.options?.[key]

/** The grant `operation` needs on the store's backend. */
export function permissionFix(entry: StoreEntry, operation: ProbedOperation): string {
  switch (entry.adapter) {
    case 'aws': {
      const actions = {
        get: 'secretsmanager:GetSecretValue (and secretsmanager:BatchGetSecretValue for batched reads)',
        list: 'secretsmanager:ListSecrets (on resource "*")',
        set: 'secretsmanager:CreateSecret, secretsmanager:PutSecretValue, secretsmanager:DescribeSecret and secretsmanager:RestoreSecret',
        remove: 'secretsmanager:DeleteSecret',
      }
      return `allow ${actions[operation]} in the IAM policy of the caller`
    }
    case 'vault': {
      const mount = String(option(entry, 'mount') ?? 'secret').replace(/^\/+|\/+$/g, '')
      const prefix = option(entry, 'prefix')
      const folder = typeof prefix === 'string' && prefix !== '' ? `${prefix.replace(/^\/+|\/+$/g, '')}/` : ''
      const v1 = option(entry, 'kvVersion') === 1
      const path = (kind: string) => (v1 ? `${mount}/${folder}*` : `${mount}/${kind}/${folder}*`)
      const rules = {
        get: `path "${path('data')}" { capabilities = ["read"] }`,
        list: v1
          ? `path "${path('')}" { capabilities = ["list"] }`
          : `path "${path('metadata')}" { capabilities = ["read", "list"] }`,
        set: `path "${path('data')}" { capabilities = ["create", "update"] }`,
        remove: v1
          ? `path "${path('')}" { capabilities = ["delete"] }`
          : `path "${path('data')}" { capabilities = ["delete"] } and, for purges, path "${path('metadata')}" { capabilities = ["delete"] }`,
      }
      return `add to the token's policy: ${rules[operation]}`
    }
    case 'azure':
      return operation === 'get' || operation === 'list'
        ? 'assign the "Key Vault Secrets User" role on the vault (or an access policy with secret get and list)'
        : 'assign the "Key Vault Secrets Officer" role on the vault (or an access policy with secret set, delete, recover and purge)'
    case 'gcp': {
      const roles = {
        get: 'roles/secretmanager.secretAccessor (secretmanager.versions.access)',
        list: 'roles/secretmanager.viewer (secretmanager.secrets.list)',
        set: 'roles/secretmanager.secretVersionAdder and secretmanager.secrets.create (roles/secretmanager.admin has both)',
        remove: 'secretmanager.secrets.delete (roles/secretmanager.admin)',
      }
      return `grant ${roles[operation]} on the project`
    }
    case 'infisical': {
      const verbs = { get: 'read', list: 'read', set: 'create and edit', remove: 'delete' }
      return `give the machine identity a project role that may ${verbs[operation]} secrets in environment "${String(option(entry, 'environment') ?? '?')}" at path "${String(option(entry, 'secretPath') ?? '/')}"`
    }
    case 'dapr':
      return "allow the secret in the component's scopes: secretStores[].allowedSecrets / defaultAccess in the Dapr Configuration"
    case 'dotenv':
      return 'make the .env file readable'
  }
}

/** How to fix credentials the backend refused. */
export function credentialFix(entry: StoreEntry): string {
  switch (entry.adapter) {
    case 'aws':
      return 'check the AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the instance role) and the region'
    case 'vault':
      return 'the token is missing, invalid or expired: set "token" (e.g. { "$env": "VAULT_TOKEN" }) or AppRole credentials'
    case 'azure':
      return 'check the Azure credential (az login, AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET, or the managed identity)'
    case 'gcp':
      return 'check Application Default Credentials (gcloud auth application-default login, or GOOGLE_APPLICATION_CREDENTIALS)'
    case 'infisical':
      return "check the machine identity's client id and secret"
    case 'dapr':
      return "check DAPR_API_TOKEN against the sidecar's token"
    case 'dotenv':
      return 'check the .env file'
  }
}

/** How to reach a backend that did not answer. */
export function reachFix(entry: StoreEntry): string {
  const nested = (key: string) => (option(entry, key) as { endpoint?: unknown } | undefined)?.endpoint
  const endpoint = [
    option(entry, 'endpoint'),
    option(entry, 'vaultUrl'),
    option(entry, 'siteUrl'),
    option(entry, 'daprEndpoint'),
    option(entry, 'daprHost'),
    nested('clientConfig'),
    nested('client'),
  ].find((value) => typeof value === 'string')
  return `check that the backend${endpoint ? ` at ${endpoint as string}` : ''} is running and reachable from here (network, proxy, TLS)`
}

/**
 * The fix for a probe that failed with `error`. `credentialsWork`: another probe with the same
 * credentials succeeded, so a denial is a missing permission. Otherwise a denial may be either (Vault
 * answers 403 to a bad token too), and the fix names both.
 */
export function fixFor(
  entry: StoreEntry,
  operation: ProbedOperation,
  error: SecretStoreError,
  credentialsWork: boolean,
): string {
  switch (error.code) {
    case 'ACCESS_DENIED':
      return credentialsWork
        ? permissionFix(entry, operation)
        : `${credentialFix(entry)}; if they are valid: ${permissionFix(entry, operation)}`
    case 'UNAVAILABLE':
      return reachFix(entry)
    case 'CONFIGURATION':
      return 'fix the store options in the config file (see the message)'
    default:
      return 'see the message'
  }
}
