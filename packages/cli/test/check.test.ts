import { describe, expect, it } from 'vitest'
import { createPolicy, createToken } from '../../vault/test/support/vault.js'
import { useBackends } from './support/backends.js'
import { runCli } from './support/run.js'

let readOnlyToken: string
const t = useBackends(async (backends) => {
  // A token that may read and write secrets but was never given the list capability.
  await createPolicy(
    backends.vault,
    'cli-no-list',
    'path "secret/data/*" { capabilities = ["create", "read", "update", "delete"] }',
  )
  readOnlyToken = await createToken(backends.vault, ['cli-no-list'])
  return {
    defaultStore: 'vault',
    stores: {
      vault: { adapter: 'vault', options: backends.vaultOptions({ enableSet: true, enableRemove: true }) },
      'vault-no-list': { adapter: 'vault', options: backends.vaultOptions({ token: { $env: 'NO_LIST_TOKEN' } }) },
      aws: { adapter: 'aws', options: backends.awsOptions({ enableSet: true, enableRemove: true }) },
      dead: {
        adapter: 'vault',
        options: { endpoint: 'http://127.0.0.1:9', token: 'x', timeoutMs: 1_500, attemptTimeoutMs: 500 },
      },
    },
  }
})

const check = (argv: string[]) =>
  runCli(['--json', 'check', ...argv], { cwd: t.dir, env: { NO_LIST_TOKEN: readOnlyToken } })

describe('check', () => {
  it('passes every probe on a store whose token may do everything, and leaves no canary behind', async () => {
    const result = await check(['vault', '--write-probe'])
    expect(result.code, result.stdout).toBe(0)
    const report = JSON.parse(result.stdout)
    expect(report.results.map((r: { operation: string; status: string }) => [r.operation, r.status])).toEqual([
      ['get', 'ok'],
      ['list', 'ok'],
      ['set', 'ok'],
      ['remove', 'ok'],
    ])
    const canary = /secret-store-check-[0-9a-f]{12}/.exec(report.results[2].detail)?.[0] as string
    await expect(t.backends.vault.read(`secret/metadata/${canary}`)).rejects.toMatchObject({
      response: { statusCode: 404 },
    })
  })

  it('finds the missing list permission and names the Vault policy that fixes it', async () => {
    const result = await check(['vault-no-list'])
    expect(result.code).toBe(1)
    const report = JSON.parse(result.stdout)
    const list = report.results.find((r: { operation: string }) => r.operation === 'list')
    expect(list).toMatchObject({ status: 'failed', code: 'ACCESS_DENIED' })
    expect(list.fix).toBe('add to the token\'s policy: path "secret/metadata/*" { capabilities = ["read", "list"] }')
    expect(report.results.find((r: { operation: string }) => r.operation === 'get')).toMatchObject({ status: 'ok' })
    // Writes are not enabled for this store in the config: not probed.
    expect(report.results.find((r: { operation: string }) => r.operation === 'set')).toMatchObject({
      status: 'disabled',
    })
  })

  it('prints a table with the fix on a terminal-less stdout, and skips write probes without --write-probe', async () => {
    const result = await runCli(['check', 'vault-no-list'], { cwd: t.dir, env: { NO_LIST_TOKEN: readOnlyToken } })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^OPERATION\s+RESULT\s+DETAIL$/m)
    expect(result.stdout).toMatch(/^list\s+failed\s+access denied/m)
    expect(result.stdout).toContain('fix list: add to the token\'s policy: path "secret/metadata/*"')
    const plain = await runCli(['check'], { cwd: t.dir })
    expect(plain.code, plain.stdout).toBe(0)
    expect(plain.stdout).toMatch(/^set\s+skipped\s+not probed: pass --write-probe/m)
  })

  it('names both fixes when no probe got through: credentials or permission', async () => {
    const result = await runCli(['--json', 'check', 'vault-no-list'], {
      cwd: t.dir,
      env: { NO_LIST_TOKEN: 'not-a-token' },
    })
    expect(result.code).toBe(1)
    const [get] = JSON.parse(result.stdout).results
    expect(get).toMatchObject({ operation: 'get', status: 'failed', code: 'ACCESS_DENIED' })
    expect(get.fix).toBe(
      'the token is missing, invalid or expired: set "token" (e.g. { "$env": "VAULT_TOKEN" }) or AppRole credentials; if they are valid: add to the token\'s policy: path "secret/data/*" { capabilities = ["read"] }',
    )
  })

  it('reports an unreachable backend with the address to check, within its deadline', async () => {
    const result = await check(['dead'])
    expect(result.code).toBe(1)
    const get = JSON.parse(result.stdout).results[0]
    expect(get).toMatchObject({ operation: 'get', status: 'failed', code: 'UNAVAILABLE' })
    expect(get.fix).toContain('http://127.0.0.1:9')
  })

  it('probes AWS (moto) reads, listing and writes', async () => {
    const result = await check(['aws', '--write-probe'])
    expect(result.code, result.stdout).toBe(0)
    expect(JSON.parse(result.stdout).results.every((r: { status: string }) => r.status === 'ok')).toBe(true)
  })
})
