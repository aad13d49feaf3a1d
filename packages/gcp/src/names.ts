import type { BackendName } from '@secret-store/core'
import { parseTenantName } from '@secret-store/core/adapter'

/** Secret Manager's longest secret id. */
export const SECRET_ID_MAX_LENGTH = 255

const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/
// No leading, trailing or doubled hyphen, so the `--` after it is found again unambiguously.
const TENANT = /^[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*$/
/**
 * `projects/{project}[/locations/{location}]/secrets/{secret}[/versions/{version}]`, as the console and
 * `gcloud` print them. A project is its id (domain-scoped ones too: `example.com:my-project`) or number.
 */
const RESOURCE_NAME =
  /^projects\/([a-z0-9][a-z0-9.:-]{0,99})(?:\/locations\/([a-z0-9-]{1,63}))?\/secrets\/([A-Za-z0-9_-]{1,255})(?:\/versions\/([A-Za-z0-9_-]{1,63}))?$/

const RULE =
  'Secret Manager secret ids are 1 to 255 letters, digits, _ and - (or a full resource name projects/<project>/secrets/<id>, and the tenant:<tenant>:<name> form is stored as tenant--<tenant>--<name>)'
const TENANT_RULE =
  'on Secret Manager a tenant id is letters, digits and _ with single inner hyphens, so that the -- after it ends it'

/** A full Secret Manager resource name, taken apart. */
export interface SecretResourceName {
  project: string
  /** `undefined` for a global secret. */
  location: string | undefined
  secretId: string
  /** A version number or alias (`latest` too), when the name pins one. */
  version: string | undefined
}

/** The parts of a full resource name, or `undefined` for anything else. */
export function parseResourceName(name: string): SecretResourceName | undefined {
  const match = RESOURCE_NAME.exec(name)
  if (match === null) return undefined
  const [, project, location, secretId, version] = match
  return { project: project as string, location, secretId: secretId as string, version }
}

/**
 * The Secret Manager id for a name, as the console shows it:
 *
 * - a secret id Secret Manager accepts (`^[A-Za-z0-9_-]{1,255}$`) goes out verbatim. Ids are
 *   case-sensitive: `ApiKey` and `apikey` are two secrets;
 * - a full resource name (`projects/p/secrets/s`, `projects/p/locations/l/secrets/s`, either with
 *   `/versions/<version>`) goes out verbatim and addresses that secret (and version);
 * - the handbook's tenant form `tenant:<tenant>:<name>` becomes `tenant--<tenant>--<name>`, for tenant
 *   ids of letters, digits and `_` with single inner hyphens (`acme`, `acme-corp`, `acme_eu`). The tenant
 *   id holds no `--` and does not end in `-`, so the first `--` after it ends it: two tenants never share
 *   a secret;
 * - anything else (`.`, `/`, another `:`, a space, over 255 characters) is refused with Secret Manager's rule.
 *
 * @example
 * secretManagerId('payment-api-key') // 'payment-api-key'
 * secretManagerId('tenant:acme:stripeApiKey') // 'tenant--acme--stripeApiKey'
 * secretManagerId('projects/shared/secrets/db/versions/3') // 'projects/shared/secrets/db/versions/3'
 */
export function secretManagerId(name: string): BackendName {
  if (SECRET_ID.test(name) || RESOURCE_NAME.test(name)) return name
  const tenant = parseTenantName(name)
  if (tenant === undefined) return { invalid: RULE }
  if (!TENANT.test(tenant.tenant)) return { invalid: TENANT_RULE }
  const mapped = `tenant--${tenant.tenant}--${tenant.name}`
  return tenant.name !== '' && SECRET_ID.test(mapped) ? mapped : { invalid: RULE }
}
