import { SecretManagerServiceClient } from '@google-cloud/secret-manager'
import {
  ConfigurationError,
  InvalidSecretNameError,
  type SecretStoreError,
  UnavailableError,
  UnknownSecretStoreError,
} from '@secret-store/core'
import { recordingLogger, rejectionOf } from '@secret-store/testkit'
import { describe, expect, it, vi } from 'vitest'
import { GCPSecretStore, type GCPSecretStoreOptions, GoogleSecretStore, IntegrityError } from '../src/index.js'
import { createClient, resolveSettings } from '../src/settings.js'
import { crc32c } from './support/crc32c.js'
import { useSecretManagerFake } from './support/per-file.js'

// GCPSecretStore on the loopback fake, through the real SDK: what the store sends and what it makes of
// Secret Manager's answers, beyond the shared contract suite.
const PROJECT = 'test-project'
const REGION = 'europe-west3'

const sm = useSecretManagerFake<GCPSecretStore>(PROJECT)
const { stores } = sm

type Overrides = Partial<Omit<GCPSecretStoreOptions, 'client' | 'clientOptions'>> & {
  client?: SecretManagerServiceClient
}

function store(overrides: Overrides = {}): GCPSecretStore {
  const base = { projectId: PROJECT, enableSet: true, enableRemove: true, cache: false as const }
  const created = new GCPSecretStore(
    overrides.client === undefined
      ? ({ ...base, clientOptions: sm.fake.clientOptions(), ...overrides, client: undefined } as GCPSecretStoreOptions)
      : ({ ...base, ...overrides } as GCPSecretStoreOptions),
  )
  stores.push(created)
  return created
}

const secretOf = (id: string, parent = `projects/${PROJECT}`) => `${parent}/secrets/${id}`
const states = (id: string, parent?: string) => sm.fake.secrets.get(secretOf(id, parent))?.versions.map((v) => v.state)
const calls = (method: string) => sm.fake.requests.filter((r) => r.method === method).map((r) => r.name)

async function seed(id: string, ...values: string[]): Promise<void> {
  for (const value of values) await sm.door.set(id, value)
}

