import { inspect } from 'node:util'
import type { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base'
import { type SecretStoreError, SPAN_ATTRIBUTES, SPAN_NAMES, StoreDestroyedError } from '@secret-store/core'
import { expect, it } from 'vitest'
import type { SuiteContext } from './context.js'

export function registerLeakTests(t: SuiteContext, spans: InMemorySpanExporter | undefined): void {
  it('never shows a value or a credential in util.inspect, JSON or spread copies of the store', async () => {
    const name = t.uniqueName()
    const value = t.detector.secret()
    await (await t.door()).set(name, value)
    const store = await t.store()
    await store.getSecret(name)
    const credentials =
      typeof t.options.credentials === 'function' ? t.options.credentials() : (t.options.credentials ?? [])
    for (const form of [
      inspect(store, { depth: 10, showHidden: true }),
      JSON.stringify(store),
      JSON.stringify({ ...store }),
    ]) {
      expect(form).not.toContain(value)
      for (const credential of credentials) expect(form.includes(credential), 'a credential shows').toBe(false)
    }
  })

  it.skipIf(spans === undefined)(
    'emits one span per operation with distinct names, counts and cache hits, never values',
    async () => {
      const name = t.uniqueName()
      const value = t.detector.secret()
      await (await t.door()).set(name, value)
      const store = await t.store()
      await store.getSecret(name, t.uniqueName('missing'))
      await store.getSecret(name)
      if (!t.readOnly) {
        await store.setSecret(name, t.detector.secret('v2'))
        await store.removeSecret(name)
      }
      const finished = (spans?.getFinishedSpans() ?? []).filter(
        (s) => s.attributes[SPAN_ATTRIBUTES.store] === store.name,
      )
      expect(finished.map((s) => s.name)).toEqual(
        t.readOnly
          ? [SPAN_NAMES.get, SPAN_NAMES.get]
          : [SPAN_NAMES.get, SPAN_NAMES.get, SPAN_NAMES.set, SPAN_NAMES.remove],
      )
      expect(finished[0]?.attributes[SPAN_ATTRIBUTES.nameCount]).toBe(2)
      expect(finished[0]?.attributes[SPAN_ATTRIBUTES.cacheHits]).toBe(0)
      expect(finished[1]?.attributes[SPAN_ATTRIBUTES.cacheHits]).toBe(1)
      for (const span of finished) expect(JSON.stringify(span.attributes)).not.toContain(value)
    },
  )

  it('rejects every call after destroy() with StoreDestroyedError; destroy() twice is fine', async () => {
    const name = t.uniqueName()
    const store = await t.store()
    await store.destroy()
    const calls = [
      () => store.getSecret(name),
      () => store.setSecret(name, t.detector.secret()),
      () => store.removeSecret(name),
    ]
    for (const call of calls) {
      const error = await t.rejection(call())
      expect(error).toBeInstanceOf(StoreDestroyedError)
      expect((error as SecretStoreError).code).toBe('STORE_DESTROYED')
    }
    await expect(store.destroy()).resolves.toBeUndefined()
  })
}
