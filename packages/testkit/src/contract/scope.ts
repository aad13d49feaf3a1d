import { setTimeout as sleep } from 'node:timers/promises'
import { AccessDeniedError, bindSecrets, OperationDisabledError, type SecretStoreError } from '@secret-store/core'
import { expect, it } from 'vitest'
import type { SuiteContext } from './context.js'

export function registerScopeTests(t: SuiteContext): void {
  it('enables only get by default; set and remove throw OperationDisabledError and change nothing', async () => {
    const name = t.uniqueName()
    const value = t.detector.secret()
    await (await t.door()).set(name, value)
    const store = await t.bareStore({})
    const setError = await t.rejection(store.setSecret(name, t.detector.secret('other')))
    expect(setError).toBeInstanceOf(OperationDisabledError)
    expect((setError as SecretStoreError).code).toBe('OPERATION_DISABLED')
    expect(await t.rejection(store.removeSecret(name))).toBeInstanceOf(OperationDisabledError)
    expect(await (await t.door()).get(name)).toBe(value)
    expect(await store.getSecret(name)).toEqual({ [name]: value })
  })

  it("gives a handler's tenant view its own secrets under its own names, and nothing else", async () => {
    const name = t.uniqueName('scoped')
    const value = t.detector.secret()
    const door = await t.door()
    await door.set(`tenant:acme:${name}`, value)
    await door.set(name, t.detector.secret('unscoped'))
    const view = bindSecrets(await t.store(), { tenant: 'acme', names: [name] })
    expect(await view.getSecret(name)).toEqual({ [name]: value })
    door.resetRequestStats()
    expect(await t.rejection(view.getSecret(t.uniqueName('other')))).toBeInstanceOf(AccessDeniedError)
    expect(door.requestStats().reads).toBe(0)
    if (!t.readOnly) {
      const next = t.detector.secret('next')
      await view.setSecret(name, next)
      expect(await door.get(`tenant:acme:${name}`)).toBe(next)
      await door.remove(`tenant:acme:${name}`)
    }
  })

  it("takes PURISTA's enableCache, cacheTtl and logLevel", async () => {
    const name = t.uniqueName()
    await (await t.door()).set(name, t.detector.secret())
    const door = await t.door()
    const uncached = await t.bareStore({ enableCache: false })
    door.resetRequestStats()
    await uncached.getSecret(name)
    await uncached.getSecret(name)
    expect(door.requestStats().reads).toBe(2)

    const shortLived = await t.bareStore({ enableCache: true, cacheTtl: 20 })
    door.resetRequestStats()
    await shortLived.getSecret(name)
    await shortLived.getSecret(name)
    expect(door.requestStats().reads).toBe(1)
    await sleep(80) // past the 20 ms TTL
    await shortLived.getSecret(name)
    expect(door.requestStats().reads).toBe(2)

    const lines: string[] = []
    const record = (level: string) => () => void lines.push(level)
    const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') }
    const quiet = await t.bareStore({ logLevel: 'error', logger })
    await quiet.getSecret(name, t.uniqueName('missing'))
    expect(lines.filter((level) => level !== 'error')).toEqual([])
    const chatty = await t.bareStore({ logLevel: 'debug', logger })
    await chatty.getSecret(name)
    expect(lines).toContain('debug')
  })
}
