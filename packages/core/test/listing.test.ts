import {
  DefaultSecretStore,
  InvalidSecretNameError,
  NotSupportedError,
  OperationDisabledError,
  type SecretNameListing,
  type SecretNamePage,
  SecretStoreBaseClass,
  StoreDestroyedError,
  UnavailableError,
} from '@secret-store/core'
import { describe, expect, it } from 'vitest'

const collect = async (names: AsyncIterable<string>) => {
  const out: string[] = []
  for await (const name of names) out.push(name)
  return out
}

const rejection = async (names: AsyncIterable<string>) =>
  collect(names).then(
    () => {
      throw new Error('expected the listing to fail')
    },
    (err: unknown) => err,
  )

/** A store whose listing hook answers scripted pages and records each request. */
class PagedStore extends SecretStoreBaseClass {
  readonly requests: SecretNameListing[] = []
  constructor(
    readonly pages: Array<SecretNamePage | Error>,
    options: Partial<ConstructorParameters<typeof SecretStoreBaseClass>[1]> = {},
  ) {
    super('PagedStore', { enableGet: true, retry: { baseDelayMs: 1 }, ...options, config: {} })
  }
  protected async getSecretImpl() {
    return undefined
  }
  protected async setSecretImpl() {}
  protected async removeSecretImpl() {}
  protected override async listSecretNamesImpl(listing: SecretNameListing): Promise<SecretNamePage> {
    this.requests.push(listing)
    const page = this.pages.shift()
    if (page === undefined) throw new Error('no page left')
    if (page instanceof Error) throw page
    return page
  }
}

class Unlisted extends SecretStoreBaseClass {
  constructor() {
    super('Unlisted', { config: {} })
  }
  protected async getSecretImpl() {
    return undefined
  }
  protected async setSecretImpl() {}
  protected async removeSecretImpl() {}
}

describe('listSecretNames', () => {
  it('follows cursors, filters by exact-case prefix and yields each name once', async () => {
    const store = new PagedStore([
      { names: ['app/a', 'App/b', 'app/b'], cursor: 'c1' },
      { names: ['app/b', 'other', 'app/c'], cursor: 'c2' },
      { names: [], cursor: '' },
    ])
    expect(store.capabilities.listing).toBe(true)
    expect(await collect(store.listSecretNames({ prefix: 'app/', pageSize: 3 }))).toEqual(['app/a', 'app/b', 'app/c'])
    expect(store.requests).toEqual([
      { prefix: 'app/', cursor: undefined, pageSize: 3 },
      { prefix: 'app/', cursor: 'c1', pageSize: 3 },
      { prefix: 'app/', cursor: 'c2', pageSize: 3 },
    ])
  })

  it('streams: a consumer that stops after the first name fetches one page', async () => {
    const store = new PagedStore([
      { names: ['a', 'b'], cursor: 'c1' },
      { names: ['c'], cursor: undefined },
    ])
    for await (const name of store.listSecretNames()) {
      expect(name).toBe('a')
      break
    }
    expect(store.requests).toHaveLength(1)
  })

  it('retries a page that failed with a retryable error, and gives up on a cursor loop', async () => {
    const busy = Object.assign(new Error('busy'), { status: 503 })
    const store = new PagedStore([busy, { names: ['a'], cursor: 'x' }, { names: ['b'], cursor: 'x' }])
    const error = await rejection(store.listSecretNames())
    expect(error).toBeInstanceOf(UnavailableError)
    expect((error as Error).message).toContain('cursor it was given')
    expect(store.requests.map((r) => r.cursor)).toEqual([undefined, undefined, 'x'])
  })

  it('refuses bad options, disabled reads, nameTransform and destroyed stores with typed errors', async () => {
    const store = new PagedStore([{ names: ['a'] }])
    expect(await rejection(store.listSecretNames({ prefix: 'a\nb' }))).toBeInstanceOf(InvalidSecretNameError)
    expect(await rejection(store.listSecretNames({ pageSize: 0 }))).toBeInstanceOf(RangeError)
    expect(await rejection(store.listSecretNames({ pageSize: 1001 }))).toBeInstanceOf(RangeError)
    expect(await rejection(store.listSecretNames(null as never))).toBeInstanceOf(TypeError)
    const disabled = new PagedStore([], { enableGet: false })
    const off = await rejection(disabled.listSecretNames())
    expect(off).toBeInstanceOf(OperationDisabledError)
    expect((off as Error).message).toContain('listing needs enableGet')
    const transformed = new PagedStore([], { nameTransform: (n: string) => `prod/${n}` })
    expect(await rejection(transformed.listSecretNames())).toBeInstanceOf(NotSupportedError)
    await store.destroy()
    expect(await rejection(store.listSecretNames())).toBeInstanceOf(StoreDestroyedError)
    expect(store.requests).toHaveLength(0)
  })

  it('is NotSupportedError on a store without a listing hook, and capabilities say so', async () => {
    const store = new Unlisted()
    expect(store.capabilities.listing).toBe(false)
    const error = await rejection(store.listSecretNames())
    expect(error).toBeInstanceOf(NotSupportedError)
    expect((error as NotSupportedError).operation).toBe('list')
  })

  it('DefaultSecretStore pages its map in code-unit order', async () => {
    const store = new DefaultSecretStore({ config: { b: '1', a: '2', 'a/x': '3', B: '4', c: '5' } })
    expect(await collect(store.listSecretNames({ pageSize: 2 }))).toEqual(['B', 'a', 'a/x', 'b', 'c'])
    expect(await collect(store.listSecretNames({ prefix: 'a' }))).toEqual(['a', 'a/x'])
    await store.destroy()
  })
})
