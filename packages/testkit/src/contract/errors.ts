import { OperationDisabledError, type SecretStoreError, UnavailableError } from '@secret-store/core'
import { expect, it } from 'vitest'
import type { Fault } from '../fault-proxy.js'
import type { SuiteContext } from './context.js'

// The same transport failure must give the same error class and retryable flag on every adapter.
const TRANSPORT_FAULTS: Array<[string, Fault]> = [
  ['a reset connection', { kind: 'reset' }],
  ['a 500', { kind: 'status', status: 500 }],
  [
    'a 502 from a proxy',
    { kind: 'status', status: 502, body: '<html>Bad Gateway</html>', headers: { 'content-type': 'text/html' } },
  ],
  ['a 503 with Retry-After: 1.5', { kind: 'status', status: 503, headers: { 'retry-after': '1.5' } }],
  ['a 429', { kind: 'status', status: 429, headers: { 'retry-after': '1' } }],
]

export function registerErrorTests(t: SuiteContext): void {
  it('gives a retryable UnavailableError for every operation when the backend does not listen', async () => {
    const name = t.uniqueName()
    const store = await t.unreachableStore()
    const calls: Array<() => Promise<unknown>> = [() => store.getSecret(name)]
    if (!t.readOnly)
      calls.push(
        () => store.setSecret(name, t.detector.secret()),
        () => store.removeSecret(name),
      )
    for (const call of calls) {
      const error = (await t.rejection(call())) as SecretStoreError
      expect(error).toBeInstanceOf(UnavailableError)
      expect(error.retryable).toBe(true)
      expect(error.store).toBe(store.name)
    }
  })

  for (const [label, fault] of TRANSPORT_FAULTS) {
    it(`classifies ${label} on a read as a retryable UnavailableError`, async () => {
      const name = t.uniqueName()
      // Retries off: this is about what one failed request gives.
      const store = await t.store({ cache: false, retry: false })
      ;(await t.faults()).inject(fault, { match: t.isRead })
      const error = (await t.rejection(store.getSecret(name))) as UnavailableError
      expect(error).toBeInstanceOf(UnavailableError)
      expect(error.retryable).toBe(true)
      expect(error.code).toBe('UNAVAILABLE')
      // Where the SDK lets the header through it is read right; a wrong number is never given.
      if (fault.kind === 'status' && fault.headers?.['retry-after'] !== undefined && error.retryAfterMs !== undefined) {
        expect(error.retryAfterMs).toBe(Number(fault.headers['retry-after']) * 1000)
      }
    })
  }

  it('throws OperationDisabledError for get when enableGet is false, without a request', async () => {
    const store = await t.store({ enableGet: false })
    const door = await t.door()
    door.resetRequestStats()
    expect(await t.rejection(store.getSecret(t.uniqueName()))).toBeInstanceOf(OperationDisabledError)
    expect(door.requestStats().reads).toBe(0)
  })
}
