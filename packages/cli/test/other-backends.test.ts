/**
 * The CLI against the Azure (Key Vault fake), GCP (Secret Manager fake), Infisical (fake) and Dapr (a
 * real daprd over a local file secret store) test backends, each started as its adapter's contract test
 * starts it. Infisical and Dapr are configured from `secret-store.config.json`; Azure and GCP from a
 * `secret-store.config.mjs` (see support/other-backends.ts for why).
 */
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AzureBackendUnderTest,
  type DaprBackendUnderTest,
  type GcpBackendUnderTest,
  type InfisicalBackendUnderTest,
  startAzure,
  startDapr,
  startGcp,
  startInfisical,
  tempDir,
  writeMjsConfig,
} from './support/other-backends.js'
import { configDir, runCli } from './support/run.js'

let azure: AzureBackendUnderTest
let gcp: GcpBackendUnderTest
let infisical: InfisicalBackendUnderTest
let dapr: DaprBackendUnderTest
/** azure, gcp and a `.env` (secret-store.config.mjs). */
let cloudDir: string
/** infisical, dapr and a `.env` (secret-store.config.json). */
let jsonDir: string

const daprToken = `cli-dapr-token-${randomUUID()}`
/** What daprd's local file store holds, and the same in a `.env` file. */
const DAPR_SECRETS = { DAPR_DB_PASSWORD: 'dapr db password', DAPR_API_KEY: 'dapr-api-key-value' }
const run = Date.now().toString(36)

const dotenv = [
  `cliaz-db-password=azure db password ${run}`,
  `cliaz-api-key=azure-api-key-${run}`,
  `CLIGCP_DB_PASSWORD=gcp db password ${run}`,
  `CLIGCP_API_KEY=gcp-api-key-${run}`,
  `CLIINF_DB_PASSWORD=infisical db password ${run}`,
  `CLIINF_API_KEY=infisical-api-key-${run}`,
  ...Object.entries(DAPR_SECRETS).map(([name, value]) => `${name}=${value}`),
  '',
].join('\n')

beforeAll(async () => {
  ;[azure, gcp, infisical, dapr] = await Promise.all([
    startAzure(),
    startGcp(),
    startInfisical(),
    startDapr(DAPR_SECRETS, daprToken),
  ])
  cloudDir = tempDir({ '.env': dotenv })
  writeMjsConfig(
    cloudDir,
    {
      stores: {
        azure: { adapter: 'azure', options: azure.options({ enableSet: true, enableRemove: true }) },
        gcp: { adapter: 'gcp', options: gcp.options({ enableSet: true, enableRemove: true }) },
        env: { adapter: 'dotenv', path: '.env' },
      },
    },
    azure.token,
  )
  jsonDir = configDir({
    stores: {
      infisical: {
        adapter: 'infisical',
        options: infisical.options({
          enableSet: true,
          enableRemove: true,
          universalAuth: {
            clientId: infisical.fake.machineIdentity.clientId,
            clientSecret: { $env: 'INFISICAL_SECRET' },
          },
        }),
      },
      dapr: { adapter: 'dapr', options: dapr.options({ apiToken: { $env: 'DAPR_API_TOKEN' } }) },
      env: { adapter: 'dotenv', path: '.env' },
    },
  })
  writeFileSync(join(jsonDir, '.env'), dotenv)
}, 120_000)

afterAll(async () => {
  await Promise.allSettled([azure?.stop(), gcp?.stop(), infisical?.stop(), dapr?.stop()])
})

const inCloud = (argv: string[], stdin?: string) => runCli(argv, { cwd: cloudDir, stdin })
const inJson = (argv: string[], stdin?: string) =>
  runCli(argv, {
    cwd: jsonDir,
    stdin,
    env: { INFISICAL_SECRET: infisical.fake.machineIdentity.clientSecret, DAPR_API_TOKEN: daprToken },
  })
const unique = (label: string) => `cli-${label}-${run}${Math.random().toString(36).slice(2, 6)}`
const statuses = (stdout: string) =>
  (JSON.parse(stdout) as { results: Array<{ operation: string; status: string }> }).results.map((r) => [
    r.operation,
    r.status,
  ])
const ALL_OK = [
  ['get', 'ok'],
  ['list', 'ok'],
  ['set', 'ok'],
  ['remove', 'ok'],
]

