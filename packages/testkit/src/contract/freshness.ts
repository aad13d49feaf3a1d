import { setTimeout as sleep } from 'node:timers/promises'
import { type FreshSecretReader, type SecretStore, type TypedSecretReader, withSecrets } from '@secret-store/core'
import { expect, it } from 'vitest'
import type { SuiteContext } from './context.js'

/** The store's fresh reads; a store without them fails here with the reason. */
function fresh(store: SecretStore): SecretStore & FreshSecretReader {
  const reader = store as SecretStore & Partial<FreshSecretReader>
  expect(typeof reader.getSecretWith, 'the store offers getSecretWith (SecretStoreBaseClass does)').toBe('function')
  expect(typeof reader.invalidate, 'the store offers invalidate (SecretStoreBaseClass does)').toBe('function')
  return reader as SecretStore & FreshSecretReader
}

/** A downstream system that takes only the current value of a secret, failing like PostgreSQL on another. */
function downstream(current: () => string) {
  return async (given: string | undefined) => {
    if (given !== current()) {
      throw Object.assign(new Error('password authentication failed for user "app"'), { code: '28P01' })
    }
    return 'connected'
  }
}

export function registerFreshnessTests(t: SuiteContext): void {
  it('sees a secret rotated in the backend at once with forceFetch, one backend read for 100 concurrent callers', async () => {
    const name = t.uniqueName('rotated')
    const [before, after] = [t.detector.secret(), t.detector.secret()]
    const door = await t.door()
    await door.set(name, before)
    const store = fresh(await t.store())
    expect(await store.getSecret(name)).toEqual({ [name]: before })
    await door.set(name, after)
    door.resetRequestStats()
    expect(await store.getSecret(name)).toEqual({ [name]: before }) // still cached
    expect(door.requestStats().reads).toBe(0)
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => store.getSecretWith({ forceFetch: true }, name)),
    )
    expect(answers.every((answer) => answer[name] === after)).toBe(true)
    expect(door.requestStats().reads).toBe(1)
    // The fresh value now answers plain reads from the cache.
    expect(await store.getSecret(name)).toEqual({ [name]: after })
    expect(door.requestStats().reads).toBe(1)
  })

  it('answers from the cache within maxAgeMs and reads the rotated value once the cached one is older', async () => {
    const name = t.uniqueName('aged')
    const [before, after] = [t.detector.secret(), t.detector.secret()]
    const door = await t.door()
    await door.set(name, before)
    const store = fresh(await t.store())
    await store.getSecret(name)
    await door.set(name, after)
    door.resetRequestStats()
    expect(await store.getSecretWith({ maxAgeMs: 60_000 }, name)).toEqual({ [name]: before })
    expect(door.requestStats().reads).toBe(0)
    await sleep(150)
    expect(await store.getSecretWith({ maxAgeMs: 100 }, name)).toEqual({ [name]: after })
    expect(door.requestStats().reads).toBe(1)
  })

  it('invalidate sends the next read of those names to the backend', async () => {
    const [a, b] = [t.uniqueName('a'), t.uniqueName('b')]
    const door = await t.door()
    await door.set(a, t.detector.secret())
    await door.set(b, t.detector.secret())
    const store = fresh(await t.store())
    await store.getSecret(a, b)
    const rotated = t.detector.secret()
    await door.set(a, rotated)
    door.resetRequestStats()
    store.invalidate(a)
    expect((await store.getSecret(a, b))[a]).toBe(rotated)
    expect(door.requestStats().reads).toBe(1)
  })

  it('withSecrets: after a rotation, 50 concurrent callers rejected downstream make one backend read and succeed', async () => {
    const name = t.uniqueName('rotation-storm')
    const [before, after] = [t.detector.secret(), t.detector.secret()]
    const door = await t.door()
    await door.set(name, before)
    const store = await t.store()
    await store.getSecret(name)
    // The rotation lands in the backend and downstream; the store's cache still holds the old value.
    await door.set(name, after)
    const connect = downstream(() => after)
    door.resetRequestStats()
    const results = await Promise.all(
      Array.from({ length: 50 }, () => withSecrets(store, [name], (secrets) => connect(secrets[name]))),
    )
    expect(results.every((result) => result === 'connected')).toBe(true)
    expect(door.requestStats().reads).toBe(1)
  })
}

export function registerTypedValueTests(t: SuiteContext): void {
  it('reads JSON parsed (written through the store where it writes) and the UTF-8 bytes of a value', async () => {
    const name = t.uniqueName('json')
    const secret = t.detector.secret()
    const value = JSON.stringify({ user: 'app', password: secret, port: 5432, tls: { enabled: true } })
    const store = await t.store()
    if (t.readOnly) await (await t.door()).set(name, value)
    else await store.setSecret(name, value)
    const typed = store as unknown as TypedSecretReader
    expect(await typed.getSecretJson(name)).toEqual({
      user: 'app',
      password: secret,
      port: 5432,
      tls: { enabled: true },
    })
    expect(await typed.getSecretBytes(name)).toEqual(new Uint8Array(Buffer.from(value, 'utf8')))
    expect(await typed.getSecretJson(t.uniqueName('missing'))).toBeUndefined()
  })
}
