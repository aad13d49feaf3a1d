import { SecretManagerServiceClient } from '@google-cloud/secret-manager'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { crc32c } from './support/crc32c.js'
import { codeOf, grpcFailure, text } from './support/sdk.js'
import { type FakeSecretManager, startSecretManagerFake } from './support/secret-manager-fake.js'

// The fake itself, checked through the official client against the Secret Manager behaviour an
// adapter relies on.
let fake: FakeSecretManager
let client: SecretManagerServiceClient

beforeAll(async () => {
  fake = await startSecretManagerFake()
  client = new SecretManagerServiceClient(fake.clientOptions())
})
afterEach(() => {
  fake.reset()
})
afterAll(async () => {
  await client?.close()
  await fake?.stop()
})

const NOT_FOUND = 5
const ALREADY_EXISTS = 6
const FAILED_PRECONDITION = 9
const INVALID_ARGUMENT = 3
const UNIMPLEMENTED = 12

const PROJECT = 'projects/test-project'
const REGION = `${PROJECT}/locations/europe-west3`
const AUTOMATIC = { replication: { automatic: {} } }

async function createSecret(id: string, parent = PROJECT) {
  const [secret] = await client.createSecret({ parent, secretId: id, secret: parent === PROJECT ? AUTOMATIC : {} })
  return secret.name as string
}

async function addVersion(secret: string, value: string, dataCrc32c?: number) {
  const data = Buffer.from(value)
  const [version] = await client.addSecretVersion({ parent: secret, payload: { data, dataCrc32c } })
  return version
}

async function access(name: string) {
  const [response] = await client.accessSecretVersion({ name })
  return response
}