/** The writable backends, with how to run the CLI against each and a back door to check what it did. */
const writable = [
  {
    label: 'azure',
    title: 'Azure (Key Vault fake)',
    cli: inCloud,
    get: (name: string) => azure.door.get(name),
    isRecoverable: (name: string) => azure.door.isRecoverable(name),
    prefix: 'cliaz-',
    recoverable: true,
    copied: { 'cliaz-db-password': `azure db password ${run}`, 'cliaz-api-key': `azure-api-key-${run}` },
  },
  {
    label: 'gcp',
    title: 'GCP (Secret Manager fake)',
    cli: inCloud,
    get: (name: string) => gcp.door.get(name),
    isRecoverable: (name: string) => gcp.door.isRecoverable(name),
    prefix: 'CLIGCP_',
    recoverable: true,
    copied: { CLIGCP_DB_PASSWORD: `gcp db password ${run}`, CLIGCP_API_KEY: `gcp-api-key-${run}` },
  },
  {
    label: 'infisical',
    title: 'Infisical (fake)',
    cli: inJson,
    get: async (name: string) => infisical.fake.get('dev', '/', name)?.value,
    isRecoverable: async (_name: string) => false,
    prefix: 'CLIINF_',
    recoverable: false,
    copied: { CLIINF_DB_PASSWORD: `infisical db password ${run}`, CLIINF_API_KEY: `infisical-api-key-${run}` },
  },
] as const

describe.each(writable)('$title', ({ label, cli, get, isRecoverable, prefix, copied, recoverable }) => {
  it('check --write-probe: every probe ok, and the canary is gone afterwards', async () => {
    const result = await cli(['--json', 'check', label, '--write-probe'])
    expect(result.code, result.stdout + result.stderr).toBe(0)
    const report = JSON.parse(result.stdout)
    expect(report).toMatchObject({ store: label, adapter: label, ok: true })
    expect(statuses(result.stdout)).toEqual(ALL_OK)
    const canary = /secret-store-check-[0-9a-f]{12}/.exec(report.results[2].detail)?.[0] as string
    expect(canary).toBeDefined()
    // Removed with purge: nothing left to recover either.
    expect(await get(canary)).toBeUndefined()
    expect(await isRecoverable(canary)).toBe(false)
  })

  it('set from stdin, get (exists, --reveal), rm', async () => {
    const name = unique(label)
    const set = await cli(['--json', 'set', name, '--store', label], `value of ${name}\n`)
    expect(set.code, set.stderr).toBe(0)
    expect(JSON.parse(set.stdout)).toEqual({ store: label, name, written: true })
    expect(await get(name)).toBe(`value of ${name}`)

    const exists = await cli(['--json', 'get', name, `${name}-missing`, '--store', label])
    expect(exists.code).toBe(1)
    expect(JSON.parse(exists.stdout)).toEqual({
      store: label,
      secrets: [
        { name, exists: true },
        { name: `${name}-missing`, exists: false },
      ],
    })
    expect(exists.stdout).not.toContain('value of')

    const reveal = await cli(['get', name, '--reveal', '--store', label])
    expect(reveal).toEqual({ code: 0, stdout: `value of ${name}`, stderr: '' })
    const revealJson = await cli(['--json', 'get', name, '--reveal', '--store', label])
    expect(JSON.parse(revealJson.stdout)).toEqual({ store: label, values: { [name]: `value of ${name}` } })

    const rm = await cli(['--json', 'rm', name, '--store', label])
    expect(rm.code, rm.stderr).toBe(0)
    // Key Vault soft-deletes, Secret Manager disables the versions; Infisical deletes for good.
    expect(JSON.parse(rm.stdout)).toEqual({ store: label, removed: [name], purged: false, recoverable })
    expect(await get(name)).toBeUndefined()
    expect(await isRecoverable(name)).toBe(recoverable)
    const gone = await cli(['--json', 'get', name, '--store', label])
    expect(gone.code).toBe(1)
    expect(JSON.parse(gone.stdout).secrets).toEqual([{ name, exists: false }])
  })

  it('copy from a .env file with --prefix, then diff shows them identical; a second copy writes nothing', async () => {
    const copy = await cli(['--json', 'copy', '--from', 'env', '--to', label, '--prefix', prefix])
    expect(copy.code, copy.stdout + copy.stderr).toBe(0)
    const summary = JSON.parse(copy.stdout)
    expect([...summary.copied].sort()).toEqual(Object.keys(copied).sort())
    expect(summary.failed).toEqual([])
    for (const [name, value] of Object.entries(copied)) expect(await get(name)).toBe(value)

    const diff = await cli(['--json', 'diff', 'env', label, '--prefix', prefix])
    expect(diff.code, diff.stdout + diff.stderr).toBe(0)
    expect(JSON.parse(diff.stdout)).toEqual({
      a: 'env',
      b: label,
      onlyInA: [],
      onlyInB: [],
      differing: [],
      identical: 2,
    })

    const again = await cli(['--json', 'copy', '--from', 'env', '--to', label, '--prefix', prefix])
    expect(again.code).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ copied: [] })
    expect(JSON.parse(again.stdout).identical).toHaveLength(2)
  })
})

