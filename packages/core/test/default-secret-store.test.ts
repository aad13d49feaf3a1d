import { DefaultSecretStore } from '@secret-store/core'
import { describe, expect, it, vi } from 'vitest'

describe('DefaultSecretStore', () => {
  it('serves the handbook sample: initial values from config, get/set/remove enabled', async () => {
    const secretStore = new DefaultSecretStore({
      enableGet: true,
      enableSet: true,
      enableRemove: true,
      config: {
        paymentApiKey: 'dev-key-only',
      },
    })
    expect(await secretStore.getSecret('paymentApiKey', 'dbPassword')).toEqual({
      paymentApiKey: 'dev-key-only',
      dbPassword: undefined,
    })
    await secretStore.setSecret('paymentApiKey', 'new-key-value')
    expect(await secretStore.getSecret('paymentApiKey')).toEqual({ paymentApiKey: 'new-key-value' })
    await secretStore.removeSecret('paymentApiKey')
    expect(await secretStore.getSecret('paymentApiKey')).toEqual({ paymentApiKey: undefined })
    await secretStore.destroy()
  })

  it('keeps initial values out of inspect, JSON and the base config', async () => {
    const store = new DefaultSecretStore({ config: { paymentApiKey: 'dev-key-only-value' } })
    expect(JSON.stringify(store)).not.toContain('dev-key-only-value')
    expect(JSON.stringify({ ...store })).not.toContain('dev-key-only-value')
    const { inspect } = await import('node:util')
    expect(inspect(store, { showHidden: true, depth: 10 })).not.toContain('dev-key-only-value')
    await store.destroy()
  })

  it('rejects non-string initial values', () => {
    expect(() => new DefaultSecretStore({ config: { a: 1 as unknown as string } })).toThrow(TypeError)
  })

  it('warns exactly once per process that it is for development only', async () => {
    vi.resetModules()
    const { DefaultSecretStore: Fresh } = await import('../src/default-secret-store.js')
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() }
    new Fresh({ logger })
    new Fresh({ logger })
    expect(logger.warn).toHaveBeenCalledTimes(1)
    expect(String(logger.warn.mock.calls[0]?.[1])).toMatch(/development only/)
  })
})
