/**
 * Helpers for tests of `GCPSecretStore`: the contract suite's back door on a raw client, the names the
 * store gives secrets, and Secret Manager's own names for the brownfield section.
 */
import type { SecretManagerServiceClient } from '@google-cloud/secret-manager'
import { acceptedName, type BrownfieldName, type ContractBackdoor } from '@secret-store/testkit'
import { parseResourceName, secretManagerId } from '../../src/index.js'
import { text } from './sdk.js'

const NOT_FOUND = 5
const FAILED_PRECONDITION = 9

const codeOf = (err: unknown) => (err as { code?: unknown }).code

/** The secret's full resource name the store uses for `name` (plain ids under `parent`). */
export function resourceOf(name: string, parent: string): string {
  const id = acceptedName(secretManagerId(name))
  return parseResourceName(id) === undefined ? `${parent}/secrets/${id}` : id
}

/**
 * The contract suite's back door: a raw `SecretManagerServiceClient` that applies the store's name
 * mapping. `get` reads `latest` (missing, or latest disabled or destroyed: `undefined`), `set` adds a
 * version (creating the secret first), `remove` deletes the secret, `isRecoverable` looks for disabled
 * versions (needs ListSecretVersions, which the Go emulator lacks).
 */
export function secretManagerBackdoor(
  client: SecretManagerServiceClient,
  parent: string,
): Omit<Required<ContractBackdoor>, 'requestStats' | 'resetRequestStats'> {
  const secretOf = (name: string) => resourceOf(name, parent)
  return {
    async get(name) {
      try {
        const [response] = await client.accessSecretVersion({ name: `${secretOf(name)}/versions/latest` })
        return text(response.payload?.data)
      } catch (err) {
        if (codeOf(err) === NOT_FOUND || codeOf(err) === FAILED_PRECONDITION) return undefined
        throw err
      }
    },
    async set(name, value) {
      const secret = secretOf(name)
      const add = () => client.addSecretVersion({ parent: secret, payload: { data: Buffer.from(value) } })
      try {
        await add()
      } catch (err) {
        if (codeOf(err) !== NOT_FOUND) throw err
        const cut = secret.lastIndexOf('/secrets/')
        const secretParent = secret.slice(0, cut)
        const regional = secretParent.includes('/locations/')
        await client.createSecret({
          parent: secretParent,
          secretId: secret.slice(cut + '/secrets/'.length),
          secret: regional ? {} : { replication: { automatic: {} } },
        })
        await add()
      }
    },
    async remove(name) {
      try {
        await client.deleteSecret({ name: secretOf(name) })
      } catch (err) {
        if (codeOf(err) !== NOT_FOUND) throw err
      }
    },
    async isRecoverable(name) {
      try {
        const [disabled] = await client.listSecretVersions({ parent: secretOf(name), filter: 'state:DISABLED' })
        return disabled.length > 0
      } catch (err) {
        if (codeOf(err) === NOT_FOUND) return false
        throw err
      }
    },
  }
}

/** Secret ids as Secret Manager users write them (console, gcloud, Terraform). */
export const SECRET_MANAGER_IDS: readonly string[] = [
  'DB_PASSWORD',
  'stripe-api-key',
  'my_app__prod__db_url',
  '0-leading-digit',
  '-leading-hyphen',
  '_leading_underscore',
  'x'.repeat(255),
]

/**
 * Brownfield names: the ids above, and full resource names as `gcloud secrets describe` prints them, by
 * project id and by project number (Secret Manager answers with the number).
 */
export function brownfieldNames(
  door: () => Promise<Pick<ContractBackdoor, 'set'>>,
  projects: { id: string; number?: string },
): Array<string | BrownfieldName> {
  const byResourceName = (project: string, label: string): BrownfieldName => ({
    label,
    async create(value) {
      const name = `projects/${project}/secrets/brownfield-${label.replace(/\W+/g, '-')}-${Date.now().toString(36)}`
      await (await door()).set(name, value)
      return name
    },
  })
  const names: Array<string | BrownfieldName> = [
    ...SECRET_MANAGER_IDS,
    byResourceName(projects.id, 'a full resource name projects/<id>/secrets/<secret>'),
  ]
  if (projects.number) {
    names.push(byResourceName(projects.number, 'a full resource name by project number'))
  }
  return names
}

/** Names that pass core's safety rule but break a Secret Manager rule (for a global store in `project`). */
export function invalidNames(project: string): string[] {
  return [
    'has.dot',
    'app/db-url',
    'a:b',
    'a b',
    'ümlaut',
    'x'.repeat(256),
    'tenant:acme--corp:key',
    'tenant:acme-:key',
    'tenant:acme:a.b',
    'tenant:acme:',
    `projects/${project}/secrets/bad.id`,
    `projects/${project}/secrets/s/versions/1.0`,
    `projects/${project}/locations/europe-west3/secrets/regional`,
    `projects/${project}/secrets/`,
  ]
}
