import {
  CreateSecretCommand,
  DeleteSecretCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import { AccessDeniedError, ConfigurationError, type StoreBaseOptions, UnavailableError } from '@secret-store/core'
import { DEFAULT_CAPABILITIES, mapWithConcurrency } from '@secret-store/core/adapter'
import { secretStoreRejection } from '@secret-store/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { AWSSecretStore, type AWSSecretStoreOptions, type AWSSecretStoreSettings } from '../src/index.js'
import {
  awsId,
  beforeFirst,
  createBackdoor,
  denyCommand,
  describe as describeState,
  emulateAwsDeletionRules,
  motoClientConfig,
  recordCommands,
  scriptBackend,
} from './support/aws.js'
import { type MotoServer, startMoto } from './support/moto.js'

let moto: MotoServer
let raw: SecretsManagerClient
const cleanups: Array<() => Promise<void> | void> = []

beforeAll(async () => {
  moto = await startMoto()
  raw = new SecretsManagerClient(motoClientConfig(moto.endpoint))
})
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  vi.restoreAllMocks()
})
afterAll(async () => {
  raw?.destroy()
  await moto?.stop()
})

const door = () => createBackdoor(raw)
const uniqueName = (label = 'n') => `aws_${label}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
const seed = (entries: ReadonlyArray<readonly [string, string]>) =>
  mapWithConcurrency(entries, 8, ([name, value]) => door().set(name, value))

type Mode = 'moto' | 'AWS deletion rules'
const MODES: Mode[] = ['moto', 'AWS deletion rules']

/** A store on its own client, with every command it sends recorded. */
function setup(options: AWSSecretStoreSettings & StoreBaseOptions = {}, mode: Mode = 'moto') {
  const client = new SecretsManagerClient(motoClientConfig(moto.endpoint))
  const log = recordCommands(client)
  if (mode === 'AWS deletion rules') emulateAwsDeletionRules(client, raw)
  const store = new AWSSecretStore({ enableSet: true, enableRemove: true, ...options, client })
  cleanups.push(async () => {
    await store.destroy()
    client.destroy()
  })
  return { store, client, log }
}

describe('construction', () => {
  it('builds from the handbook sample and declares its capabilities', async () => {
    const secretStore = new AWSSecretStore({ region: 'us-east-1' })
    expect(secretStore.capabilities).toEqual({
      ...DEFAULT_CAPABILITIES,
      batchReads: true,
      listing: true,
      recoverableDelete: true,
    })
    await secretStore.destroy()
    expect(secretStore.destroyed).toBe(true)
  })

  it('declares no recoverable delete when purgeOnRemove is on', async () => {
    const store = new AWSSecretStore({ region: 'us-east-1', purgeOnRemove: true })
    expect(store.capabilities.recoverableDelete).toBe(false)
    await store.destroy()
  })

  it('accepts a recovery window of 7 to 30 whole days only', async () => {
    for (const days of [6, 31, 7.5, 0, Number.NaN]) {
      expect(() => new AWSSecretStore({ region: 'us-east-1', recoveryWindowInDays: days }), `${days}`).toThrow(
        ConfigurationError,
      )
    }
    for (const days of [7, 30]) {
      const store = new AWSSecretStore({ region: 'us-east-1', recoveryWindowInDays: days })
      await store.destroy()
      expect(store.destroyed).toBe(true)
    }
  })

  it('takes a ready client or client options, never both', () => {
    const client = new SecretsManagerClient({ region: 'us-east-1' })
    cleanups.push(() => client.destroy())
    // @ts-expect-error the options type makes client and region mutually exclusive
    expect(() => new AWSSecretStore({ client, region: 'us-east-1' })).toThrow(ConfigurationError)
    // @ts-expect-error ... and client and clientConfig
    expect(() => new AWSSecretStore({ client, clientConfig: { region: 'us-east-1' } })).toThrow(ConfigurationError)
  })

  it('fails with a ConfigurationError that says so when no region or no credentials can be found', async () => {
    // Nothing from the machine: no region or credentials in the environment or the shared files, no IMDS.
    for (const name of [
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
      'AWS_PROFILE',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
    ]) {
      vi.stubEnv(name, undefined)
    }
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config')
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials')
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true')
    try {
      const { credentials } = motoClientConfig(moto.endpoint)
      const noRegion = new AWSSecretStore({ clientConfig: { endpoint: moto.endpoint, credentials } })
      const regionError = await secretStoreRejection(noRegion.getSecret('x'))
      expect(regionError).toBeInstanceOf(ConfigurationError)
      expect(regionError.message).toBe(
        'secret store "AWSSecretStore" is misconfigured: no AWS region: pass region, or set AWS_REGION or a region in the shared config file',
      )
      const noCredentials = new AWSSecretStore({ region: 'us-east-1', clientConfig: { endpoint: moto.endpoint } })
      const credentialError = await secretStoreRejection(noCredentials.getSecret('x'))
      expect(credentialError).toBeInstanceOf(ConfigurationError)
      expect(credentialError.message).toContain('no AWS credentials were found')
      expect(credentialError.retryable).toBe(false)
      await noRegion.destroy()
      await noCredentials.destroy()
    } finally {
      vi.unstubAllEnvs()
    }
  })

  it("takes PURISTA's options unchanged: client as the client's configuration", async () => {
    // As `@purista/aws-secret-store` is built (its types: `client: SecretsManagerClientConfigType`).
    const { endpoint, region, credentials } = motoClientConfig(moto.endpoint)
    const store = new AWSSecretStore({
      enableGet: true,
      enableSet: true,
      enableRemove: true,
      client: { endpoint, region, credentials },
    })
    cleanups.push(() => store.destroy())
    const name = uniqueName()
    await store.setSecret(name, 'purista-shaped-value')
    expect(await door().get(name)).toBe('purista-shaped-value')
    expect(await store.getSecret(name)).toEqual({ [name]: 'purista-shaped-value' })
    await store.removeSecret(name)
    expect(await describeState(raw, name)).toBe('deleted')
  })

  it("refuses PURISTA's client configuration together with clientConfig, and unknown options", () => {
    const config = { region: 'us-east-1' }
    // @ts-expect-error one spelling of the client configuration
    expect(() => new AWSSecretStore({ client: config, clientConfig: config })).toThrow(
      /the client configuration is given twice: pass either clientConfig or client \(PURISTA\), not both/,
    )
    // A plain JavaScript caller's typo: named, with the nearest accepted key and the full list.
    const typo = { regoin: 'us-east-1' } as unknown as AWSSecretStoreOptions
    expect(() => new AWSSecretStore(typo)).toThrow(ConfigurationError)
    expect(() => new AWSSecretStore(typo)).toThrow(
      /unknown option "regoin" \(did you mean "region"\?\); accepted options: .*clientConfig/,
    )
    expect(() => new AWSSecretStore({ client: 'nope' } as unknown as AWSSecretStoreOptions)).toThrow(
      /client must be a SecretsManagerClient or its configuration object/,
    )
  })

  it('destroys the client it created and leaves an injected client working', async () => {
    const destroy = vi.spyOn(SecretsManagerClient.prototype, 'destroy')
    const owned = new AWSSecretStore({ clientConfig: motoClientConfig(moto.endpoint) })
    await owned.destroy()
    expect(destroy).toHaveBeenCalledTimes(1)

    const { store, client } = setup()
    const name = uniqueName()
    await door().set(name, 'injected-client-value')
    await store.destroy()
    expect(destroy).toHaveBeenCalledTimes(1)
    expect(destroy.mock.contexts).not.toContain(client)
    const reader = new AWSSecretStore({ client })
    cleanups.push(() => reader.destroy())
    expect(await reader.getSecret(name)).toEqual({ [name]: 'injected-client-value' })
  })
})

describe('reads', () => {
  it('reads 100 names in exactly 5 BatchGetSecretValue requests, at most maxConcurrency at a time', async () => {
    const entries = Array.from({ length: 100 }, (_, i) => [uniqueName(`b${i}`), `batch-value-${i}`] as const)
    await seed(entries)
    const { store, log } = setup({ maxConcurrency: 2 })
    const result = await store.getSecret(...entries.map(([name]) => name))
    expect(result).toEqual(Object.fromEntries(entries))
    expect(log.sent).toEqual(Array(5).fill('BatchGetSecretValue'))
    expect(log.inputs.map(({ input }) => (input.SecretIdList as string[]).length)).toEqual([20, 20, 20, 20, 20])
    expect(log.maxInFlight).toBeLessThanOrEqual(2)
  })

  it('reads one name with one GetSecretValue: 1,000 concurrent cold reads make one request, a warm read none', async () => {
    const name = uniqueName()
    await door().set(name, 'single-value')
    const { store, log } = setup()
    const results = await Promise.all(Array.from({ length: 1000 }, () => store.getSecret(name)))
    expect(results.every((r) => r[name] === 'single-value')).toBe(true)
    expect(log.sent).toEqual(['GetSecretValue'])
    log.clear()
    expect(await store.getSecret(name)).toEqual({ [name]: 'single-value' })
    expect(log.sent).toEqual([])
  })

  it('answers missing and deleted names in a batch with undefined, in the same request', async () => {
    const [live, missing, deleted, purged] = [
      uniqueName('live'),
      uniqueName('missing'),
      uniqueName('del'),
      uniqueName('p'),
    ]
    await seed([
      [live, 'live-value'],
      [deleted, 'deleted-value'],
      [purged, 'purged-value'],
    ])
    await raw.send(new DeleteSecretCommand({ SecretId: awsId(deleted), RecoveryWindowInDays: 7 }))
    await door().remove(purged)
    const { store, log } = setup()
    expect(await store.getSecret(live, missing, deleted, purged)).toEqual({
      [live]: 'live-value',
      [missing]: undefined,
      [deleted]: undefined,
      [purged]: undefined,
    })
    expect(log.sent).toEqual(['BatchGetSecretValue'])
  })

  it('returns binary secrets base64-encoded, alone and in a batch', async () => {
    const [bin, text] = [uniqueName('bin'), uniqueName('text')]
    const bytes = new Uint8Array([0, 1, 2, 250, 255, 0x7f])
    await raw.send(new CreateSecretCommand({ Name: awsId(bin), SecretBinary: bytes }))
    await door().set(text, 'text-value')
    const base64 = Buffer.from(bytes).toString('base64')
    expect(await setup().store.getSecret(bin)).toEqual({ [bin]: base64 })
    expect(await setup().store.getSecret(bin, text)).toEqual({ [bin]: base64, [text]: 'text-value' })
  })

  it('gives binary secrets back as their bytes, text secrets as UTF-8, and JSON parsed, alone and in a batch', async () => {
    const [bin, text, json] = [uniqueName('bin'), uniqueName('text'), uniqueName('json')]
    const bytes = new Uint8Array([0, 1, 2, 250, 255, 0x7f])
    await raw.send(new CreateSecretCommand({ Name: awsId(bin), SecretBinary: bytes }))
    await door().set(text, 'téxt-value')
    await door().set(json, '{"username":"app","port":5432}')
    const { store } = setup()
    expect(await store.getSecretBytes(bin)).toEqual(bytes)
    expect(await store.getSecretBytes(text)).toEqual(new Uint8Array(Buffer.from('téxt-value', 'utf8')))
    expect(await store.getSecretJson(json)).toEqual({ username: 'app', port: 5432 })
    // Learnt from a batch read too.
    const batched = setup().store
    await batched.getSecret(bin, text, json)
    expect(await batched.getSecretBytes(bin)).toEqual(bytes)
    // Overwritten with text by the store: its bytes are the text's.
    const writer = setup({ enableSet: true }).store
    await writer.getSecret(bin)
    await writer.setSecret(bin, 'now-text')
    expect(await writer.getSecretBytes(bin)).toEqual(new Uint8Array(Buffer.from('now-text')))
  })

  it('falls back to GetSecretValue per name when BatchGetSecretValue is denied, and remembers it', async () => {
    const first = Array.from({ length: 3 }, (_, i) => [uniqueName(`f${i}`), `first-value-${i}`] as const)
    const second = Array.from({ length: 12 }, (_, i) => [uniqueName(`s${i}`), `second-value-${i}`] as const)
    await seed([...first, ...second])
    const warn = vi.fn()
    const { store, client, log } = setup({ logger: { debug() {}, info() {}, warn, error() {} }, maxConcurrency: 4 })
    denyCommand(client, 'BatchGetSecretValue')

    expect(await store.getSecret(...first.map(([n]) => n))).toEqual(Object.fromEntries(first))
    expect(log.count('BatchGetSecretValue')).toBe(1)
    expect(log.count('GetSecretValue')).toBe(3)
    expect(warn).toHaveBeenCalledTimes(1)

    log.clear()
    expect(await store.getSecret(...second.map(([n]) => n))).toEqual(Object.fromEntries(second))
    expect(log.count('BatchGetSecretValue')).toBe(0)
    expect(log.count('GetSecretValue')).toBe(12)
    expect(log.maxInFlight).toBeLessThanOrEqual(4)
    expect(warn).toHaveBeenCalledTimes(1)
  })

  it('reads a non-default version stage with GetSecretValue per name', async () => {
    const names = [uniqueName('a'), uniqueName('b')]
    for (const name of names) {
      await door().set(name, `${name}-v1`)
      await door().set(name, `${name}-v2`)
    }
    const previous = setup({ versionStage: 'AWSPREVIOUS' })
    expect(await previous.store.getSecret(...names)).toEqual(Object.fromEntries(names.map((n) => [n, `${n}-v1`])))
    expect(previous.log.sent).toEqual(['GetSecretValue', 'GetSecretValue'])
    expect(previous.log.inputs.map(({ input }) => input.VersionStage)).toEqual(['AWSPREVIOUS', 'AWSPREVIOUS'])

    const current = setup({ versionStage: 'AWSCURRENT' })
    expect(await current.store.getSecret(...names)).toEqual(Object.fromEntries(names.map((n) => [n, `${n}-v2`])))
    expect(current.log.sent).toEqual(['BatchGetSecretValue'])
  })

  it('reads a pinned version id with GetSecretValue', async () => {
    const name = uniqueName()
    const created = await raw.send(new CreateSecretCommand({ Name: awsId(name), SecretString: 'pinned-v1' }))
    await door().set(name, 'pinned-v2')
    const missing = uniqueName('missing')
    const { store, log } = setup({ versionId: created.VersionId })
    expect(await store.getSecret(name, missing)).toEqual({ [name]: 'pinned-v1', [missing]: undefined })
    expect(log.count('BatchGetSecretValue')).toBe(0)
    expect(log.inputs.every(({ input }) => input.VersionId === created.VersionId)).toBe(true)
  })
})

/** Every name a listing streams, in order. */
async function collectNames(names: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = []
  for await (const name of names) out.push(name)
  return out
}

describe('listSecretNames', () => {
  it('lists 25 names with pageSize 10 in exactly 3 ListSecrets requests, filtered by name on the server', async () => {
    const prefix = uniqueName('list')
    const names = Array.from({ length: 25 }, (_, i) => `${prefix}/${String(i).padStart(2, '0')}`)
    await seed(names.map((name) => [name, 'listed'] as const))
    const deleted = `${prefix}/deleted`
    await door().set(deleted, 'scheduled')
    await raw.send(new DeleteSecretCommand({ SecretId: deleted, RecoveryWindowInDays: 7 }))
    const { store, log } = setup()
    const listed = await collectNames(store.listSecretNames({ prefix, pageSize: 10 }))
    expect(listed.sort()).toEqual(names)
    expect(log.sent).toEqual(Array(3).fill('ListSecrets'))
    const inputs = log.inputs.map(({ input }) => input)
    expect(inputs.map(({ MaxResults }) => MaxResults)).toEqual([10, 10, 10])
    expect(inputs.map(({ Filters }) => Filters)).toEqual(Array(3).fill([{ Key: 'name', Values: [prefix] }]))
    expect(inputs[0]?.NextToken).toBeUndefined()
    expect(inputs.every((input) => input.IncludePlannedDeletion === undefined)).toBe(true)

    log.clear()
    for await (const name of store.listSecretNames({ prefix, pageSize: 10 })) {
      expect(names).toContain(name)
      break
    }
    expect(log.sent).toEqual(['ListSecrets'])

    log.clear()
    expect(await collectNames(store.listSecretNames({ prefix, pageSize: 1000 }))).toHaveLength(25)
    expect(log.inputs).toEqual([{ command: 'ListSecrets', input: expect.objectContaining({ MaxResults: 100 }) }])
  })

  it("follows AWS's NextToken, keeps names (never ARNs) by exact case and leaves out deleted secrets", async () => {
    const { store, client, log } = setup()
    const arn = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`
    scriptBackend(client, {
      ListSecrets: (input) =>
        (input as { NextToken?: string }).NextToken === undefined
          ? {
              SecretList: [
                { Name: 'App/upper', ARN: arn('App/upper') },
                { Name: 'app/one', ARN: arn('app/one') },
                { Name: 'app/gone', ARN: arn('app/gone'), DeletedDate: new Date() },
              ],
              NextToken: 'page-2',
            }
          : { SecretList: [{ Name: 'app/two', ARN: arn('app/two') }] },
    })
    expect(await collectNames(store.listSecretNames({ prefix: 'app/' }))).toEqual(['app/one', 'app/two'])
    expect(log.inputs.map(({ input }) => input.NextToken)).toEqual([undefined, 'page-2'])
  })

  it('lists unfiltered for a prefix starting with "!" and sends nothing for one no AWS name can start with', async () => {
    const { store, client, log } = setup()
    scriptBackend(client, { ListSecrets: () => ({ SecretList: [{ Name: '!bang' }, { Name: 'other' }] }) })
    expect(await collectNames(store.listSecretNames({ prefix: '!b' }))).toEqual(['!bang'])
    expect(log.inputs).toEqual([{ command: 'ListSecrets', input: { MaxResults: 100 } }])
    log.clear()
    expect(await collectNames(store.listSecretNames({ prefix: 'tenant:acme:' }))).toEqual([])
    expect(log.sent).toEqual([])
  })

  it('maps a denied ListSecrets to AccessDeniedError and an empty answer to UnavailableError', async () => {
    const denied = setup()
    denyCommand(denied.client, 'ListSecrets')
    expect(await secretStoreRejection(collectNames(denied.store.listSecretNames()))).toBeInstanceOf(AccessDeniedError)
    const empty = setup({ retry: false })
    scriptBackend(empty.client, { ListSecrets: () => ({}) })
    expect(await secretStoreRejection(collectNames(empty.store.listSecretNames()))).toBeInstanceOf(UnavailableError)
  })
})

