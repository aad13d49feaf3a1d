import type { BackendName } from '@secret-store/core'
import { parseTenantName } from '@secret-store/core/adapter'

/** Key Vault's limit on secret names. */
export const KEY_VAULT_NAME_MAX_LENGTH = 127

const KEY_VAULT_NAME = /^[0-9A-Za-z-]{1,127}$/
// Lower case, because Key Vault ignores case: `Acme` and `acme` would share every secret.
// No leading, trailing or doubled hyphen, so the `--` around it is found again unambiguously.
const KEY_VAULT_TENANT = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

const RULE =
  'Key Vault names are 1 to 127 letters, digits and - (the tenant:<tenant>:<name> form is stored as tenant--<tenant>--<name>)'
const TENANT_RULE =
  'on Key Vault a tenant id is lower-case letters and digits with single inner hyphens, because Key Vault names ignore case'

/**
 * The Key Vault name for a name, as the portal shows it:
 *
 * - a name Key Vault accepts (`^[0-9A-Za-z-]{1,127}$`) goes out verbatim. Key Vault compares names
 *   case-insensitively: `ApiKey` and `apikey` are one secret;
 * - the handbook's tenant form `tenant:<tenant>:<name>` becomes `tenant--<tenant>--<name>`, for tenant
 *   ids of lower-case letters and digits with single inner hyphens (`acme`, `acme-corp`). The tenant id
 *   holds no `--` and no capital, so the first `--` after it ends it: two tenants never share a secret;
 * - anything else (`_`, `.`, `/`, another `:`, over 127 characters) is refused with Key Vault's rule.
 *
 * @example
 * keyVaultName('payment-api-key') // 'payment-api-key'
 * keyVaultName('tenant:acme:stripeApiKey') // 'tenant--acme--stripeApiKey'
 */
export function keyVaultName(name: string): BackendName {
  if (KEY_VAULT_NAME.test(name)) return name
  const tenant = parseTenantName(name)
  if (tenant === undefined) return { invalid: RULE }
  if (!KEY_VAULT_TENANT.test(tenant.tenant)) return { invalid: TENANT_RULE }
  const mapped = `tenant--${tenant.tenant}--${tenant.name}`
  return tenant.name !== '' && KEY_VAULT_NAME.test(mapped) ? mapped : { invalid: RULE }
}
