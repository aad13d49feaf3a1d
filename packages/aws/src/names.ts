import type { BackendName } from '@secret-store/core'
import { parseTenantName } from '@secret-store/core/adapter'

/** AWS Secrets Manager's longest secret name. */
export const AWS_SECRET_NAME_MAX_LENGTH = 512

// Letters, digits and /_+=.@- as the console allows, plus the `!` of AWS-managed secrets (`rds!db-…`).
export const AWS_NAME = /^[A-Za-z0-9/_+=.@!-]{1,512}$/
const AWS_ARN = /^arn:aws(?:-[a-z]+)*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@!-]{1,519}$/

const RULE =
  'AWS Secrets Manager names are 1 to 512 letters, digits and /_+=.@-! (a ":" only inside a full secret ARN or the tenant:<tenant>:<name> form)'

/** Whether `id` is a full Secrets Manager secret ARN. */
export const isSecretArn = (id: string): boolean => AWS_ARN.test(id)

/**
 * The `SecretId` for a name, as the AWS console shows it:
 *
 * - a name AWS accepts goes out verbatim (`/prod/app/db-password`, `rds!db-1a2b3c`, `svc@example`);
 * - a full secret ARN goes out verbatim and addresses the secret by ARN for every operation;
 * - the handbook's tenant form `tenant:<tenant>:<name>` becomes `tenant/<tenant>/<name>`, the folder
 *   style AWS users already use. Tenant ids never contain `/`, so two tenants never share a secret;
 * - anything else (another `:`, a space, a name over 512 characters) is refused with AWS's rule.
 *
 * @example
 * awsSecretId('tenant:acme:stripeApiKey') // 'tenant/acme/stripeApiKey'
 * awsSecretId('/prod/app/db-password') // '/prod/app/db-password'
 */
export function awsSecretId(name: string): BackendName {
  if (AWS_NAME.test(name) || AWS_ARN.test(name)) return name
  const tenant = parseTenantName(name)
  if (tenant !== undefined) {
    const mapped = `tenant/${tenant.tenant}/${tenant.name}`
    if (tenant.name !== '' && AWS_NAME.test(mapped)) return mapped
  }
  return { invalid: RULE }
}