describe('names', () => {
  it('stores tenant:acme:stripeApiKey as tenant/acme/stripeApiKey', async () => {
    const name = `tenant:acme:${uniqueName('stripeApiKey')}`
    const { store } = setup()
    await store.setSecret(name, 'tenant-value')
    expect(await describeState(raw, name.replaceAll(':', '/'))).toBe('active')
    // moto would accept the colon form, so make sure the store did not write it.
    expect(await describeState(raw, name)).toBe('missing')
  })

  it('keeps a name ending in a hyphen and six characters apart from its prefix', async () => {
    const short = uniqueName('db')
    const long = `${short}-abcdef`
    const { store } = setup()
    await store.setSecret(short, 'short-value')
    await store.setSecret(long, 'long-value')
    const fresh = setup({ cache: false }).store
    expect(await fresh.getSecret(short, long)).toEqual({ [short]: 'short-value', [long]: 'long-value' })
    expect(await fresh.getSecret(long)).toEqual({ [long]: 'long-value' })
    expect(await fresh.getSecret(short)).toEqual({ [short]: 'short-value' })
  })
})

const versionCount = async (name: string) =>
  (await raw.send(new ListSecretVersionIdsCommand({ SecretId: awsId(name), IncludeDeprecated: true }))).Versions?.length

