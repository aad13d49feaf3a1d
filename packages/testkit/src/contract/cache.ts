import { setTimeout as sleep } from 'node:timers/promises'
import { SecretStoreError } from '@secret-store/core'
import { expect, it } from 'vitest'
import { capabilitiesOf, type SuiteContext } from './context.js'

export function registerCacheTests(t: SuiteContext): void {
  it('answers a warm read from the cache, and reads every time with the cache off', async () => {
    const name = t.uniqueName()
    const value = t.detector.secret()
    const door = await t.door()
    await door.set(name, value)
    const store = await t.store()
    const uncached = await t.store({ cache: false })
    door.resetRequestStats()
    for (let i = 0; i < 3; i++) expect(await store.getSecret(name)).toEqual({ [name]: value })
    expect(door.requestStats().reads).toBe(1)
    door.resetRequestStats()
    for (let i = 0; i < 3; i++) expect(await uncached.getSecret(name)).toEqual({ [name]: value })
    expect(door.requestStats().reads).toBe(3)
  })

  it('caches misses', async () => {
    const store = await t.store()
    const door = await t.door()
    const name = t.uniqueName('missing')
    door.resetRequestStats()
    expect(await store.getSecret(name)).toEqual({ [name]: undefined })
    expect(await store.getSecret(name)).toEqual({ [name]: undefined })
    expect(door.requestStats().reads).toBe(1)
  })

  it('evicts the least recently used name when the cache is full', async () => {
    const [a, b, c] = [t.uniqueName('a'), t.uniqueName('b'), t.uniqueName('c')]
    const store = await t.store({ cache: { maxEntries: 2 } })
    const door = await t.door()
    for (const name of [a, b, a, c]) await store.getSecret(name) // c evicts b, the least recently used
    door.resetRequestStats()
    await store.getSecret(a)
    await store.getSecret(c)
    expect(door.requestStats().reads).toBe(0)
    await store.getSecret(b)
    expect(door.requestStats().reads).toBe(1)
  })

  it('makes one backend read for 1,000 concurrent readers of a cold name', async () => {
    const name = t.uniqueName()
    const value = t.detector.secret()
    const door = await t.door()
    await door.set(name, value)
    const store = await t.store()
    door.resetRequestStats()
    const results = await Promise.all(Array.from({ length: 1000 }, () => store.getSecret(name)))
    expect(results.every((r) => r[name] === value)).toBe(true)
    expect(door.requestStats().reads).toBe(1)
  })

  it('keeps at most maxConcurrency read requests in flight', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `${t.uniqueName('many')}-${i}`)
    const door = await t.door()
    for (const name of names.slice(0, 5)) await door.set(name, t.detector.secret())
    const store = await t.store({ maxConcurrency: 3 })
    // Slow answers make the reads overlap as far as the bound lets them.
    ;(await t.faults()).inject({ kind: 'delay', ms: 40 }, { match: t.isRead })
    door.resetRequestStats()
    const result = await store.getSecret(...names)
    expect(Object.keys(result)).toHaveLength(20)
    const { reads, peakReads } = door.requestStats()
    expect(peakReads).toBeLessThanOrEqual(3)
    if (capabilitiesOf(store).batchReads) expect(reads).toBeLessThan(20)
    else expect([reads, peakReads]).toEqual([20, 3])
  })

  it('does not let a failed read touch the cache', async () => {
    const name = t.uniqueName()
    const value = t.detector.secret()
    await (await t.door()).set(name, value)
    const store = await t.store()
    const faults = await t.faults()
    faults.inject({ kind: 'status', status: 500 }, { match: t.isRead })
    expect(await t.rejection(store.getSecret(name))).toBeInstanceOf(SecretStoreError)
    faults.clear()
    expect(await store.getSecret(name)).toEqual({ [name]: value })
  })

  it('serves the last good value inside the stale-if-error window when the backend fails', async () => {
    const name = t.uniqueName()
    const value = t.detector.secret()
    await (await t.door()).set(name, value)
    const store = await t.store({ cache: { ttlMs: 20, staleIfErrorMs: 600_000 } })
    expect(await store.getSecret(name)).toEqual({ [name]: value })
    await sleep(80) // past the 20 ms TTL
    ;(await t.faults()).inject({ kind: 'reset' }, { match: t.isRead })
    expect(await store.getSecret(name)).toEqual({ [name]: value })
  })

  if (!t.readOnly) {
    it('does not let a failed write leave a stale value in the cache', async () => {
      const name = t.uniqueName()
      const [v1, v2] = [t.detector.secret('v1'), t.detector.secret('v2')]
      await (await t.door()).set(name, v1)
      const store = await t.store()
      expect(await store.getSecret(name)).toEqual({ [name]: v1 })
      const faults = await t.faults()
      faults.inject({ kind: 'status', status: 500 }, { match: (request) => !t.isRead(request) })
      expect(await t.rejection(store.setSecret(name, v2))).toBeInstanceOf(SecretStoreError)
      faults.clear()
      expect(await store.getSecret(name)).toEqual({ [name]: v1 })
      expect(await (await t.door()).get(name)).toBe(v1)
    })
  }
}
