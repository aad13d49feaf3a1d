import {
  InvalidSecretNameError,
  type ListSecretNamesOptions,
  NotSupportedError,
  OperationDisabledError,
  type SecretNameLister,
  type SecretStore,
  UnavailableError,
} from '@secret-store/core'
import { expect, it } from 'vitest'
import { capabilitiesOf, type SuiteContext } from './context.js'

/** Every name a listing streams, in order. */
export async function collectNames(names: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = []
  for await (const name of names) out.push(name)
  return out
}

const lister = (store: SecretStore) => store as SecretStore & Partial<SecretNameLister>

/** Every name `store.listSecretNames(options)` streams. */
function listAll(store: SecretStore, options?: ListSecretNamesOptions): Promise<string[]> {
  const { listSecretNames } = lister(store)
  if (listSecretNames === undefined) return Promise.reject(new TypeError(`${store.name} has no listSecretNames`))
  return collectNames(listSecretNames.call(store, options))
}

/**
 * Listing names (`listSecretNames`), an optional capability: a store either lists every name it holds
 * under a prefix, each once and readable by that name, or declares `listing: false` and says so with
 * `NotSupportedError`.
 */
export function registerListingTests(t: SuiteContext): void {
  const reason = t.options.unsupported?.listing

  if (reason !== undefined) {
    it(`declares listing unsupported (${reason}) and refuses it with NotSupportedError`, async () => {
      const store = lister(await t.store())
      expect(capabilitiesOf(store).listing).toBe(false)
      if (store.listSecretNames === undefined) return
      expect(await t.rejection(listAll(store))).toBeInstanceOf(NotSupportedError)
    })
    return
  }

  /** Creates `count` names under a fresh prefix through the back door; returns the prefix and names. */
  const seed = async (count: number) => {
    const prefix = t.uniqueName('ls')
    const names = Array.from({ length: count }, (_, i) => `${prefix}-${i}`)
    const door = await t.door()
    for (const name of names) await door.set(name, t.detector.secret(name))
    return { prefix, names, door }
  }

  it('declares listing and lists exactly the names under a prefix, each once, across pages', async () => {
    const { prefix, names, door } = await seed(5)
    // Same letters, other case: an exact-case prefix must leave it out, whatever the backend's filter does.
    const decoy = `${prefix.toUpperCase()}-decoy`
    await door.set(decoy, t.detector.secret('decoy'))
    try {
      const store = lister(await t.store())
      expect(capabilitiesOf(store).listing).toBe(true)
      const listed = await listAll(store, { prefix, pageSize: t.options.listingPageSize ?? 2 })
      expect([...listed].sort()).toEqual([...names].sort())
      expect(new Set(listed).size).toBe(listed.length)
    } finally {
      await door.remove(decoy)
    }
  })

  it('lists names that read back by themselves, and stops listing a removed one', async () => {
    const { prefix, names, door } = await seed(3)
    const store = await t.store()
    const list = () => listAll(store, { prefix })
    const listed = await list()
    const values = await store.getSecret(...listed)
    for (const name of names) expect(values[name], name).toBeDefined()
    const [gone] = names as [string]
    if (t.readOnly) await door.remove(gone)
    else await store.removeSecret(gone)
    expect((await list()).sort()).toEqual(names.slice(1).sort())
  })

  it('lists brownfield names by their own names', async () => {
    const door = await t.door()
    const store = lister(await t.store())
    const brownfield = (t.options.names?.brownfield ?? []).filter((name): name is string => typeof name === 'string')
    for (const name of brownfield) {
      await door.remove(name)
      await door.set(name, t.detector.secret())
      try {
        const listed = await listAll(store, { prefix: name })
        expect(listed, name).toContain(name)
      } finally {
        await door.remove(name)
      }
    }
  })

  it('retries a page the backend failed with a 503', async () => {
    const { prefix, names } = await seed(2)
    const store = lister(await t.store())
    // A first call sets the store up (sidecar probes, auth), so the fault meets the listing itself.
    await store.getSecret(t.uniqueName('warm'))
    ;(await t.faults()).inject({ kind: 'status', status: 503 }, { times: 1 })
    const listed = await listAll(store, { prefix })
    expect(listed.sort()).toEqual([...names].sort())
  })

  it('refuses a bad prefix, disabled reads and an unreachable backend with typed errors', async () => {
    const list = (store: SecretStore, prefix?: string) => t.rejection(listAll(store, { prefix }))
    expect(await list(await t.store(), 'line\nbreak')).toBeInstanceOf(InvalidSecretNameError)
    expect(await list(await t.bareStore({ enableGet: false }))).toBeInstanceOf(OperationDisabledError)
    const unreachable = await t.unreachableStore({ timeoutMs: 1_500, attemptTimeoutMs: 500 })
    expect(await list(unreachable, t.uniqueName())).toBeInstanceOf(UnavailableError)
  })
}