describe('the Secret Manager fake, through SecretManagerServiceClient', () => {
  it('creates a secret with automatic or user-managed replication, and refuses a second one of that name', async () => {
    const [automatic] = await client.createSecret({
      parent: PROJECT,
      secretId: 'db-password',
      secret: { ...AUTOMATIC, labels: { team: 'core' } },
    })
    expect(automatic.name).toBe(`${PROJECT}/secrets/db-password`)
    expect(automatic.replication?.automatic).toBeTruthy()
    expect(automatic.labels).toEqual({ team: 'core' })
    expect(automatic.etag).toMatch(/^"[0-9a-f]+"$/)
    expect(Number(automatic.createTime?.seconds)).toBeGreaterThan(1_700_000_000)

    const [userManaged] = await client.createSecret({
      parent: PROJECT,
      secretId: 'pinned',
      secret: { replication: { userManaged: { replicas: [{ location: 'europe-west1' }, { location: 'us-east1' }] } } },
    })
    expect(userManaged.replication?.userManaged?.replicas?.map((r) => r.location)).toEqual(['europe-west1', 'us-east1'])

    const [fetched] = await client.getSecret({ name: automatic.name })
    expect(fetched).toMatchObject({ name: automatic.name, etag: automatic.etag, labels: { team: 'core' } })

    const again = await grpcFailure(
      client.createSecret({ parent: PROJECT, secretId: 'db-password', secret: AUTOMATIC }),
    )
    expect(again.code).toBe(ALREADY_EXISTS)
    expect(again.details).toBe(`Secret [${PROJECT}/secrets/db-password] already exists.`)
  })

  it('accepts secret ids of [A-Za-z0-9_-]{1,255} only, and needs a replication policy for a global secret', async () => {
    await createSecret(`Az09_-${'x'.repeat(249)}`)
    for (const secretId of ['', 'has.dot', 'has/slash', 'x'.repeat(256), 'ümlaut']) {
      expect(await codeOf(client.createSecret({ parent: PROJECT, secretId, secret: AUTOMATIC }))).toBe(INVALID_ARGUMENT)
    }
    expect(await codeOf(client.createSecret({ parent: PROJECT, secretId: 'no-policy', secret: {} }))).toBe(
      INVALID_ARGUMENT,
    )
    const noReplicas = { replication: { userManaged: { replicas: [] } } }
    expect(await codeOf(client.createSecret({ parent: PROJECT, secretId: 'r', secret: noReplicas }))).toBe(
      INVALID_ARGUMENT,
    )
    expect(await codeOf(client.createSecret({ parent: 'project/x', secretId: 'ok', secret: AUTOMATIC }))).toBe(
      INVALID_ARGUMENT,
    )
    expect([...fake.secrets.keys()]).toEqual([`${PROJECT}/secrets/Az09_-${'x'.repeat(249)}`])
  })

  it('adds numbered versions and serves latest and pinned ones, each with its CRC32C', async () => {
    const secret = await createSecret('api-key')
    const first = await addVersion(secret, 'one')
    expect(first).toMatchObject({
      name: `${secret}/versions/1`,
      state: 'ENABLED',
      clientSpecifiedPayloadChecksum: false,
    })
    expect(first.replicationStatus?.automatic).toBeTruthy()
    await addVersion(secret, 'two')

    const latest = await access(`${secret}/versions/latest`)
    expect(latest.name).toBe(`${secret}/versions/2`)
    expect(text(latest.payload?.data)).toBe('two')
    // int64 comes back as a decimal string.
    expect(latest.payload?.dataCrc32c).toBe(String(crc32c(Buffer.from('two'))))

    const pinned = await access(`${secret}/versions/1`)
    expect(text(pinned.payload?.data)).toBe('one')
    expect(Number(pinned.payload?.dataCrc32c)).toBe(crc32c(Buffer.from('one')))

    const [meta] = await client.getSecretVersion({ name: `${secret}/versions/latest` })
    expect(meta).toMatchObject({ name: `${secret}/versions/2`, state: 'ENABLED' })
  })

  it('round-trips binary payloads byte for byte', async () => {
    const secret = await createSecret('binary')
    const data = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
    await client.addSecretVersion({ parent: secret, payload: { data } })
    const response = await access(`${secret}/versions/1`)
    expect(Buffer.from(response.payload?.data as Uint8Array).equals(data)).toBe(true)
  })

  it('verifies a client-supplied data_crc32c and stores nothing when it does not match', async () => {
    const secret = await createSecret('checked')
    const good = await addVersion(secret, 'payload', crc32c(Buffer.from('payload')))
    expect(good.clientSpecifiedPayloadChecksum).toBe(true)

    const bad = await grpcFailure(
      client.addSecretVersion({ parent: secret, payload: { data: Buffer.from('payload'), dataCrc32c: 12345 } }),
    )
    expect(bad.code).toBe(INVALID_ARGUMENT)
    expect(bad.details).toMatch(/checksum/i)
    expect(fake.secrets.get(secret)?.versions).toHaveLength(1)
  })

  it('accepts payloads of 1 byte to 64 KiB', async () => {
    const secret = await createSecret('sized')
    const max = Buffer.alloc(64 * 1024, 'a')
    await client.addSecretVersion({ parent: secret, payload: { data: max } })
    const tooLarge = Buffer.alloc(64 * 1024 + 1, 'a')
    expect(await codeOf(client.addSecretVersion({ parent: secret, payload: { data: tooLarge } }))).toBe(
      INVALID_ARGUMENT,
    )
    expect(await codeOf(client.addSecretVersion({ parent: secret, payload: { data: Buffer.alloc(0) } }))).toBe(
      INVALID_ARGUMENT,
    )
    expect(await codeOf(client.addSecretVersion({ parent: secret }))).toBe(INVALID_ARGUMENT)
    expect(text((await access(`${secret}/versions/latest`)).payload?.data)).toHaveLength(64 * 1024)
  })

  it('answers NOT_FOUND for a missing secret, a missing version, and latest of a secret without versions', async () => {
    const missing = `${PROJECT}/secrets/missing`
    expect(await codeOf(client.getSecret({ name: missing }))).toBe(NOT_FOUND)
    expect(await codeOf(client.deleteSecret({ name: missing }))).toBe(NOT_FOUND)
    expect(await codeOf(client.accessSecretVersion({ name: `${missing}/versions/latest` }))).toBe(NOT_FOUND)
    expect(await codeOf(client.accessSecretVersion({ name: `${missing}/versions/1` }))).toBe(NOT_FOUND)
    expect(await codeOf(addVersion(missing, 'v'))).toBe(NOT_FOUND)
    expect(await codeOf(client.listSecretVersions({ parent: missing }))).toBe(NOT_FOUND)

    const empty = await createSecret('empty')
    const noVersions = await grpcFailure(client.accessSecretVersion({ name: `${empty}/versions/latest` }))
    expect(noVersions.code).toBe(NOT_FOUND)
    expect(noVersions.details).toBe(`Secret [${empty}] not found or has no versions.`)
    await addVersion(empty, 'v')
    expect(await codeOf(client.accessSecretVersion({ name: `${empty}/versions/2` }))).toBe(NOT_FOUND)
    expect(await codeOf(client.getSecretVersion({ name: `${empty}/versions/0` }))).toBe(NOT_FOUND)
    expect(await codeOf(client.accessSecretVersion({ name: `${empty}/versions/no.such` }))).toBe(INVALID_ARGUMENT)
  })

  it('makes latest fail with FAILED_PRECONDITION while the newest version is disabled or destroyed', async () => {
    const secret = await createSecret('rotated')
    await addVersion(secret, 'old')
    await addVersion(secret, 'new')

    const [disabled] = await client.disableSecretVersion({ name: `${secret}/versions/2` })
    expect(disabled.state).toBe('DISABLED')
    const latest = await grpcFailure(client.accessSecretVersion({ name: `${secret}/versions/latest` }))
    expect(latest.code).toBe(FAILED_PRECONDITION)
    expect(latest.details).toBe(`Secret Version [${secret}/versions/2] is in DISABLED state.`)
    // No fallback to the older version; pinned access to it still works.
    expect(text((await access(`${secret}/versions/1`)).payload?.data)).toBe('old')

    const [enabled] = await client.enableSecretVersion({ name: `${secret}/versions/2` })
    expect(enabled.state).toBe('ENABLED')
    expect(text((await access(`${secret}/versions/latest`)).payload?.data)).toBe('new')

    const [destroyed] = await client.destroySecretVersion({ name: `${secret}/versions/2` })
    expect(destroyed.state).toBe('DESTROYED')
    expect(destroyed.destroyTime).toBeTruthy()
    expect(fake.secrets.get(secret)?.versions[1]?.data).toBeUndefined()
    expect(await codeOf(client.accessSecretVersion({ name: `${secret}/versions/latest` }))).toBe(FAILED_PRECONDITION)
    expect(await codeOf(client.accessSecretVersion({ name: `${secret}/versions/2` }))).toBe(FAILED_PRECONDITION)
    const [meta] = await client.getSecretVersion({ name: `${secret}/versions/latest` })
    expect(meta.state).toBe('DESTROYED')

    const name = `${secret}/versions/2`
    expect(await codeOf(client.enableSecretVersion({ name }))).toBe(FAILED_PRECONDITION)
    expect(await codeOf(client.disableSecretVersion({ name }))).toBe(FAILED_PRECONDITION)
    expect(await codeOf(client.destroySecretVersion({ name }))).toBe(FAILED_PRECONDITION)
    // The alias is documented for Get and Access only.
    expect(await codeOf(client.disableSecretVersion({ name: `${secret}/versions/latest` }))).toBe(INVALID_ARGUMENT)
    // A new version becomes latest again, with a number never used before.
    expect((await addVersion(secret, 'newer')).name).toBe(`${secret}/versions/3`)
    expect(text((await access(`${secret}/versions/latest`)).payload?.data)).toBe('newer')
  })

  it('lists versions newest first, filtered by state, a page at a time', async () => {
    const secret = await createSecret('listed')
    for (const value of ['v1', 'v2', 'v3', 'v4', 'v5']) await addVersion(secret, value)
    await client.disableSecretVersion({ name: `${secret}/versions/2` })
    await client.destroySecretVersion({ name: `${secret}/versions/4` })

    const [all] = await client.listSecretVersions({ parent: secret })
    expect(all.map((v) => [v.name?.split('/').pop(), v.state])).toEqual([
      ['5', 'ENABLED'],
      ['4', 'DESTROYED'],
      ['3', 'ENABLED'],
      ['2', 'DISABLED'],
      ['1', 'ENABLED'],
    ])
    const [enabled] = await client.listSecretVersions({ parent: secret, filter: 'state:ENABLED' })
    expect(enabled.map((v) => v.name?.split('/').pop())).toEqual(['5', '3', '1'])

    const [page1, next, raw] = await client.listSecretVersions(
      { parent: secret, pageSize: 2, filter: 'state:ENABLED' },
      { autoPaginate: false },
    )
    expect(page1.map((v) => v.name?.split('/').pop())).toEqual(['5', '3'])
    expect(raw.totalSize).toBe(3)
    expect(next?.pageToken).toBeTruthy()
    const [page2, last] = await client.listSecretVersions(next ?? {}, { autoPaginate: false })
    expect(page2.map((v) => v.name?.split('/').pop())).toEqual(['1'])
    expect(last).toBeNull()

    expect(await codeOf(client.listSecretVersions({ parent: secret, pageToken: 'bogus' }))).toBe(INVALID_ARGUMENT)
    expect(await codeOf(client.listSecretVersions({ parent: secret, filter: 'create_time>2020' }))).toBe(UNIMPLEMENTED)
  })

  it('checks etags on delete and on version state changes; every change renews its own etag', async () => {
    const secret = await createSecret('etagged')
    const version = await addVersion(secret, 'v')
    const [{ etag: secretEtag }] = await client.getSecret({ name: secret })

    // A no-op enable still renews the version's etag, and leaves the secret's alone.
    const [enabled] = await client.enableSecretVersion({ name: version.name, etag: version.etag })
    expect(enabled.etag).not.toBe(version.etag)
    expect((await client.getSecret({ name: secret }))[0].etag).toBe(secretEtag)
    expect(await codeOf(client.disableSecretVersion({ name: version.name, etag: version.etag }))).toBe(
      FAILED_PRECONDITION,
    )
    await client.disableSecretVersion({ name: version.name, etag: enabled.etag })

    expect(await codeOf(client.deleteSecret({ name: secret, etag: '"stale"' }))).toBe(FAILED_PRECONDITION)
    await client.deleteSecret({ name: secret, etag: secretEtag })
    expect(fake.secrets.has(secret as string)).toBe(false)
  })

  it('deletes a secret with all its versions; a new secret of that name starts again at version 1', async () => {
    const secret = await createSecret('recreated')
    await addVersion(secret, 'a')
    await addVersion(secret, 'b')
    await client.deleteSecret({ name: secret })

    expect(await codeOf(client.getSecret({ name: secret }))).toBe(NOT_FOUND)
    expect(await codeOf(client.accessSecretVersion({ name: `${secret}/versions/1` }))).toBe(NOT_FOUND)
    expect(fake.secrets.size).toBe(0)

    await createSecret('recreated')
    expect((await addVersion(secret, 'c')).name).toBe(`${secret}/versions/1`)
  })

  it('serves regional secrets apart from global ones of the same id', async () => {
    const regional = await createSecret('shared-id', REGION)
    const global = await createSecret('shared-id')
    expect(regional).toBe(`${REGION}/secrets/shared-id`)

    const [meta] = await client.getSecret({ name: regional })
    expect(meta.replication).toBeNull()
    const version = await addVersion(regional, 'regional value')
    expect(version.name).toBe(`${REGION}/secrets/shared-id/versions/1`)
    await addVersion(global, 'global value')
    expect(text((await access(`${regional}/versions/latest`)).payload?.data)).toBe('regional value')
    expect(text((await access(`${global}/versions/latest`)).payload?.data)).toBe('global value')

    // A regional secret takes no replication policy.
    expect(await codeOf(client.createSecret({ parent: REGION, secretId: 'replicated', secret: AUTOMATIC }))).toBe(
      INVALID_ARGUMENT,
    )
    const [globals] = await client.listSecrets({ parent: PROJECT })
    const [regionals] = await client.listSecrets({ parent: REGION })
    expect(globals.map((s) => s.name)).toEqual([global])
    expect(regionals.map((s) => s.name)).toEqual([regional])
  })

  it('lists the secrets of one parent, a page at a time', async () => {
    for (const id of ['c', 'a', 'b']) await createSecret(id)
    const [page1, next, raw] = await client.listSecrets({ parent: PROJECT, pageSize: 2 }, { autoPaginate: false })
    expect(page1.map((s) => s.name)).toEqual([`${PROJECT}/secrets/a`, `${PROJECT}/secrets/b`])
    expect(raw.totalSize).toBe(3)
    const [page2, last] = await client.listSecrets(next ?? {}, { autoPaginate: false })
    expect(page2.map((s) => s.name)).toEqual([`${PROJECT}/secrets/c`])
    expect(last).toBeNull()
    const ids: string[] = []
    // autoPaginate: false only silences the client's warning; the iterator fetches every page anyway.
    const iterator = client.listSecretsAsync({ parent: PROJECT, pageSize: 1 }, { autoPaginate: false })
    for await (const secret of iterator) ids.push(secret.name ?? '')
    expect(ids).toHaveLength(3)
    expect((await client.listSecrets({ parent: 'projects/other' }))[0]).toEqual([])
  })

  it('answers UNIMPLEMENTED for RPCs it does not model', async () => {
    const secret = await createSecret('untouched')
    const failure = await grpcFailure(
      client.updateSecret({ secret: { name: secret, labels: { a: 'b' } }, updateMask: { paths: ['labels'] } }),
    )
    expect(failure.code).toBe(UNIMPLEMENTED)
    expect(failure.details).toBe('The Secret Manager fake does not implement UpdateSecret.')
    expect(fake.requests.at(-1)).toEqual({ method: 'UpdateSecret', name: secret, code: UNIMPLEMENTED })
  })
})

describe('the Secret Manager fake with project numbers', () => {
  it('names the project by number in responses, as Secret Manager does, and accepts either form', async () => {
    const numbered = await startSecretManagerFake({ projectNumbers: { 'my-project': '123456789012' } })
    const numberedClient = new SecretManagerServiceClient(numbered.clientOptions())
    try {
      const [secret] = await numberedClient.createSecret({
        parent: 'projects/my-project',
        secretId: 's',
        secret: AUTOMATIC,
      })
      expect(secret.name).toBe('projects/123456789012/secrets/s')
      await numberedClient.addSecretVersion({ parent: 'projects/my-project/secrets/s', payload: { data: 'dg==' } })
      const [byId] = await numberedClient.accessSecretVersion({ name: 'projects/my-project/secrets/s/versions/latest' })
      const [byNumber] = await numberedClient.accessSecretVersion({ name: `${secret.name}/versions/1` })
      expect(byId.name).toBe('projects/123456789012/secrets/s/versions/1')
      expect(text(byNumber.payload?.data)).toBe('v')
    } finally {
      await numberedClient.close()
      await numbered.stop()
    }
  })
})
