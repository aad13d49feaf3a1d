import { InvalidSecretNameError, SECRET_NAME_MAX_LENGTH, type SecretStoreError } from '@secret-store/core'
import { expect, it } from 'vitest'
import type { SuiteContext } from './context.js'

// Names core's safety rule rejects on every store; each must fail before any backend request.
const UNSAFE_NAMES: unknown[] = [
  '',
  'x'.repeat(SECRET_NAME_MAX_LENGTH + 1),
  'tab\tname',
  'line\nbreak',
  'nul\u0000',
  'sep\u2028',
  42,
  null,
  undefined,
]

export function registerReadTests(t: SuiteContext): void {
  it('returns exactly one key per requested name, undefined for a missing secret', async () => {
    const [a, b, missing] = [t.uniqueName('a'), t.uniqueName('b'), t.uniqueName('missing')]
    const [va, vb] = [t.detector.secret('va'), t.detector.secret('vb')]
    await (await t.door()).set(a, va)
    await (await t.door()).set(b, vb)
    const result = await (await t.store()).getSecret(a, b, missing)
    expect(result).toEqual({ [a]: va, [b]: vb, [missing]: undefined })
    expect(Object.keys(result).sort()).toEqual([a, b, missing].sort())
    expect(Object.hasOwn(result, missing)).toBe(true)
  })

  it('returns frozen results', async () => {
    const name = t.uniqueName()
    await (await t.door()).set(name, t.detector.secret())
    const store = await t.store()
    const cold = await store.getSecret(name, t.uniqueName('other'))
    const warm = await store.getSecret(name)
    expect(Object.isFrozen(cold)).toBe(true)
    expect(Object.isFrozen(warm)).toBe(true)
  })

  it('returns {} for no names without a backend request', async () => {
    const store = await t.store()
    const door = await t.door()
    door.resetRequestStats()
    expect(await store.getSecret()).toEqual({})
    expect(door.requestStats().reads).toBe(0)
  })

  it('reads a name asked for twice once', async () => {
    const name = t.uniqueName()
    const value = t.detector.secret()
    const door = await t.door()
    await door.set(name, value)
    const store = await t.store()
    door.resetRequestStats()
    expect(await store.getSecret(name, name)).toEqual({ [name]: value })
    expect(door.requestStats().reads).toBe(1)
  })

  it('rejects unsafe and backend-invalid names with InvalidSecretNameError before any request', async () => {
    const store = await t.store()
    const door = await t.door()
    door.resetRequestStats()
    for (const bad of [...UNSAFE_NAMES, ...(t.options.names?.invalid ?? [])]) {
      const error = await t.rejection(store.getSecret(bad as string))
      expect(error, `name ${String(bad)}`).toBeInstanceOf(InvalidSecretNameError)
      expect((error as SecretStoreError).code).toBe('INVALID_NAME')
      // A bad name anywhere in a call spoils the whole call before anything is fetched.
      expect(await t.rejection(store.getSecret(t.uniqueName(), bad as string))).toBeInstanceOf(InvalidSecretNameError)
    }
    expect(door.requestStats().reads).toBe(0)
  })
}
