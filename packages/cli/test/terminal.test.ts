import { execFile, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager'
import { LeakDetector } from '@secret-store/testkit'
import { describe, expect, it } from 'vitest'
import { awsToVault, useBackends } from './support/backends.js'

const run = promisify(execFile)
const cliDir = fileURLToPath(new URL('..', import.meta.url))
const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url))
const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url))

const t = useBackends(awsToVault)

/** Runs the real `secret-store` binary (from source) inside a pseudo-terminal made by util-linux `script`. */
async function inTerminal(args: string[]): Promise<string> {
  const command = [process.execPath, tsx, '--tsconfig', `${cliDir}tsconfig.json`, bin, ...args]
    .map((arg) => `'${arg.replaceAll("'", "'\\''")}'`)
    .join(' ')
  try {
    const { stdout } = await run('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
      cwd: t.dir,
      env: { ...process.env, COLUMNS: '120', TERM: 'xterm' },
      timeout: 60_000,
    })
    return stdout
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        "util-linux 'script' is not installed: apt-get install util-linux (it provides the pseudo-terminal)",
      )
    }
    throw err
  }
}

describe('on a terminal', () => {
  it('copy shows a progress bar (not per-name lines) and no value', async () => {
    const detector = new LeakDetector()
    const prefix = `cli-tty-${Date.now().toString(36)}/`
    const names = Array.from({ length: 40 }, (_, i) => `${prefix}key-${i}`)
    for (const name of names) {
      await t.backends.aws.send(new CreateSecretCommand({ Name: name, SecretString: detector.secret(name) }))
    }
    const screen = await inTerminal(['copy', '--from', 'aws', '--to', 'vault', '--prefix', prefix])
    expect(screen).toMatch(/copy aws -> vault [█░]+ 40\/40 names \| copied 40/)
    expect(screen).toContain('40 copied')
    expect(screen).not.toMatch(/^copied /m)
    detector.scanText('terminal output', screen)
    detector.assertNoLeaks()
  }, 90_000)
})

describe('as a process', () => {
  it('stops a copy at the first Ctrl-C with exit 130 and a journal, and the same command finishes it', async () => {
    const prefix = `cli-sigint-${Date.now().toString(36)}/`
    const names = Array.from({ length: 60 }, (_, i) => `${prefix}key-${i}`)
    for (const name of names) {
      await t.backends.aws.send(new CreateSecretCommand({ Name: name, SecretString: `value of ${name}` }))
    }
    // Slow writes (100 ms each, one at a time) leave time to interrupt the copy half way.
    t.backends.vaultProxy.inject({ kind: 'delay', ms: 100 }, { match: (request) => request.method === 'POST' })
    const args = ['copy', '--from', 'aws', '--to', 'vault', '--prefix', prefix, '--concurrency', '1']
    const child = spawn(process.execPath, [tsx, '--tsconfig', `${cliDir}tsconfig.json`, bin, ...args], {
      cwd: t.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if ((stdout.match(/^copied /gm) ?? []).length === 10) child.kill('SIGINT')
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    t.backends.vaultProxy.clear()
    expect(code, stderr).toBe(130)
    expect(stderr).toContain('interrupted: run the same command again to resume')
    const journal = readdirSync(t.dir).find((file) => file.endsWith('.journal')) as string
    const journaled = readFileSync(join(t.dir, journal), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"copied"'))
    const copied = (stdout.match(/^copied /gm) ?? []).length
    expect(journaled).toHaveLength(copied)
    expect(copied).toBeGreaterThanOrEqual(10)
    expect(copied).toBeLessThan(60)

    const { stdout: rest } = await run(process.execPath, [tsx, '--tsconfig', `${cliDir}tsconfig.json`, bin, ...args], {
      cwd: t.dir,
    })
    expect(rest).toContain(`${60 - copied} copied, ${copied} done before (resumed)`)
    expect(readdirSync(t.dir).filter((file) => file.endsWith('.journal'))).toEqual([])
  }, 90_000)
})
