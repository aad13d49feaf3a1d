import {
  InvalidSecretNameError,
  InvalidSecretValueError,
  NotSupportedError,
  type SecretStoreError,
} from '@secret-store/core'
import { expect, it } from 'vitest'
import { capabilitiesOf, type SuiteContext } from './context.js'

export function registerWriteTests(t: SuiteContext): void {
  if (t.readOnly) {
    it(`refuses writes (${t.options.unsupported?.writes}): at construction when enabled, or with NotSupportedError; nothing is written`, async () => {
      const name = t.uniqueName()
      let store: Awaited<ReturnType<SuiteContext['store']>>
      try {
        store = await t.store({ enableSet: true, enableRemove: true })
      } catch (err) {
        // Refused at construction: the message must say why.
        expect(err).toBeInstanceOf(Error)
        expect((err as Error).message).toMatch(/read-only|not supported|cannot/i)
        expect(await (await t.door()).get(name)).toBeUndefined()
        return
      }
      const setError = await t.rejection(store.setSecret(name, t.detector.secret()))
      expect(setError).toBeInstanceOf(NotSupportedError)
      expect((setError as SecretStoreError).code).toBe('NOT_SUPPORTED')
      expect(await t.rejection(store.removeSecret(name))).toBeInstanceOf(NotSupportedError)
      expect(await (await t.door()).get(name)).toBeUndefined()
    })
    return
  }

  it('creates a secret that lands in the backend', async () => {
    const name = t.uniqueName()
    const value = t.detector.secret()
    const store = await t.store()
    await store.setSecret(name, value)
    expect(await (await t.door()).get(name)).toBe(value)
    expect(await store.getSecret(name)).toEqual({ [name]: value })
  })

  it('updates a cached secret: this store and a fresh one read the new value', async () => {
    const name = t.uniqueName()
    const [v1, v2] = [t.detector.secret('v1'), t.detector.secret('v2')]
    await (await t.door()).set(name, v1)
    const store = await t.store()
    expect(await store.getSecret(name)).toEqual({ [name]: v1 })
    await store.setSecret(name, v2)
    expect(await store.getSecret(name)).toEqual({ [name]: v2 })
    expect(await (await t.door()).get(name)).toBe(v2)
    expect(await (await t.store({ cache: false })).getSecret(name)).toEqual({ [name]: v2 })
  })

  it("keeps tenants apart: tenant:<tenant>:<name> never reaches another tenant's secret", async () => {
    const base = t.uniqueName('t')
    // Tenant ids that prefix one another, and names that start with the other tenant's remainder.
    const names = [
      `tenant:acme:${base}`,
      `tenant:acme:corp-${base}`,
      `tenant:acme-corp:${base}`,
      `tenant:acme-corp:corp-${base}`,
      `tenant:acme2:${base}`,
    ]
    const values = names.map((_, i) => t.detector.secret(`tv${i}`))
    const store = await t.store()
    for (const [i, name] of names.entries()) await store.setSecret(name, values[i] as string)
    const fresh = await t.store({ cache: false })
    expect(await fresh.getSecret(...names)).toEqual(Object.fromEntries(names.map((n, i) => [n, values[i]])))
    for (const [i, name] of names.entries()) expect(await (await t.door()).get(name)).toBe(values[i])
    for (const name of names) await (await t.door()).remove(name)
  })

  it('rejects invalid values with InvalidSecretValueError and changes nothing', async () => {
    const name = t.uniqueName()
    const value = t.detector.secret()
    await (await t.door()).set(name, value)
    const store = await t.store()
    const limit = capabilitiesOf(store).maxValueBytes ?? 65_536
    for (const bad of ['', 42, null, undefined, 'x'.repeat(limit + 1), 'lone \ud800 surrogate']) {
      expect(await t.rejection(store.setSecret(name, bad as string))).toBeInstanceOf(InvalidSecretValueError)
    }
    expect(await t.rejection(store.setSecret('', value))).toBeInstanceOf(InvalidSecretNameError)
    expect(await (await t.door()).get(name)).toBe(value)
  })

  it('removes idempotently: a missing name resolves, and reads give undefined afterwards', async () => {
    const name = t.uniqueName()
    await (await t.door()).set(name, t.detector.secret())
    const store = await t.store()
    await store.getSecret(name)
    await store.removeSecret(name)
    expect(await store.getSecret(name)).toEqual({ [name]: undefined })
    expect(await (await t.door()).get(name)).toBeUndefined()
    expect(await (await t.store({ cache: false })).getSecret(name)).toEqual({ [name]: undefined })
    await expect(store.removeSecret(name)).resolves.toBeUndefined()
    await expect(store.removeSecret(t.uniqueName('never'))).resolves.toBeUndefined()
  })

  it('sets a name again right after removing it (recoverable delete)', async () => {
    const name = t.uniqueName()
    const [v1, v2] = [t.detector.secret('v1'), t.detector.secret('v2')]
    const store = await t.store()
    await store.setSecret(name, v1)
    await store.removeSecret(name)
    if (capabilitiesOf(store).recoverableDelete) expect(await (await t.door()).isRecoverable?.(name)).toBe(true)
    await store.setSecret(name, v2)
    expect(await (await t.door()).get(name)).toBe(v2)
    expect(await (await t.store({ cache: false })).getSecret(name)).toEqual({ [name]: v2 })
  })

  it('sets a name again right after purging it', async () => {
    const name = t.uniqueName()
    const [v1, v2] = [t.detector.secret('v1'), t.detector.secret('v2')]
    const store = (await t.store()) as Awaited<ReturnType<SuiteContext['store']>> & {
      removeSecret(name: string, options?: { purge?: boolean }): Promise<void>
    }
    await store.setSecret(name, v1)
    await store.removeSecret(name, { purge: true })
    expect(await (await t.door()).get(name)).toBeUndefined()
    if (capabilitiesOf(store).recoverableDelete) expect(await (await t.door()).isRecoverable?.(name)).toBe(false)
    await store.setSecret(name, v2)
    expect(await (await t.door()).get(name)).toBe(v2)
  })
}