describe('reads', () => {
  it('accesses latest, one AccessSecretVersion per cold name however many readers, at most maxConcurrency at once', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `cold-${i}`)
    for (const id of ids) await seed(id, `value-${id}`)
    sm.fake.configure({ latencyMs: 20 })
    const s = store({ cache: {}, maxConcurrency: 4 })
    const results = await Promise.all(Array.from({ length: 50 }, () => s.getSecret(...ids)))
    for (const result of results) expect(result).toEqual(Object.fromEntries(ids.map((id) => [id, `value-${id}`])))
    expect(sm.fake.requestStats()).toEqual({ reads: 10, peakReads: 4 })
    expect(calls('AccessSecretVersion').sort()).toEqual(ids.map((id) => `${secretOf(id)}/versions/latest`).sort())
  })

  it('reads a missing secret, a secret without versions, and a missing pinned version as undefined', async () => {
    await sm.raw.createSecret({
      parent: `projects/${PROJECT}`,
      secretId: 'empty',
      secret: { replication: { automatic: {} } },
    })
    await seed('one', 'v1')
    const s = store()
    expect(await s.getSecret('missing', 'empty', `${secretOf('one')}/versions/7`)).toEqual({
      missing: undefined,
      empty: undefined,
      [`${secretOf('one')}/versions/7`]: undefined,
    })
    expect(sm.fake.requests.map((r) => r.code)).toEqual([5, 5, 5])
  })

  it('reads a disabled or destroyed latest as undefined, without falling back to an older version', async () => {
    await seed('rotated', 'old', 'new')
    const s = store()
    await sm.raw.disableSecretVersion({ name: `${secretOf('rotated')}/versions/2` })
    expect(await s.getSecret('rotated')).toEqual({ rotated: undefined })
    await sm.raw.enableSecretVersion({ name: `${secretOf('rotated')}/versions/2` })
    await sm.raw.destroySecretVersion({ name: `${secretOf('rotated')}/versions/2` })
    expect(await s.getSecret('rotated')).toEqual({ rotated: undefined })
    // Secret Manager's status text said so: no extra request was needed.
    expect(calls('GetSecretVersion')).toEqual([])
    expect(await s.getSecret(`${secretOf('rotated')}/versions/1`)).toEqual({
      [`${secretOf('rotated')}/versions/1`]: 'old',
    })
  })

  it('asks the version state when FAILED_PRECONDITION has other text, and reads undefined only for a disabled version', async () => {
    await seed('cmek', 'value')
    const s = store({ retry: false })
    sm.fake.failNext({ code: 9, details: 'The CMEK key version is not enabled.', method: 'AccessSecretVersion' })
    const error = (await rejectionOf(s.getSecret('cmek'))) as SecretStoreError
    expect(error).toBeInstanceOf(UnknownSecretStoreError)
    expect(error.message).toBe('secret store error: Secret Manager request failed (FAILED_PRECONDITION 9)')
    expect(calls('GetSecretVersion')).toEqual([`${secretOf('cmek')}/versions/latest`])

    await sm.raw.disableSecretVersion({ name: `${secretOf('cmek')}/versions/1` })
    sm.fake.failNext({ code: 9, details: 'Reworded: version 1 cannot be accessed.', method: 'AccessSecretVersion' })
    expect(await s.getSecret('cmek')).toEqual({ cmek: undefined })
    expect(calls('GetSecretVersion')).toHaveLength(2)
  })

  it('reads the configured version or alias, and the version a resource name pins', async () => {
    await seed('pinned', 'one', 'two')
    expect(await store({ version: '1' }).getSecret('pinned')).toEqual({ pinned: 'one' })
    expect(calls('AccessSecretVersion')).toEqual([`${secretOf('pinned')}/versions/1`])
    const byName = `projects/${PROJECT}/secrets/pinned/versions/2`
    expect(await store({ version: '1' }).getSecret(byName)).toEqual({ [byName]: 'two' })
    // The fake has no version aliases: an alias that names nothing reads as missing (NOT_FOUND).
    expect(await store({ version: 'stable' }).getSecret('pinned')).toEqual({ pinned: undefined })
    expect(calls('AccessSecretVersion').at(-1)).toBe(`${secretOf('pinned')}/versions/stable`)
  })

  it('refuses to write or remove through a name that pins a version, before any request', async () => {
    const s = store()
    const name = `${secretOf('pinned')}/versions/3`
    for (const call of [() => s.setSecret(name, 'v'), () => s.removeSecret(name)]) {
      const error = (await rejectionOf(call())) as SecretStoreError
      expect(error).toBeInstanceOf(InvalidSecretNameError)
      expect(error.message).toContain(`the secret ${secretOf('pinned')}`)
    }
    expect(sm.fake.requests).toEqual([])
  })

  it('rejects a payload whose CRC32C does not match with IntegrityError, and never returns or caches the value', async () => {
    const value = 'integrity-checked-value-8a1f'
    await seed('checked', value)
    const s = store({ cache: {} })
    for (const how of ['flip-checksum-bit', 'flip-data-bit'] as const) {
      sm.fake.corruptNextAccess(how)
      const error = (await rejectionOf(s.getSecret('checked'))) as SecretStoreError
      expect(error).toBeInstanceOf(IntegrityError)
      expect(error).toBeInstanceOf(UnknownSecretStoreError)
      expect(error.retryable).toBe(false)
      expect(error.message).toMatch(/CRC32C/)
      expect(JSON.stringify(error) + String(error.stack)).not.toContain(value.slice(0, 10))
    }
    // Not retried, and nothing was cached: the next read goes to Secret Manager again.
    expect(sm.fake.requestStats().reads).toBe(2)
    expect(await s.getSecret('checked')).toEqual({ checked: value })
    expect(sm.fake.requestStats().reads).toBe(3)
  })

  it('refuses an answer without data_crc32c unless requireChecksum is off', async () => {
    await seed('unchecked', 'value')
    sm.fake.corruptNextAccess('omit-checksum')
    const error = (await rejectionOf(store().getSecret('unchecked'))) as SecretStoreError
    expect(error).toBeInstanceOf(IntegrityError)
    expect(error.message).toContain('no data_crc32c')
    sm.fake.corruptNextAccess('omit-checksum')
    expect(await store({ requireChecksum: false }).getSecret('unchecked')).toEqual({ unchecked: 'value' })
    // A checksum that is there is verified even then.
    sm.fake.corruptNextAccess()
    expect(await rejectionOf(store({ requireChecksum: false }).getSecret('unchecked'))).toBeInstanceOf(IntegrityError)
  })

  it('refuses a payload that is not UTF-8 text instead of mangling it', async () => {
    await sm.raw.createSecret({
      parent: `projects/${PROJECT}`,
      secretId: 'binary',
      secret: { replication: { automatic: {} } },
    })
    await sm.raw.addSecretVersion({ parent: secretOf('binary'), payload: { data: Buffer.from([0xff, 0xfe, 0x00]) } })
    const error = (await rejectionOf(store().getSecret('binary'))) as SecretStoreError
    expect(error).toBeInstanceOf(UnknownSecretStoreError)
    expect(error.message).toContain('not UTF-8')
  })
})

