import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { CreateSecretCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager'
import { mapWithConcurrency } from '@secret-store/core/adapter'
import { beforeEach, describe, expect, it } from 'vitest'
import { awsActions, awsToVault, useBackends, vaultMethods } from './support/backends.js'
import { configDir, runCli } from './support/run.js'

const t = useBackends(awsToVault)

beforeEach(() => {
  t.backends.awsProxy.resetRequestStats()
  t.backends.vaultProxy.resetRequestStats()
})

const run = (argv: string[], options: Partial<Parameters<typeof runCli>[1]> = {}) =>
  runCli(argv, { cwd: t.dir, ...options })

/** `count` secrets under a fresh prefix in moto (through the raw client); returns the prefix and names. */
async function seedAws(count: number, label: string) {
  const prefix = `cli-${label}-${Date.now().toString(36)}/`
  const names = Array.from({ length: count }, (_, i) => `${prefix}key-${String(i).padStart(4, '0')}`)
  await mapWithConcurrency(names, 16, (name) =>
    t.backends.aws.send(new CreateSecretCommand({ Name: name, SecretString: `value of ${name}` })),
  )
  return { prefix, names }
}

const journals = () => readdirSync(t.dir).filter((file) => file.endsWith('.journal'))

describe('copy from AWS (moto) to Vault (OpenBao)', () => {
  it('copies 1,000 secrets with 10 list pages, 50 batched reads and one read and one write per name in Vault', async () => {
    const { prefix } = await seedAws(1_000, 'bulk')
    t.backends.awsProxy.resetRequestStats()
    const first = await run(['--json', 'copy', '--from', 'aws', '--to', 'vault', '--prefix', prefix])
    expect(first.code, first.stderr).toBe(0)
    const summary = JSON.parse(first.stdout)
    expect(summary.copied).toHaveLength(1_000)
    expect(summary.failed).toEqual([])
    expect(awsActions(t.backends.awsProxy)).toEqual({ ListSecrets: 10, BatchGetSecretValue: 50 })
    expect(vaultMethods(t.backends.vaultProxy)).toEqual({ GET: 1_000, POST: 1_000 })
    expect(t.backends.vaultProxy.stats.peakReads).toBeLessThanOrEqual(8)
    expect(journals()).toEqual([])

    // Run again: everything is identical, nothing is written.
    t.backends.awsProxy.resetRequestStats()
    t.backends.vaultProxy.resetRequestStats()
    const second = await run(['--json', 'copy', '--from', 'aws', '--to', 'vault', '--prefix', prefix])
    expect(second.code).toBe(0)
    expect(JSON.parse(second.stdout)).toMatchObject({ copied: [], identical: expect.any(Array) })
    expect(JSON.parse(second.stdout).identical).toHaveLength(1_000)
    expect(vaultMethods(t.backends.vaultProxy)).toEqual({ GET: 1_000 })

    const diff = await run(['--json', 'diff', 'aws', 'vault', '--prefix', prefix])
    expect(diff.code, diff.stderr).toBe(0)
    expect(JSON.parse(diff.stdout)).toEqual({
      a: 'aws',
      b: 'vault',
      onlyInA: [],
      onlyInB: [],
      differing: [],
      identical: 1_000,
    })
  })

  it('resumes an interrupted copy: the second run writes only what the first did not', async () => {
    const { prefix, names } = await seedAws(400, 'resume')
    const controller = new AbortController()
    let copied = 0
    const interrupted = runCli(['copy', '--from', 'aws', '--to', 'vault', '--prefix', prefix, '--concurrency', '4'], {
      cwd: t.dir,
      signal: controller.signal,
    })
    // Ctrl-C once the first 150 names are copied (counted from the plain progress lines as they come).
    const first = await Promise.race([
      interrupted,
      (async () => {
        while (copied < 150) {
          await new Promise((resolve) => setTimeout(resolve, 5))
          copied = journals().length === 1 ? countJournaled(join(t.dir, journals()[0] as string)) : 0
        }
        controller.abort()
        return interrupted
      })(),
    ])
    expect(first.code).toBe(130)
    expect(first.stderr).toContain('interrupted: run the same command again to resume')
    const done = (first.stdout.match(/^copied /gm) ?? []).length
    expect(done).toBeGreaterThanOrEqual(150)
    expect(done).toBeLessThan(400)
    expect(journals()).toHaveLength(1)

    t.backends.vaultProxy.resetRequestStats()
    const second = await run(['copy', '--from', 'aws', '--to', 'vault', '--prefix', prefix, '--concurrency', '4'])
    expect(second.code, second.stderr).toBe(0)
    expect(second.stderr).toContain(`resuming: ${done} name(s) already done`)
    expect(second.stdout).toContain(`${400 - done} copied, ${done} done before (resumed)`)
    expect(vaultMethods(t.backends.vaultProxy).POST).toBe(400 - done)
    expect(journals()).toEqual([])
    const values = await Promise.all(names.map((name) => t.backends.vault.read(`secret/data/${name}`)))
    expect(values.map((v) => v.data.data.value)).toEqual(names.map((name) => `value of ${name}`))
  })

  it('never overwrites a differing value without --overwrite, and writes nothing in a dry run', async () => {
    const { prefix, names } = await seedAws(3, 'conflict')
    const [a, b, c] = names as [string, string, string]
    await t.backends.vault.write(`secret/data/${a}`, { data: { value: `value of ${a}` } })
    await t.backends.vault.write(`secret/data/${b}`, { data: { value: 'a different value' } })

    t.backends.vaultProxy.resetRequestStats()
    const dry = await run(['--json', 'copy', '--from', 'aws', '--to', 'vault', '--prefix', prefix, '--dry-run'])
    expect(dry.code).toBe(1)
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dryRun: true,
      identical: [a],
      differs: [b],
      wouldCopy: [c],
      copied: [],
    })
    expect(vaultMethods(t.backends.vaultProxy).POST).toBeUndefined()
    expect(journals()).toEqual([])

    const plain = await run(['copy', '--from', 'aws', '--to', 'vault', '--prefix', prefix])
    expect(plain.code).toBe(1)
    expect(plain.stdout).toContain(`differs ${b} (use --overwrite to replace it)`)
    expect(plain.stdout).toContain(`copied ${c}`)
    expect((await t.backends.vault.read(`secret/data/${b}`)).data.data.value).toBe('a different value')

    const forced = await run(['copy', '--from', 'aws', '--to', 'vault', '--prefix', prefix, '--overwrite'])
    expect(forced.code, forced.stderr).toBe(0)
    expect((await t.backends.vault.read(`secret/data/${b}`)).data.data.value).toBe(`value of ${b}`)
    expect(journals()).toEqual([])
  })

  it('copies the names given, reports a name missing in the source, and reads a changed source again', async () => {
    const { names } = await seedAws(2, 'named')
    const [a, b] = names as [string, string]
    const missing = `${a}-missing`
    const result = await run(['--json', 'copy', '--from', 'aws', '--to', 'vault', a, b, missing])
    expect(result.code).toBe(1)
    const summary = JSON.parse(result.stdout)
    expect(summary.copied.sort()).toEqual([a, b].sort())
    expect(summary.missing).toEqual([missing])
    await t.backends.aws.send(new PutSecretValueCommand({ SecretId: a, SecretString: 'rotated' }))
    const diff = await run(['diff', 'aws', 'vault', a, b])
    expect(diff.code).toBe(1)
    expect(diff.stdout).toContain(`differs: ${a}`)
    expect(diff.stdout).not.toContain('rotated')
  })

  it('stops with exit 3 and a summary when the source cannot be listed', async () => {
    const dead = configDir({
      stores: {
        aws: {
          adapter: 'aws',
          options: {
            ...t.backends.awsOptions({ timeoutMs: 1_500, attemptTimeoutMs: 500 }),
            clientConfig: { endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } },
          },
        },
        vault: { adapter: 'vault', options: t.backends.vaultOptions({ enableSet: true }) },
      },
    })
    const result = await runCli(['--json', 'copy', '--from', 'aws', '--to', 'vault', '--prefix', 'x/'], { cwd: dead })
    expect(result.code).toBe(3)
    expect(JSON.parse(result.stdout)).toMatchObject({ copied: [], listingError: { code: 'UNAVAILABLE' } })
    const plain = await runCli(['copy', '--from', 'aws', '--to', 'vault', '--prefix', 'x/'], { cwd: dead })
    expect(plain.stderr).toContain('listing aws failed: UNAVAILABLE')
  })

  it('reports a target that refuses writes as failed names, not a crash', async () => {
    const { prefix } = await seedAws(2, 'readonly')
    const readOnly = configDir({
      stores: {
        aws: { adapter: 'aws', options: t.backends.awsOptions() },
        vault: { adapter: 'vault', options: t.backends.vaultOptions() },
      },
    })
    const result = await runCli(['--json', 'copy', '--from', 'aws', '--to', 'vault', '--prefix', prefix], {
      cwd: readOnly,
    })
    expect(result.code).toBe(1)
    const summary = JSON.parse(result.stdout)
    expect(summary.failed.map((f: { code: string }) => f.code)).toEqual(['OPERATION_DISABLED', 'OPERATION_DISABLED'])
    expect(existsSync(summary.journal)).toBe(true)
  })
})

function countJournaled(file: string): number {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((entry) => entry.includes('"outcome"')).length
  } catch {
    return 0
  }
}
