import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LeakDetector } from '@secret-store/testkit'
import { describe, expect, it } from 'vitest'
import { useBackends } from './support/backends.js'
import { type CliRun, configDir, runCli } from './support/run.js'

const t = useBackends((backends) => ({
  defaultStore: 'vault',
  stores: {
    vault: { adapter: 'vault', options: backends.vaultOptions({ enableSet: true, enableRemove: true }) },
    aws: { adapter: 'aws', options: backends.awsOptions({ enableSet: true, enableRemove: true }) },
    env: { adapter: 'dotenv', path: '.env' },
  },
}))

const run = (argv: string[], options: Partial<Parameters<typeof runCli>[1]> = {}) =>
  runCli(argv, { cwd: t.dir, ...options })
const unique = (label: string) => `cli-${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`

describe('get, set and rm against Vault (OpenBao)', () => {
  it('set takes the value from stdin, dropping one trailing newline; get says exists without printing it', async () => {
    const name = unique('set')
    const set = await run(['set', name], { stdin: 'hunter2-value\n' })
    expect(set).toMatchObject({ code: 0, stdout: `set ${name} in vault\n` })
    expect((await t.backends.vault.read(`secret/data/${name}`)).data.data.value).toBe('hunter2-value')

    const get = await run(['get', name, `${name}-missing`])
    expect(get.code).toBe(1)
    expect(get.stdout).toMatch(new RegExp(`^${name}\\s+exists$`, 'm'))
    expect(get.stdout).toMatch(new RegExp(`^${name}-missing\\s+missing$`, 'm'))
    expect(get.stdout).not.toContain('hunter2')

    const reveal = await run(['get', name, '--reveal'])
    expect(reveal).toEqual({ code: 0, stdout: 'hunter2-value', stderr: '' })
    const json = await run(['--json', 'get', name, `${name}-missing`, '--reveal'])
    expect(JSON.parse(json.stdout)).toEqual({
      store: 'vault',
      values: { [name]: 'hunter2-value', [`${name}-missing`]: null },
    })
  })

  it('set reads --file, keeps a trailing newline on request, and refuses an empty value', async () => {
    const name = unique('file')
    writeFileSync(join(t.dir, 'value.txt'), 'line one\nline two\n')
    expect((await run(['set', name, '--file', 'value.txt', '--keep-newline'])).code).toBe(0)
    expect((await t.backends.vault.read(`secret/data/${name}`)).data.data.value).toBe('line one\nline two\n')
    const empty = await run(['set', name], { stdin: '\n' })
    expect(empty.code).toBe(2)
    expect(empty.stderr).toContain('the value is empty')
  })

  it('has no way to pass a value on the command line', async () => {
    const result = await run(['set', unique('argv'), 'the-value-itself'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('too many arguments')
  })

  it('rm removes recoverably by default and purges only when confirmed', async () => {
    const name = unique('rm')
    await run(['set', name], { stdin: 'v1' })
    await run(['set', name], { stdin: 'v2' })
    const removed = await run(['rm', name])
    expect(removed).toMatchObject({ code: 0, stdout: `removed ${name} from vault (recoverable)\n` })
    // KV v2 keeps the versions: the metadata is still there (the delete is a soft delete).
    expect((await t.backends.vault.read(`secret/metadata/${name}`)).data.versions).toBeDefined()

    const refused = await run(['rm', name, '--purge'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('add --yes')
    const declined = await run(['rm', name, '--purge'], { stdinTTY: true, stdin: 'no\n' })
    expect(declined.code).toBe(2)
    expect(declined.stderr).toContain('not confirmed')
    expect((await t.backends.vault.read(`secret/metadata/${name}`)).data.versions).toBeDefined()

    const purged = await run(['rm', name, '--purge'], { stdinTTY: true, stdin: 'yes\n' })
    expect(purged.code, purged.stderr).toBe(0)
    await expect(t.backends.vault.read(`secret/metadata/${name}`)).rejects.toMatchObject({
      response: { statusCode: 404 },
    })
  })

  it('list prints the names under a prefix as they stream, never values', async () => {
    const prefix = `${unique('list')}/`
    for (const key of ['b', 'a', 'c/d']) await run(['set', `${prefix}${key}`], { stdin: `value-${key}` })
    const plain = await run(['list', '--prefix', prefix])
    expect(plain.code, plain.stderr).toBe(0)
    expect(plain.stdout.split('\n').filter(Boolean).sort()).toEqual([`${prefix}a`, `${prefix}b`, `${prefix}c/d`])
    expect(plain.stdout).not.toContain('value-')
    const json = JSON.parse((await run(['--json', 'list', '--prefix', `${prefix}c/`])).stdout)
    expect(json).toEqual({ store: 'vault', prefix: `${prefix}c/`, names: [`${prefix}c/d`] })
  })

  it('works against AWS (moto) with --store', async () => {
    const name = unique('aws')
    expect((await run(['set', name, '--store', 'aws'], { stdin: 'aws-value' })).code).toBe(0)
    expect((await run(['get', name, '-s', 'aws', '--reveal'])).stdout).toBe('aws-value')
    expect((await run(['rm', name, '-s', 'aws', '--purge', '--yes'])).code).toBe(0)
    expect((await run(['get', name, '-s', 'aws'])).code).toBe(1)
  })
})

describe('.env sources', () => {
  it('reads, lists and diffs a .env file, and refuses writes to it', async () => {
    writeFileSync(join(t.dir, '.env'), 'ENV_ONE=first-env-value\nENV_TWO="quoted value"\n')
    const get = await run(['--json', 'get', 'ENV_ONE', 'ENV_TWO', '-s', 'env'])
    expect(JSON.parse(get.stdout).secrets).toEqual([
      { name: 'ENV_ONE', exists: true },
      { name: 'ENV_TWO', exists: true },
    ])
    const copy = await run(['--json', 'copy', '--from', 'env', '--to', 'vault', '--prefix', 'ENV_', '--dry-run'])
    expect(JSON.parse(copy.stdout).wouldCopy.sort()).toEqual(['ENV_ONE', 'ENV_TWO'])
    const set = await run(['set', 'ENV_ONE', '-s', 'env'], { stdin: 'x' })
    expect(set.code).toBe(3)
    expect(set.stderr).toContain(
      'NOT_SUPPORTED: set is not supported by secret store "DotenvSecretStore": the backend is read-only',
    )
  })
})

describe('usage, configuration and exit codes', () => {
  it('exits 2 with the reason for an unknown store, a missing config and a bad config', async () => {
    const unknown = await run(['get', 'x', '-s', 'nope'])
    expect(unknown).toMatchObject({ code: 2 })
    expect(unknown.stderr).toContain('no store "nope"')
    const empty = configDir({ stores: {} } as never)
    const bad = await runCli(['get', 'x'], { cwd: empty })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('"stores" must name at least one store')
    const none = await runCli(['get', 'x'], { cwd: '/' })
    expect(none.stderr).toContain('no config file')
    const unset = await runCli(['get', 'x'], {
      cwd: configDir({ stores: { v: { adapter: 'vault', options: { token: { $env: 'MISSING_TOKEN' } } } } }),
    })
    expect(unset.stderr).toContain('the environment variable MISSING_TOKEN is not set')
    const typo = await runCli(['get', 'x'], {
      cwd: configDir({ stores: { v: { adapter: 'vault', options: { tokn: 'x' } } } }),
    })
    expect(typo.code).toBe(2)
    expect(typo.stderr).toMatch(/tokn/)
  })

  it('prints --json errors as JSON, and help and version with exit 0', async () => {
    const error = await run(['--json', 'get', 'x', '-s', 'nope'])
    expect(JSON.parse(error.stdout)).toEqual({
      error: { code: 'USAGE', message: expect.stringContaining('no store "nope"') },
    })
    // --json works after the command too.
    expect(JSON.parse((await run(['get', 'x', '-s', 'nope', '--json'])).stdout).error.code).toBe('USAGE')
    expect((await run(['--help'])).code).toBe(0)
    expect((await run(['--version'])).stdout).toBe('0.1.0\n')
    expect((await run(['bogus'])).code).toBe(2)
  })

  it('loads a secret-store.config.ts', async () => {
    const tsDir = configDir({ stores: { unused: { adapter: 'dotenv', path: 'x' } } })
    writeFileSync(
      join(tsDir, 'secret-store.config.ts'),
      "const config: { stores: Record<string, { adapter: 'dotenv'; path: string }> } = { stores: { env: { adapter: 'dotenv', path: '.env' } } }\nexport default config\n",
    )
    writeFileSync(join(tsDir, '.env'), 'FROM_TS=1\n')
    const result = await runCli(['get', 'FROM_TS', '--config', 'secret-store.config.ts'], { cwd: tsDir })
    expect(result.code, result.stderr).toBe(0)
  })
})

describe('no value is printed without --reveal', () => {
  it('keeps every value out of stdout and stderr of get, set, copy, diff, check and rm, and the check catches a reveal', async () => {
    const detector = new LeakDetector()
    const [a, b] = [unique('leak-a'), unique('leak-b')]
    const [va, vb] = [detector.secret('va'), detector.secret('vb')]
    const runs: Array<[string, CliRun]> = []
    const record = async (label: string, result: Promise<CliRun>) => {
      const done = await result
      runs.push([label, done])
      return done
    }
    await record('set a', run(['set', a, '-s', 'aws'], { stdin: va }))
    await record('set b', run(['set', b, '-s', 'aws'], { stdin: vb }))
    await record('get', run(['get', a, b, '-s', 'aws']))
    await record('get --json', run(['--json', 'get', a, b, '-s', 'aws']))
    await record('copy', run(['copy', '--from', 'aws', '--to', 'vault', a, b]))
    await record('copy on a terminal', run(['copy', '--from', 'aws', '--to', 'vault', a, b], { stderrTTY: true }))
    await record('copy --json', run(['--json', 'copy', '--from', 'aws', '--to', 'vault', a, b, '--dry-run']))
    await record('diff', run(['diff', 'aws', 'vault', a, b]))
    await record('list', run(['list', '-s', 'aws', '--prefix', a]))
    await record('diff --json', run(['--json', 'diff', 'aws', 'vault', a, b]))
    await record('check', run(['check', 'aws', '--write-probe']))
    await record('rm', run(['rm', a, b, '-s', 'aws', '--purge', '--yes']))
    for (const [label, result] of runs) {
      detector.scanText(`${label}: stdout`, result.stdout)
      detector.scanText(`${label}: stderr`, result.stderr)
    }
    expect(runs.every(([, r]) => r.code === 0 || r.code === 1)).toBe(true)
    detector.assertNoLeaks()

    // The same scan finds a value that --reveal prints.
    const name = unique('leak-c')
    const vc = detector.secret('vc')
    await run(['set', name], { stdin: vc })
    const revealed = await run(['get', name, '--reveal'])
    detector.scanText('get --reveal: stdout', revealed.stdout)
    expect(detector.findings.map((f) => f.where)).toEqual(['get --reveal: stdout'])
  })
})
