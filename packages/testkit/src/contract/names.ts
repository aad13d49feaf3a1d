import { expect, it } from 'vitest'
import type { SuiteContext } from './context.js'

export function registerNameTests(t: SuiteContext): void {
  const brownfield = t.options.names?.brownfield ?? []
  it("is given names in the backend's own style", () => {
    expect(brownfield.length, 'pass names.brownfield: existing-secret names as the backend shows them').toBeGreaterThan(
      0,
    )
  })
  for (const entry of brownfield) {
    const label = typeof entry === 'string' ? entry : entry.label
    it(`reads${t.readOnly ? '' : ', overwrites and removes'} ${label}`, async () => {
      const [v1, v2] = [t.detector.secret('v1'), t.detector.secret('v2')]
      const door = await t.door()
      let name: string
      if (typeof entry === 'string') {
        name = entry
        await door.remove(name)
        await door.set(name, v1)
      } else {
        name = await entry.create(v1)
      }
      try {
        const store = await t.store()
        expect(await store.getSecret(name)).toEqual({ [name]: v1 })
        if (t.readOnly) return
        await store.setSecret(name, v2)
        expect(await door.get(name)).toBe(v2)
        expect(await (await t.store({ cache: false })).getSecret(name)).toEqual({ [name]: v2 })
        await store.removeSecret(name)
        expect(await door.get(name)).toBeUndefined()
        expect(await (await t.store({ cache: false })).getSecret(name)).toEqual({ [name]: undefined })
      } finally {
        await door.remove(name)
      }
    })
  }
}
