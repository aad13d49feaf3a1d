/**
 * One sequence of Secret Manager calls, limited to what the Go emulator implements (Create, Get,
 * List and Delete secret; Add, Get and Access version), run through the official client against a
 * backend. It returns what a caller can observe (names, states, values, error codes) and leaves out
 * what legitimately differs between servers (timestamps, etags, error messages).
 */
import type { SecretManagerServiceClient } from '@google-cloud/secret-manager'
import { crc32c } from './crc32c.js'
import { text } from './sdk.js'

export type Outcome = { ok: unknown } | { code: unknown }

export interface Observation {
  step: string
  outcome: Outcome
}

const PROJECT = 'projects/crosscheck'
const REGION = `${PROJECT}/locations/us-central1`
const CONFIG = `${PROJECT}/secrets/app-config`
const PINNED = `${PROJECT}/secrets/pinned`
const REGIONAL = `${REGION}/secrets/app-config`
const MISSING = `${PROJECT}/secrets/missing`
const AUTOMATIC = { replication: { automatic: {} } }
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i))

/** What a call resolved with, or the gRPC code it failed with. */
export async function observe(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await call() }
  } catch (err) {
    return { code: (err as { code?: unknown }).code }
  }
}

export async function runCrosscheckScenario(client: SecretManagerServiceClient): Promise<Observation[]> {
  const observations: Observation[] = []
  const step = async (label: string, call: () => Promise<unknown>): Promise<void> => {
    observations.push({ step: label, outcome: await observe(call) })
  }

  const create = async (parent: string, secretId: string, secret: object) => {
    const [created] = await client.createSecret({ parent, secretId, secret })
    return { name: created.name, replication: replicationOf(created.replication) }
  }
  const get = async (name: string) => {
    const [secret] = await client.getSecret({ name })
    return { name: secret.name, replication: replicationOf(secret.replication) }
  }
  const add = async (parent: string, data: Buffer, withChecksum = false) => {
    const payload = withChecksum ? { data, dataCrc32c: crc32c(data) } : { data }
    const [version] = await client.addSecretVersion({ parent, payload })
    return { name: version.name, state: version.state }
  }
  const access = async (name: string) => {
    const [response] = await client.accessSecretVersion({ name })
    const data = response.payload?.data
    return { name: response.name, value: text(data), bytes: data ? Buffer.from(data).toString('base64') : undefined }
  }
  const version = async (name: string) => {
    const [meta] = await client.getSecretVersion({ name })
    return { name: meta.name, state: meta.state }
  }
  const list = async (parent: string) => {
    const [secrets] = await client.listSecrets({ parent })
    // The Go emulator lists in map order: compare as sorted sets.
    return secrets.map((s) => s.name).sort()
  }
  const remove = async (name: string) => {
    await client.deleteSecret({ name })
    return 'deleted'
  }

  await step('create a global secret', () => create(PROJECT, 'app-config', AUTOMATIC))
  await step('create it again', () => create(PROJECT, 'app-config', AUTOMATIC))
  await step('create a user-managed secret', () =>
    create(PROJECT, 'pinned', { replication: { userManaged: { replicas: [{ location: 'europe-west1' }] } } }),
  )
  await step('get the secret', () => get(CONFIG))
  await step('get a missing secret', () => get(MISSING))
  await step('access latest before any version', () => access(`${CONFIG}/versions/latest`))
  await step('add version 1', () => add(CONFIG, Buffer.from('one')))
  await step('add version 2 with its CRC32C', () => add(CONFIG, Buffer.from('two'), true))
  await step('access latest', () => access(`${CONFIG}/versions/latest`))
  await step('access version 1', () => access(`${CONFIG}/versions/1`))
  await step('access version 3', () => access(`${CONFIG}/versions/3`))
  await step('access an unknown alias', () => access(`${CONFIG}/versions/stable`))
  await step('get version latest', () => version(`${CONFIG}/versions/latest`))
  await step('get version 1', () => version(`${CONFIG}/versions/1`))
  await step('get version 9', () => version(`${CONFIG}/versions/9`))
  await step('add to a missing secret', () => add(MISSING, Buffer.from('x')))
  await step('access a missing secret', () => access(`${MISSING}/versions/1`))
  await step('add every byte value', () => add(PINNED, ALL_BYTES))
  await step('access every byte value', () => access(`${PINNED}/versions/latest`))
  await step('add 64 KiB', () => add(PINNED, Buffer.alloc(64 * 1024, 'z')))
  await step('access 64 KiB', async () => (await access(`${PINNED}/versions/2`)).value?.length)
  // Only the name: the Go emulator gives regional secrets an automatic replication policy, which real
  // regional secrets do not have (listed as a departure in the cross-check test).
  await step('create a regional secret', async () => (await create(REGION, 'app-config', {})).name)
  await step('add a regional version', () => add(REGIONAL, Buffer.from('regional')))
  await step('access the regional version', () => access(`${REGIONAL}/versions/latest`))
  await step('global value unchanged', () => access(`${CONFIG}/versions/latest`))
  await step('list global secrets', () => list(PROJECT))
  await step('list regional secrets', () => list(REGION))
  await step('list another project', () => list('projects/empty'))
  await step('delete the secret', () => remove(CONFIG))
  await step('get it after delete', () => get(CONFIG))
  await step('access it after delete', () => access(`${CONFIG}/versions/1`))
  await step('delete it again', () => remove(CONFIG))
  await step('the regional one survives', () => access(`${REGIONAL}/versions/1`))
  await step('recreate it', () => create(PROJECT, 'app-config', AUTOMATIC))
  await step('its versions start at 1 again', () => add(CONFIG, Buffer.from('three')))
  await step('access the new latest', () => access(`${CONFIG}/versions/latest`))
  return observations
}

/** `'automatic'`, `{ userManaged: [locations] }` or `'none'`. */
export function replicationOf(
  replication: { automatic?: unknown; userManaged?: { replicas?: unknown[] | null } | null } | null | undefined,
) {
  if (!replication) return 'none'
  if (replication.automatic) return 'automatic'
  return { userManaged: (replication.userManaged?.replicas ?? []).map((r) => (r as { location?: string }).location) }
}