describe('setSecret', () => {
  it('creates a missing secret with exactly one CreateSecret and no PutSecretValue', async () => {
    const name = uniqueName()
    const { store, log } = setup()
    await store.setSecret(name, 'created-value')
    expect(log.sent).toEqual(['DescribeSecret', 'CreateSecret'])
    expect(await door().get(name)).toBe('created-value')
    expect(await versionCount(name)).toBe(1)
  })

  it('updates an existing secret with one PutSecretValue', async () => {
    const name = uniqueName()
    await door().set(name, 'old-value')
    const { store, log } = setup()
    await store.setSecret(name, 'new-value')
    expect(log.sent).toEqual(['DescribeSecret', 'PutSecretValue'])
    expect(await door().get(name)).toBe('new-value')
    expect(await versionCount(name)).toBe(2)
  })

  describe.each(MODES)('with %s', (mode) => {
    it('restores a secret scheduled for deletion, then writes it (remove, then set)', async () => {
      const name = uniqueName()
      const { store, log } = setup({}, mode)
      await store.setSecret(name, 'before-remove')
      await store.removeSecret(name)
      expect(await describeState(raw, name)).toBe('deleted')
      log.clear()
      await store.setSecret(name, 'after-remove')
      expect(log.sent).toEqual(['DescribeSecret', 'RestoreSecret', 'PutSecretValue'])
      expect(await describeState(raw, name)).toBe('active')
      expect(await setup({ cache: false }).store.getSecret(name)).toEqual({ [name]: 'after-remove' })
    })

    it('creates again after a purge (purge, then set)', async () => {
      const name = uniqueName()
      const { store, log } = setup({}, mode)
      await store.setSecret(name, 'before-purge')
      await store.removeSecret(name, { purge: true })
      expect(await describeState(raw, name)).toBe('missing')
      log.clear()
      await store.setSecret(name, 'after-purge')
      expect(log.sent).toEqual(['DescribeSecret', 'CreateSecret'])
      expect(await door().get(name)).toBe('after-purge')
    })

    it('reads undefined after a remove and the new value after the next set (set, remove, set, remove)', async () => {
      const name = uniqueName()
      const { store } = setup({ cache: false }, mode)
      for (const value of ['cycle-value-1', 'cycle-value-2']) {
        await store.setSecret(name, value)
        expect(await store.getSecret(name)).toEqual({ [name]: value })
        await store.removeSecret(name)
        expect(await store.getSecret(name)).toEqual({ [name]: undefined })
        expect(await describeState(raw, name)).toBe('deleted')
      }
    })
  })

  it('writes with PutSecretValue when CreateSecret finds the secret created meanwhile', async () => {
    const name = uniqueName()
    const { store, client, log } = setup()
    beforeFirst(client, 'CreateSecret', () => door().set(name, 'other-writer'))
    await store.setSecret(name, 'our-value')
    expect(log.sent).toEqual(['DescribeSecret', 'CreateSecret', 'PutSecretValue'])
    expect(await door().get(name)).toBe('our-value')
    expect(await versionCount(name)).toBe(2)
  })

  it('creates when the secret is purged between DescribeSecret and PutSecretValue', async () => {
    const name = uniqueName()
    await door().set(name, 'old-value')
    const { store, client, log } = setup()
    beforeFirst(client, 'PutSecretValue', () => door().remove(name))
    await store.setSecret(name, 'new-value')
    expect(log.sent).toEqual(['DescribeSecret', 'PutSecretValue', 'CreateSecret'])
    expect(await door().get(name)).toBe('new-value')
  })

  it('restores when the secret is scheduled for deletion between DescribeSecret and PutSecretValue (AWS rules)', async () => {
    const name = uniqueName()
    await door().set(name, 'old-value')
    const { store, client, log } = setup({}, 'AWS deletion rules')
    beforeFirst(client, 'PutSecretValue', async () => {
      await raw.send(new DeleteSecretCommand({ SecretId: awsId(name), RecoveryWindowInDays: 7 }))
    })
    await store.setSecret(name, 'new-value')
    expect(log.sent).toEqual(['DescribeSecret', 'PutSecretValue', 'RestoreSecret', 'PutSecretValue'])
    expect(await describeState(raw, name)).toBe('active')
    expect(await door().get(name)).toBe('new-value')
  })

  it('writes without DescribeSecret permission, learning the state from PutSecretValue errors (AWS rules)', async () => {
    const [missing, existing, deleted] = [uniqueName('m'), uniqueName('e'), uniqueName('d')]
    await seed([
      [existing, 'existing-old'],
      [deleted, 'deleted-old'],
    ])
    await raw.send(new DeleteSecretCommand({ SecretId: awsId(deleted), RecoveryWindowInDays: 7 }))
    const warn = vi.fn()
    const { store, client, log } = setup({ logger: { debug() {}, info() {}, warn, error() {} } }, 'AWS deletion rules')
    denyCommand(client, 'DescribeSecret')

    await store.setSecret(missing, 'missing-new')
    expect(log.sent).toEqual(['DescribeSecret', 'PutSecretValue', 'CreateSecret'])
    log.clear()
    await store.setSecret(existing, 'existing-new')
    expect(log.sent).toEqual(['PutSecretValue'])
    log.clear()
    await store.setSecret(deleted, 'deleted-new')
    expect(log.sent).toEqual(['PutSecretValue', 'RestoreSecret', 'PutSecretValue'])

    expect(warn).toHaveBeenCalledTimes(1)
    for (const [name, value] of [
      [missing, 'missing-new'],
      [existing, 'existing-new'],
      [deleted, 'deleted-new'],
    ] as const) {
      expect(await door().get(name)).toBe(value)
    }
  })
})