describe('writes', () => {
  it('creates a missing secret (automatic replication) and adds exactly one version, with its data_crc32c', async () => {
    await store().setSecret('fresh', 'first value')
    expect(sm.fake.requests.map((r) => [r.method, r.code])).toEqual([
      ['AddSecretVersion', 5],
      ['CreateSecret', 0],
      ['AddSecretVersion', 0],
      ['ListSecretVersions', 0],
    ])
    const stored = sm.fake.secrets.get(secretOf('fresh'))
    expect(stored?.replication).toEqual({ kind: 'automatic' })
    expect(stored?.versions).toHaveLength(1)
    expect(stored?.versions[0]).toMatchObject({ clientChecksum: true, crc32c: crc32c(Buffer.from('first value')) })
  })

  it('creates secrets with user-managed replication and labels when asked', async () => {
    const s = store({
      replication: { userManaged: { replicas: [{ location: 'europe-west1' }, { location: 'europe-west4' }] } },
      labels: { team: 'payments' },
    })
    await s.setSecret('replicated', 'v')
    const stored = sm.fake.secrets.get(secretOf('replicated'))
    expect(stored?.replication).toEqual({ kind: 'user-managed', locations: ['europe-west1', 'europe-west4'] })
    expect(stored?.labels).toEqual({ team: 'payments' })
  })

  it('adds its version once when another writer creates the secret in between', async () => {
    await seed('raced', 'theirs')
    // As if the secret did not exist yet when the store looked: CreateSecret then finds it (ALREADY_EXISTS).
    sm.fake.failNext({ code: 5, method: 'AddSecretVersion' })
    await store({ oldVersions: 'keep' }).setSecret('raced', 'ours')
    expect(sm.fake.requests.map((r) => [r.method, r.code])).toEqual([
      ['AddSecretVersion', 5],
      ['CreateSecret', 6],
      ['AddSecretVersion', 0],
    ])
    expect(await sm.door.get('raced')).toBe('ours')
    expect(sm.fake.secrets.get(secretOf('raced'))?.versions).toHaveLength(2)
  })

  it('never adds a second version when the answer to AddSecretVersion is lost', async () => {
    await seed('lost', 'v1')
    const s = store({ cache: {} })
    sm.fake.inject({ kind: 'cut' }, { match: (r) => r.path === 'AddSecretVersion' })
    const error = (await rejectionOf(s.setSecret('lost', 'v2'))) as SecretStoreError
    expect(error).toBeInstanceOf(UnavailableError)
    expect(calls('AddSecretVersion')).toHaveLength(1)
    // The write landed, only its answer was lost: one new version, and the store does not claim v1.
    expect(states('lost')).toEqual(['ENABLED', 'ENABLED'])
    sm.fake.clear()
    expect(await s.getSecret('lost')).toEqual({ lost: 'v2' })
  })

  it('keeps the newest two versions enabled and disables older ones after each write (the default)', async () => {
    const s = store()
    for (const value of ['v1', 'v2', 'v3', 'v4']) await s.setSecret('hygiene', value)
    expect(states('hygiene')).toEqual(['DISABLED', 'DISABLED', 'ENABLED', 'ENABLED'])
    expect(calls('DisableSecretVersion')).toEqual([
      `${secretOf('hygiene')}/versions/1`,
      `${secretOf('hygiene')}/versions/2`,
    ])
    // Disabled, not destroyed: an operator can bring a version back.
    expect(sm.fake.secrets.get(secretOf('hygiene'))?.versions[0]?.data?.toString()).toBe('v1')
  })

  it('destroys old versions with oldVersions: destroy, and leaves them alone with keep', async () => {
    const destroying = store({ oldVersions: 'destroy', keepVersions: 1 })
    for (const value of ['v1', 'v2', 'v3']) await destroying.setSecret('destroyed', value)
    expect(states('destroyed')).toEqual(['DESTROYED', 'DESTROYED', 'ENABLED'])
    expect(sm.fake.secrets.get(secretOf('destroyed'))?.versions[0]?.data).toBeUndefined()

    const keeping = store({ oldVersions: 'keep' })
    for (const value of ['v1', 'v2', 'v3']) await keeping.setSecret('kept', value)
    expect(states('kept')).toEqual(['ENABLED', 'ENABLED', 'ENABLED'])
    expect(calls('ListSecretVersions').filter((name) => name === secretOf('kept'))).toEqual([])
  })

  it('does not fail a write whose old versions cannot be disabled; without permission it stops trying', async () => {
    const logger = recordingLogger()
    const { lines } = logger
    const s = store({ logger, keepVersions: 1 })
    await s.setSecret('managed', 'v1')
    sm.fake.failNext({ code: 14, method: 'DisableSecretVersion' })
    await expect(s.setSecret('managed', 'v2')).resolves.toBeUndefined()
    expect(states('managed')).toEqual(['ENABLED', 'ENABLED'])
    const warnings = () => lines.filter((line) => line.level === 'warn')
    expect(warnings()).toHaveLength(1)
    expect(warnings()[0]).toMatchObject({
      fields: { store: 'GCPSecretStore', secretName: secretOf('managed'), code: 14 },
    })
    expect(String(warnings()[0]?.message)).toContain('not disabled (UNAVAILABLE 14)')

    sm.fake.failNext({ code: 7, method: 'ListSecretVersions' })
    await expect(s.setSecret('managed', 'v3')).resolves.toBeUndefined()
    expect(warnings()).toHaveLength(2)
    expect(String(warnings()[1]?.message)).toContain('no permission')
    sm.fake.clearLog()
    await s.setSecret('managed', 'v4')
    expect(sm.fake.requests.map((r) => r.method)).toEqual(['AddSecretVersion'])
    expect(await sm.door.get('managed')).toBe('v4')
  })
})

