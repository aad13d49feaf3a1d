import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager'
import { LeakDetector } from '@secret-store/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Backends, startBackends } from './support/backends.js'
import { configDir } from './support/run.js'

const run = promisify(execFile)
const cliDir = fileURLToPath(new URL('..', import.meta.url))
const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url))
const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url))

let backends: Backends
let dir: string

beforeAll(async () => {
  backends = await startBackends()
  dir = configDir({
    stores: {
      aws: { adapter: 'aws', options: backends.awsOptions() },
      vault: { adapter: 'vault', options: backends.vaultOptions({ enableSet: true }) },
    },
  })
}, 120_000)

afterAll(async () => {
  await backends?.stop()
})

/** Runs the real `secret-store` binary (from source) inside a pseudo-terminal made by util-linux `script`. */
async function inTerminal(args: string[]): Promise<string> {
  const command = [process.execPath, tsx, '--tsconfig', `${cliDir}tsconfig.json`, bin, ...args]
    .map((arg) => `'${arg.replaceAll("'", "'\\''")}'`)
    .join(' ')
  try {
    const { stdout } = await run('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
      cwd: dir,
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
      await backends.aws.send(new CreateSecretCommand({ Name: name, SecretString: detector.secret(name) }))
    }
    const screen = await inTerminal(['copy', '--from', 'aws', '--to', 'vault', '--prefix', prefix])
    expect(screen).toMatch(/copy aws -> vault [█░]+ 40\/40 names \| copied 40/)
    expect(screen).toContain('40 copied')
    expect(screen).not.toMatch(/^copied /m)
    detector.scanText('terminal output', screen)
    detector.assertNoLeaks()
  }, 90_000)
})
