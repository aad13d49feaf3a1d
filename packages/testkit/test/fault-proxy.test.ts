import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FaultProxy, memoryBackend, startFaultProxy } from '../src/index.js'

// Proves the checkers the contract suite relies on: the proxy counts reads and their peak, and each
// fault really happens (so a store that ignored faults, or a counter that missed reads, would fail it).
describe('startFaultProxy', () => {
  const backend = createServer((req, res) => {
    setTimeout(() => res.end(JSON.stringify({ path: req.url })), 20)
  })
  let proxy: FaultProxy

  beforeAll(async () => {
    backend.listen(0, '127.0.0.1')
    await once(backend, 'listening')
    proxy = await startFaultProxy({ target: `http://127.0.0.1:${(backend.address() as AddressInfo).port}` })
  })
  afterAll(async () => {
    await proxy.close()
    backend.close()
  })

  it('forwards, counts reads and the peak of reads in flight, and resets', async () => {
    proxy.resetRequestStats()
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => fetch(`${proxy.url}/r${i}`).then((r) => r.json())),
    )
    await fetch(`${proxy.url}/w`, { method: 'PUT', body: 'x' }).then((r) => r.text())
    expect(answers.map((a) => (a as { path: string }).path).sort()).toEqual(['/r0', '/r1', '/r2', '/r3', '/r4'])
    expect(proxy.requestStats()).toEqual({ reads: 5, peakReads: 5 })
    expect(proxy.stats.requests).toBe(6)
    proxy.resetRequestStats()
    expect(proxy.requestStats()).toEqual({ reads: 0, peakReads: 0 })
  })

  it('injects a status for matching requests, the given number of times', async () => {
    proxy.inject(
      { kind: 'status', status: 503, headers: { 'retry-after': '1' } },
      { times: 2, match: (r) => r.path === '/x' },
    )
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${proxy.url}/x`)).status)
    expect(statuses).toEqual([503, 503, 200])
    expect((await fetch(`${proxy.url}/y`)).status).toBe(200)
    proxy.clear()
  })

  it('runs a before hook to completion ahead of forwarding, for matching requests only', async () => {
    const order: string[] = []
    proxy.inject(
      {
        kind: 'before',
        run: async (request) => {
          order.push(`hook ${request.method} ${request.path}`)
          await new Promise((resolve) => setTimeout(resolve, 30))
          order.push('hook done')
        },
      },
      { times: 1, match: (r) => r.method === 'POST' },
    )
    await fetch(`${proxy.url}/a`).then((r) => r.text())
    order.push('GET answered')
    await fetch(`${proxy.url}/b`, { method: 'POST', body: 'x' }).then((r) => r.text())
    order.push('POST answered')
    await fetch(`${proxy.url}/c`, { method: 'POST', body: 'x' }).then((r) => r.text())
    order.push('second POST answered')
    expect(order).toEqual(['GET answered', 'hook POST /b', 'hook done', 'POST answered', 'second POST answered'])
    // A hook that throws drops the connection: the client sees a failure, not an answer.
    proxy.inject({ kind: 'before', run: () => Promise.reject(new Error('hook failed')) }, { times: 1 })
    await expect(fetch(`${proxy.url}/d`)).rejects.toThrow()
    proxy.clear()
  })

  it('resets a connection, cuts an answer short, and holds a blackholed request until clear()', async () => {
    proxy.inject({ kind: 'reset' }, { times: 1 })
    await expect(fetch(`${proxy.url}/a`)).rejects.toThrow()
    proxy.inject({ kind: 'cut' }, { times: 1 })
    await expect(fetch(`${proxy.url}/b`).then((r) => r.text())).rejects.toThrow()
    proxy.inject({ kind: 'blackhole' })
    const held = fetch(`${proxy.url}/c`, { signal: AbortSignal.timeout(5_000) })
    const outcome = await Promise.race([
      held.then(
        () => 'answered',
        () => 'failed',
      ),
      new Promise((r) => setTimeout(() => r('held'), 100)),
    ])
    expect(outcome).toBe('held')
    proxy.clear()
    await expect(held).rejects.toThrow()
  })
})

describe('memoryBackend', () => {
  it('counts reads and raises the injected faults the way a client would', async () => {
    const { map, backdoor, faults, unreachableMap } = memoryBackend()
    await backdoor.set('a', 'value-a')
    expect(map.get('a')).toBe('value-a')
    expect(backdoor.requestStats().reads).toBe(1)
    faults.inject({ kind: 'status', status: 500 }, { times: 1 })
    expect(() => map.get('a')).toThrow(expect.objectContaining({ status: 500 }))
    faults.inject({ kind: 'reset' }, { times: 1 })
    expect(() => map.get('a')).toThrow(expect.objectContaining({ code: 'ECONNRESET' }))
    faults.inject({ kind: 'delay', ms: 5 }, { times: 1 })
    await expect(map.get('a') as unknown as Promise<string>).resolves.toBe('value-a')
    expect(() => unreachableMap.get('a')).toThrow(expect.objectContaining({ code: 'ECONNREFUSED' }))
    backdoor.resetRequestStats()
    expect(backdoor.requestStats().reads).toBe(0)
  })

  it('raises a status or connection fault on a listing of the keys, once per injection', async () => {
    const { map, backdoor, faults, unreachableMap } = memoryBackend()
    await backdoor.set('a', 'value-a')
    faults.inject({ kind: 'status', status: 503 }, { times: 1 })
    expect(() => map.keys()).toThrow(expect.objectContaining({ status: 503 }))
    expect([...map.keys()]).toEqual(['a'])
    faults.inject({ kind: 'reset' }, { times: 1 })
    expect(() => map.keys()).toThrow(expect.objectContaining({ code: 'ECONNRESET' }))
    expect(() => unreachableMap.keys()).toThrow(expect.objectContaining({ code: 'ECONNREFUSED' }))
  })
})