describe('remove', () => {
  it('disables every enabled version, newest first; an operator can re-enable, and a new write adds a version', async () => {
    await seed('recoverable', 'v1', 'v2', 'v3')
    const s = store({ cache: {} })
    expect(await s.getSecret('recoverable')).toEqual({ recoverable: 'v3' })
    await s.removeSecret('recoverable')
    expect(calls('DisableSecretVersion')).toEqual([3, 2, 1].map((n) => `${secretOf('recoverable')}/versions/${n}`))
    expect(states('recoverable')).toEqual(['DISABLED', 'DISABLED', 'DISABLED'])
    expect(await store().getSecret('recoverable')).toEqual({ recoverable: undefined })
    expect(await sm.door.isRecoverable('recoverable')).toBe(true)

    // Recovery: re-enable the version that was latest.
    await sm.raw.enableSecretVersion({ name: `${secretOf('recoverable')}/versions/3` })
    expect(await store().getSecret('recoverable')).toEqual({ recoverable: 'v3' })

    await s.removeSecret('recoverable')
    await s.setSecret('recoverable', 'v4')
    expect(states('recoverable')).toEqual(['DISABLED', 'DISABLED', 'DISABLED', 'ENABLED'])
    expect(await store().getSecret('recoverable')).toEqual({ recoverable: 'v4' })
  })

  it('deletes the secret with purge, per store or per call; removing a missing name resolves either way', async () => {
    await seed('a', 'v')
    await seed('b', 'v')
    await seed('c', 'v')
    await store({ purgeOnRemove: true }).removeSecret('a')
    await store().removeSecret('b', { purge: true })
    await store({ purgeOnRemove: true }).removeSecret('c', { purge: false })
    expect(sm.fake.secrets.has(secretOf('a'))).toBe(false)
    expect(sm.fake.secrets.has(secretOf('b'))).toBe(false)
    expect(states('c')).toEqual(['DISABLED'])
    await expect(store().removeSecret('never')).resolves.toBeUndefined()
    await expect(store({ purgeOnRemove: true }).removeSecret('never')).resolves.toBeUndefined()
    expect(sm.fake.requests.slice(-2).map((r) => [r.method, r.code])).toEqual([
      ['ListSecretVersions', 5],
      ['DeleteSecret', 5],
    ])
  })
})

