import { SecretStoreError, UnavailableError } from '@secret-store/core'
import { describe, expect, it } from 'vitest'
import { rejectionOf, secretStoreRejection } from '../src/index.js'

const unavailable = () => new UnavailableError('get', { store: 'TestStore', secretName: 'db' })

describe('rejectionOf', () => {
  it('returns what the call rejected with, whatever it is', async () => {
    const error = new Error('boom')
    expect(await rejectionOf(Promise.reject(error))).toBe(error)
    expect(await rejectionOf(Promise.reject('a string'))).toBe('a string')
  })

  it('throws when the call resolves', async () => {
    await expect(rejectionOf(Promise.resolve('fine'))).rejects.toThrow('expected the call to reject, but it resolved')
  })
})

describe('secretStoreRejection', () => {
  it('returns the SecretStoreError the call rejected with', async () => {
    const error = unavailable()
    const caught = await secretStoreRejection(Promise.reject(error))
    expect(caught).toBe(error)
    expect(caught).toBeInstanceOf(SecretStoreError)
  })

  it('fails when the call resolves or rejects with anything but a SecretStoreError', async () => {
    await expect(secretStoreRejection(Promise.resolve())).rejects.toThrow('expected the call to reject')
    await expect(secretStoreRejection(Promise.reject(new Error('plain')))).rejects.toThrow(/SecretStoreError/)
  })

  it('fails when a hidden string shows in the message, a cause or the JSON form', async () => {
    const secret = 'hidden-value-0123456789'
    const inMessage = new SecretStoreError('UNKNOWN', `echo ${secret}`, { store: 'TestStore' })
    await expect(secretStoreRejection(Promise.reject(inMessage), [secret])).rejects.toThrow()
    const inJson = new SecretStoreError('UNKNOWN', 'failed', { store: 'TestStore', secretName: secret })
    await expect(secretStoreRejection(Promise.reject(inJson), [secret])).rejects.toThrow()
    const withCause = new UnavailableError('get', { store: 'TestStore', cause: new Error(`cause ${secret}`) })
    await expect(secretStoreRejection(Promise.reject(withCause), ['other', secret])).rejects.toThrow()
    const error = await secretStoreRejection(Promise.reject(unavailable()), [secret, 'another'])
    expect(error.message).not.toContain(secret)
  })
})
