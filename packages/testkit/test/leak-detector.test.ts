import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LeakDetector } from '@secret-store/testkit'
import { describe, expect, it } from 'vitest'

const require = createRequire(import.meta.url)

describe('LeakDetector', () => {
  it('finds a tracked value in log lines, errors (and their causes), inspect and JSON output', () => {
    const detector = new LeakDetector()
    const value = detector.secret()
    detector.logger.info({ nested: { deep: [value] } }, 'msg')
    detector.scanError('thrown', new Error('outer', { cause: new Error(`inner ${value}`) }))
    detector.scan('object', new Map([['k', value]]))
    expect(detector.findings.map((f) => f.where)).toEqual(
      expect.arrayContaining([
        'info (inspect)',
        'info (JSON)',
        'thrown message',
        'thrown (inspect)',
        'object (inspect)',
      ]),
    )
    expect(() => detector.assertNoLeaks()).toThrow(/secret value leaked/)
  })

  it('never repeats the value in its own report', () => {
    const detector = new LeakDetector()
    const value = detector.secret()
    detector.scanText('somewhere', `xx${value}xx`)
    const message = (() => {
      try {
        detector.assertNoLeaks()
        return ''
      } catch (err) {
        return (err as Error).message
      }
    })()
    expect(message).toContain('somewhere')
    expect(message).not.toContain(value)
  })

  it('watches console output until released', () => {
    const detector = new LeakDetector()
    const value = detector.secret('console')
    const original = console.log
    detector.watchConsole()
    try {
      expect(console.log).not.toBe(original)
      console.log('a line with', value)
    } finally {
      detector.release()
    }
    expect(console.log).toBe(original)
    expect(detector.findings.map((f) => f.where)).toContain('console.log')
    const after = detector.findings.length
    console.log('after release', value)
    expect(detector.findings).toHaveLength(after)
  })

  it('stays quiet when nothing leaks and refuses short values that would cause false alarms', () => {
    const detector = new LeakDetector()
    detector.secret()
    detector.logger.warn({ store: 'x' }, 'nothing secret here')
    expect(() => detector.assertNoLeaks()).not.toThrow()
    expect(() => detector.track('short')).toThrow(RangeError)
  })
})

// Runs the contract suite in a child vitest against the fixture store (tests/fixtures).
const vitestBin = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs')
const config = fileURLToPath(new URL('./fixtures/vitest.config.ts', import.meta.url))
const runSuite = (channel: string, extra: { env?: Record<string, string>; args?: string[] } = {}) =>
  spawnSync(
    process.execPath,
    [vitestBin, 'run', '--config', config, '--reporter', 'verbose', '--color=false', ...(extra.args ?? [])],
    {
      env: { ...process.env, LEAK_CHANNEL: channel, FORCE_COLOR: '0', NO_COLOR: '1', ...extra.env },
      encoding: 'utf8',
      timeout: 120_000,
    },
  )

describe('the contract suite with a leaking store', () => {
  it.each(['log', 'error', 'console'])('fails when the store leaks through %s', (channel) => {
    const run = runSuite(channel)
    const output = `${run.stdout}\n${run.stderr}`
    expect(run.status, output.slice(-2000)).not.toBe(0)
    expect(output).toMatch(/secret value leaked/)
  })

  it('passes the same store when it does not leak', () => {
    const run = runSuite('none')
    const output = `${run.stdout}\n${run.stderr}`
    expect(run.status, output.slice(-3000)).toBe(0)
    expect(output).not.toMatch(/secret value leaked/)
  })
})

describe('the contract suite with a store whose fresh reads answer from the cache', () => {
  it('fails the freshness section (forceFetch, maxAgeMs and withSecrets see the old value)', () => {
    const run = runSuite('none', { env: { STALE_READS: '1' }, args: ['-t', 'freshness'] })
    const output = `${run.stdout}\n${run.stderr}`
    expect(run.status, output.slice(-2000)).not.toBe(0)
    for (const failed of ['at once with forceFetch', 'within maxAgeMs', 'withSecrets: after a rotation']) {
      expect(output).toMatch(new RegExp(`FAIL .*StaleStore \\(none\\) > freshness and rotation > .*${failed}`))
    }
  })
})

describe('the contract suite with a store whose listing stops after the first page', () => {
  it('fails the listing section', () => {
    const run = runSuite('none', { env: { FIRST_PAGE_ONLY: '1' }, args: ['-t', 'listing names'] })
    const output = `${run.stdout}\n${run.stderr}`
    expect(run.status, output.slice(-2000)).not.toBe(0)
    expect(output).toMatch(/FAIL .*FirstPageStore \(none\) > listing names > .*lists exactly the names under a prefix/)
  })
})