describe('regional secrets', () => {
  const parent = `projects/${PROJECT}/locations/${REGION}`

  it('reads and writes projects/<p>/locations/<l>/secrets/<id>, created without a replication policy', async () => {
    const s = store({ location: REGION })
    await s.setSecret('regional', 'in-region')
    expect(sm.fake.secrets.get(secretOf('regional', parent))?.replication).toEqual({ kind: 'regional' })
    expect(sm.fake.secrets.has(secretOf('regional'))).toBe(false)
    const byName = `${parent}/secrets/regional`
    expect(await s.getSecret('regional', byName)).toEqual({ regional: 'in-region', [byName]: 'in-region' })
  })

  it('refuses resource names of another location, before any request', async () => {
    const regional = store({ location: REGION })
    const global = store()
    for (const [s, name] of [
      [regional, secretOf('global')],
      [regional, `projects/${PROJECT}/locations/us-east1/secrets/other`],
      [global, `${parent}/secrets/regional`],
    ] as const) {
      expect(await rejectionOf(s.getSecret(name)), name).toBeInstanceOf(InvalidSecretNameError)
    }
    expect(sm.fake.requests).toEqual([])
  })

  it('talks to the regional endpoint unless apiEndpoint says otherwise', async () => {
    const settings = resolveSettings({ projectId: PROJECT, location: REGION })
    // An auth of its own, as every client in these tests has, so that nothing could ever look for credentials.
    const { auth } = sm.fake.clientOptions()
    const clients = [
      createClient({ auth }, settings),
      createClient({ auth, apiEndpoint: 'private.example' }, settings),
      createClient({ auth }, resolveSettings({ projectId: PROJECT })),
    ]
    // Where the client will connect (nothing is sent: clients connect on their first call).
    const endpointOf = (client: SecretManagerServiceClient) =>
      (client as unknown as { _opts: { servicePath: string } })._opts.servicePath
    expect(clients.map(endpointOf)).toEqual([
      `secretmanager.${REGION}.rep.googleapis.com`,
      'private.example',
      'secretmanager.googleapis.com',
    ])
    for (const client of clients) await client.close()
  })
})

describe('deadlines and retries', () => {
  it("switches the SDK's own retries off: one UNAVAILABLE is one failed request without the store's retries", async () => {
    await seed('flaky', 'value')
    sm.fake.failNext({ code: 14, method: 'AccessSecretVersion' })
    const error = (await rejectionOf(store({ retry: false }).getSecret('flaky'))) as SecretStoreError
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error.message).toBe('secret backend unavailable: Secret Manager answered UNAVAILABLE 14')
    expect(sm.fake.count('AccessSecretVersion')).toBe(1)

    // The store's own retry policy answers it instead.
    sm.fake.clearLog()
    sm.fake.failNext({ code: 14, method: 'AccessSecretVersion' })
    expect(await store().getSecret('flaky')).toEqual({ flaky: 'value' })
    expect(sm.fake.requests.map((r) => r.code)).toEqual([14, 0])
  })

  it('gives up a call that never answers at the attempt timeout, and the SDK cancels it too', async () => {
    await seed('hanging', 'value')
    sm.fake.inject({ kind: 'blackhole' }, { match: (r) => r.path === 'AccessSecretVersion' })
    const s = store({ retry: false, attemptTimeoutMs: 150, timeoutMs: 1_000 })
    const started = performance.now()
    const error = (await rejectionOf(s.getSecret('hanging'))) as SecretStoreError
    expect(error).toBeInstanceOf(UnavailableError)
    expect(performance.now() - started).toBeLessThan(1_000)
    // The fake saw the client give the call up (CANCELLED), rather than a call left running.
    await vi.waitFor(() => expect(sm.fake.requests.map((r) => r.code)).toEqual([1]))
  })

  it('takes the wait of a RetryInfo detail as retryAfterMs', async () => {
    sm.fake.inject({ kind: 'status', status: 429, headers: { 'retry-after': '2.25' } }, { times: 1 })
    const error = (await rejectionOf(store({ retry: false }).getSecret('throttled'))) as UnavailableError
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error.message).toContain('RESOURCE_EXHAUSTED 8')
    expect(error.retryAfterMs).toBe(2_250)
  })
})