describe('between two backends', () => {
  it('copies from Azure to GCP (both from the .mjs config) and diff shows them identical', async () => {
    const prefix = `cliboth-${run}-`
    const names = [`${prefix}one`, `${prefix}two`]
    for (const name of names) {
      const set = await inCloud(['set', name, '--store', 'azure'], `value of ${name}`)
      expect(set.code, set.stderr).toBe(0)
    }
    const copy = await inCloud(['--json', 'copy', '--from', 'azure', '--to', 'gcp', '--prefix', prefix])
    expect(copy.code, copy.stdout + copy.stderr).toBe(0)
    expect([...JSON.parse(copy.stdout).copied].sort()).toEqual(names)
    for (const name of names) expect(await gcp.door.get(name)).toBe(`value of ${name}`)

    const diff = await inCloud(['--json', 'diff', 'azure', 'gcp', '--prefix', prefix])
    expect(diff.code).toBe(0)
    expect(JSON.parse(diff.stdout)).toEqual({
      a: 'azure',
      b: 'gcp',
      onlyInA: [],
      onlyInB: [],
      differing: [],
      identical: 2,
    })
  })
})

describe('Dapr (daprd, local file secret store; read-only)', () => {
  it('check: get and list ok, set and remove unsupported, exit 0', async () => {
    const result = await inJson(['--json', 'check', 'dapr', '--write-probe'])
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ store: 'dapr', adapter: 'dapr', ok: true })
    expect(statuses(result.stdout)).toEqual([
      ['get', 'ok'],
      ['list', 'ok'],
      ['set', 'unsupported'],
      ['remove', 'unsupported'],
    ])
    const named = await inJson(['--json', 'check', 'dapr', '--name', 'DAPR_API_KEY'])
    expect(named.code).toBe(0)
    expect(JSON.parse(named.stdout).results[0]).toMatchObject({
      operation: 'get',
      status: 'ok',
      detail: 'DAPR_API_KEY exists and is readable',
    })
  })

  it('get: exists, missing and --reveal', async () => {
    const get = await inJson(['--json', 'get', 'DAPR_DB_PASSWORD', 'DAPR_NOT_THERE', '--store', 'dapr'])
    expect(get.code).toBe(1)
    expect(JSON.parse(get.stdout)).toEqual({
      store: 'dapr',
      secrets: [
        { name: 'DAPR_DB_PASSWORD', exists: true },
        { name: 'DAPR_NOT_THERE', exists: false },
      ],
    })
    const reveal = await inJson(['get', 'DAPR_DB_PASSWORD', '--reveal', '--store', 'dapr'])
    expect(reveal).toEqual({ code: 0, stdout: DAPR_SECRETS.DAPR_DB_PASSWORD, stderr: '' })
  })

  it('diff against a .env file with the same values: identical', async () => {
    const diff = await inJson(['--json', 'diff', 'dapr', 'env', '--prefix', 'DAPR_'])
    expect(diff.code, diff.stdout + diff.stderr).toBe(0)
    expect(JSON.parse(diff.stdout)).toEqual({
      a: 'dapr',
      b: 'env',
      onlyInA: [],
      onlyInB: [],
      differing: [],
      identical: 2,
    })
  })

  it('refuses writes: set is disabled (exit 2), and a config that enables writes is refused (exit 2)', async () => {
    const set = await inJson(['--json', 'set', 'DAPR_NEW', '--store', 'dapr'], 'x')
    expect(set.code).toBe(2)
    expect(JSON.parse(set.stdout).error).toMatchObject({ code: 'OPERATION_DISABLED' })

    const writes = configDir({ stores: { dapr: { adapter: 'dapr', options: dapr.options({ enableSet: true }) } } })
    const refused = await runCli(['get', 'DAPR_API_KEY'], { cwd: writes })
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain("Dapr's secrets API is read-only")
  })

  it('copies from Dapr to Infisical, and diff shows them identical', async () => {
    const copy = await inJson(['--json', 'copy', '--from', 'dapr', '--to', 'infisical', '--prefix', 'DAPR_'])
    expect(copy.code, copy.stdout + copy.stderr).toBe(0)
    expect([...JSON.parse(copy.stdout).copied].sort()).toEqual(['DAPR_API_KEY', 'DAPR_DB_PASSWORD'])
    for (const [name, value] of Object.entries(DAPR_SECRETS)) {
      expect(infisical.fake.get('dev', '/', name)?.value).toBe(value)
    }
    const diff = await inJson(['--json', 'diff', 'dapr', 'infisical', '--prefix', 'DAPR_'])
    expect(diff.code).toBe(0)
    expect(JSON.parse(diff.stdout)).toEqual({
      a: 'dapr',
      b: 'infisical',
      onlyInA: [],
      onlyInB: [],
      differing: [],
      identical: 2,
    })
  })
})