describe('removeSecret', () => {
  it('removes recoverably, with a 30-day window by default and the configured one otherwise', async () => {
    const [a, b] = [uniqueName('a'), uniqueName('b')]
    await seed([
      [a, 'value-a'],
      [b, 'value-b'],
    ])
    const byDefault = setup()
    await byDefault.store.removeSecret(a)
    expect(byDefault.log.inputs).toEqual([
      { command: 'DeleteSecret', input: { SecretId: a, RecoveryWindowInDays: 30 } },
    ])
    const weekly = setup({ recoveryWindowInDays: 7 })
    await weekly.store.removeSecret(b)
    expect(weekly.log.inputs).toEqual([{ command: 'DeleteSecret', input: { SecretId: b, RecoveryWindowInDays: 7 } }])
    expect(await door().isRecoverable(a)).toBe(true)
    expect(await door().isRecoverable(b)).toBe(true)
  })

  it('force-deletes with the purgeOnRemove option or removeSecret(name, { purge: true })', async () => {
    const [a, b, c] = [uniqueName('a'), uniqueName('b'), uniqueName('c')]
    await seed([
      [a, 'value-a'],
      [b, 'value-b'],
      [c, 'value-c'],
    ])
    const force = setup({ purgeOnRemove: true })
    await force.store.removeSecret(a)
    await force.store.removeSecret(c, { purge: false })
    const purge = setup()
    await purge.store.removeSecret(b, { purge: true })
    expect(force.log.inputs.map(({ input }) => input)).toEqual([
      { SecretId: a, ForceDeleteWithoutRecovery: true },
      { SecretId: c, RecoveryWindowInDays: 30 },
    ])
    expect(purge.log.inputs.map(({ input }) => input)).toEqual([{ SecretId: b, ForceDeleteWithoutRecovery: true }])
    expect(await describeState(raw, a)).toBe('missing')
    expect(await describeState(raw, b)).toBe('missing')
    expect(await describeState(raw, c)).toBe('deleted')
  })

  it.each(MODES)('resolves for a missing name and for one already scheduled for deletion (%s)', async (mode) => {
    const name = uniqueName()
    await door().set(name, 'to-remove')
    const { store } = setup({}, mode)
    await expect(store.removeSecret(uniqueName('never'))).resolves.toBeUndefined()
    await expect(store.removeSecret(uniqueName('never'), { purge: true })).resolves.toBeUndefined()
    await store.removeSecret(name)
    await expect(store.removeSecret(name)).resolves.toBeUndefined()
    expect(await describeState(raw, name)).toBe('deleted')
    await expect(store.removeSecret(name, { purge: true })).resolves.toBeUndefined()
    expect(await describeState(raw, name)).toBe('missing')
    await expect(store.removeSecret(name, { purge: true })).resolves.toBeUndefined()
  })
})