describe('the client', () => {
  it('closes the client it built, and leaves an injected one to its owner', async () => {
    await seed('owned', 'value')
    const close = vi.spyOn(SecretManagerServiceClient.prototype, 'close')
    try {
      const built = store()
      await built.getSecret('owned')
      const client = new SecretManagerServiceClient(sm.fake.clientOptions())
      const injected = store({ client })
      expect(await injected.getSecret('owned')).toEqual({ owned: 'value' })
      await injected.destroy()
      expect(close).not.toHaveBeenCalled()
      const [answer] = await client.accessSecretVersion({ name: `${secretOf('owned')}/versions/1` })
      expect(answer.name).toBe(`${secretOf('owned')}/versions/1`)
      await built.destroy()
      expect(close).toHaveBeenCalledTimes(1)
      await client.close()
    } finally {
      close.mockRestore()
    }
  })

  it('checks its options and names the bad one', () => {
    const client = new SecretManagerServiceClient(sm.fake.clientOptions())
    const cases: Array<[object, RegExp]> = [
      [{}, /projectId must be a project id or number/],
      [{ projectId: 'Upper Case' }, /projectId/],
      [{ projectId: PROJECT, location: 'Europe West' }, /location must be/],
      [{ projectId: PROJECT, client, clientOptions: {} }, /either client or clientOptions/],
      [{ projectId: PROJECT, client: { accessSecretVersion() {} } }, /client has no getSecretVersion\(\) method/],
      [{ projectId: PROJECT, version: '1.0' }, /version must be latest/],
      [{ projectId: PROJECT, location: REGION, replication: { automatic: {} } }, /take no replication policy/],
      [{ projectId: PROJECT, keepVersions: 0 }, /keepVersions must be a whole number of at least 1/],
      [{ projectId: PROJECT, keepVersions: 1.5 }, /keepVersions/],
      [{ projectId: PROJECT, oldVersions: 'delete' }, /oldVersions must be/],
      [{ projectId: PROJECT, purgeOnRemove: 'yes' }, /purgeOnRemove must be a boolean/],
    ]
    for (const [i, [options, message]] of cases.entries()) {
      expect(() => new GCPSecretStore(options as GCPSecretStoreOptions), `case ${i}`).toThrow(message)
    }
    expect(() => new GCPSecretStore({ projectId: PROJECT, keepVersions: 0 })).toThrow(ConfigurationError)
    void client.close()
  })

  it("takes PURISTA's options and class name unchanged: GoogleSecretStore, project and client options", async () => {
    // As `@purista/gcloud-secret-store` is built (its types: `project: 'projects/<id>'; client?: ClientOptions`).
    expect(GoogleSecretStore).toBe(GCPSecretStore)
    const purista = new GoogleSecretStore({
      enableGet: true,
      enableSet: true,
      enableRemove: true,
      project: `projects/${PROJECT}`,
      client: sm.fake.clientOptions(),
    })
    stores.push(purista)
    const id = `purista-${Date.now().toString(36)}`
    await purista.setSecret(id, 'purista-shaped-value')
    expect(await sm.door.get(id)).toBe('purista-shaped-value')
    expect(await purista.getSecret(id)).toEqual({ [id]: 'purista-shaped-value' })
    await purista.removeSecret(id)
    expect(await purista.getSecretWith({ forceFetch: true }, id)).toEqual({ [id]: undefined })
  })

  it("refuses both spellings of one option, PURISTA's project without its prefix, and unknown options", () => {
    const cases: Array<[object, RegExp]> = [
      [{ projectId: PROJECT, project: `projects/${PROJECT}` }, /the project is given twice/],
      [{ project: PROJECT }, /project must be 'projects\/<project id or number>'/],
      [{ project: `projects/${PROJECT}`, client: {}, clientOptions: {} }, /the client options are given twice/],
      [
        { projectID: PROJECT },
        /unknown option "projectID" \(did you mean "projectId"\?\); accepted options: .*clientOptions/,
      ],
    ]
    for (const [i, [options, message]] of cases.entries()) {
      expect(() => new GCPSecretStore(options as GCPSecretStoreOptions), `case ${i}`).toThrow(message)
      expect(() => new GCPSecretStore(options as GCPSecretStoreOptions), `case ${i}`).toThrow(ConfigurationError)
    }
  })

  it('declares its capabilities: recoverable removes unless purging, 64 KiB values, no batch reads, listing', () => {
    expect(store().capabilities).toEqual({
      writes: true,
      recoverableDelete: true,
      batchReads: false,
      maxValueBytes: 65_536,
      listing: true,
    })
    expect(store({ purgeOnRemove: true }).capabilities.recoverableDelete).toBe(false)
  })
})
