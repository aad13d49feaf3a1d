/**
 * Listing names on a real daprd (test/support/daprd.ts) through @dapr/dapr's DaprClient: one bulk read per
 * listing (counted by a fault proxy), the names of the local file stores as daprd shows them, scoping, and
 * a component that does not implement the bulk read; and the name filter on its own.
 */
import { NotSupportedError, type SecretStoreError, UnavailableError } from '@secret-store/core'
import { type FaultProxy, type ProxiedRequest, rejectionOf, startFaultProxy } from '@secret-store/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { bulkNotSupported, DaprResponseError } from '../src/errors.js'
import { DaprSecretStore, type DaprSecretStoreOptions } from '../src/index.js'
import { listedNames } from '../src/listing.js'
import { DEFAULT_NAME_RULES } from '../src/names.js'
import { DAPRD_STORES, type Daprd, type SecretsJson, startDaprd } from './support/daprd.js'

const SECRETS: SecretsJson = {
  'db-password': 's3cret',
  empty: '',
  denied: 'not for you',
  db: { user: 'admin', password: 'pw' },
  'h#x': 'hash',
  'tenant:acme:stripeKey': 'acme',
}
const { file, multiValued } = DAPRD_STORES

const isSecretsRead = (request: ProxiedRequest) => request.method === 'GET' && request.path.startsWith('/v1.0/secrets/')
const daprBody = (errorCode: string, message: string) => JSON.stringify({ errorCode, message })

async function names(store: DaprSecretStore, options: { prefix?: string; pageSize?: number } = {}) {
  const out: string[] = []
  for await (const name of store.listSecretNames(options)) out.push(name)
  return out
}

describe('listing names on a daprd with local file stores', () => {
  let daprd: Daprd
  let proxy: FaultProxy
  const stores: DaprSecretStore[] = []
  const on = (secretStoreName: string, options: Partial<DaprSecretStoreOptions> = {}) => {
    const store = new DaprSecretStore({
      secretStoreName,
      daprHost: '127.0.0.1',
      daprPort: Number(new URL(proxy.url).port),
      cache: false,
      ...options,
    } as DaprSecretStoreOptions)
    stores.push(store)
    return store
  }
  /** The secrets API requests the proxy saw, below the store. */
  const paths = () =>
    proxy.stats.log.filter(isSecretsRead).map((request) => request.path.replace(/^\/v1\.0\/secrets\/[^/]+\//, ''))

  beforeAll(async () => {
    daprd = await startDaprd({ secrets: SECRETS, secretScopes: { [file]: { deniedSecrets: ['denied'] } } })
    proxy = await startFaultProxy({ target: daprd.httpEndpoint, isRead: isSecretsRead })
  })
  afterAll(async () => {
    await proxy?.close()
    await daprd?.stop()
  })
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.destroy()
    proxy.clear()
    proxy.resetRequestStats()
  })

  it('lists the keys daprd shows, from one bulk read whatever the page size, leaving out what reads as nothing', async () => {
    const store = on(file)
    expect(store.capabilities.listing).toBe(true)
    // Nested keys flattened with ":", the tenant form as one key; `empty` reads as undefined, `h#x` as a key
    // of `h`, and `denied` is scoped out of the bulk answer by daprd.
    expect((await names(store, { pageSize: 1 })).sort()).toEqual([
      'db-password',
      'db:password',
      'db:user',
      'tenant:acme:stripeKey',
    ])
    expect(paths()).toEqual(['bulk'])
    expect(await names(store, { prefix: 'db:' })).toEqual(expect.arrayContaining(['db:password', 'db:user']))
    expect(paths()).toEqual(['bulk', 'bulk'])
    // Every listed name reads back by itself.
    const listed = await names(store)
    expect(Object.values(await store.getSecret(...listed)).every((value) => value !== undefined)).toBe(true)
  })

  it('stops after the first name with the one request made', async () => {
    const store = on(file)
    for await (const name of store.listSecretNames()) {
      expect(typeof name).toBe('string')
      break
    }
    expect(paths()).toEqual(['bulk'])
  })

  it('lists a multi-valued secret once, by the name that reads it whole; `h#x` too without a key separator (no scoping here)', async () => {
    const store = on(multiValued, { keySeparator: false })
    expect((await names(store)).sort()).toEqual(['db', 'db-password', 'denied', 'h#x', 'tenant:acme:stripeKey'])
    expect(await store.getSecret('db')).toEqual({ db: '{"password":"pw","user":"admin"}' })
  })

  it('lists keys as daprd shows them under tenantSeparator "/": the tenant form with ":" is not one of them', async () => {
    expect(await names(on(file, { tenantSeparator: '/' }), { prefix: 'tenant' })).toEqual([])
  })

  it('refuses listing with NotSupportedError, once, when the component does not implement the bulk read', async () => {
    proxy.inject(
      {
        kind: 'status',
        status: 500,
        headers: { 'content-type': 'application/json' },
        body: daprBody(
          'ERR_SECRET_GET',
          'failed getting secrets from secret store local-file: rpc error: code = Unimplemented desc = method BulkGet not implemented',
        ),
      },
      { match: (request) => request.path.endsWith('/bulk') },
    )
    const error = (await rejectionOf(names(on(file, { retry: { attempts: 3 } })))) as SecretStoreError
    expect(error).toBeInstanceOf(NotSupportedError)
    expect(error.operation).toBe('list')
    expect(error.message).toContain("does not implement Dapr's bulk secret read")
    expect(paths()).toEqual(['bulk'])
  })

  it('retries another failed bulk read as unavailable, and lists no names for an empty answer (204)', async () => {
    proxy.inject(
      {
        kind: 'status',
        status: 500,
        headers: { 'content-type': 'application/json' },
        body: daprBody('ERR_SECRET_GET', 'failed getting secrets from secret store local-file: connection refused'),
      },
      { match: (request) => request.path.endsWith('/bulk'), times: 1 },
    )
    expect((await names(on(file))).length).toBe(4)
    expect(paths()).toEqual(['bulk', 'bulk'])
    proxy.inject(
      {
        kind: 'status',
        status: 500,
        headers: { 'content-type': 'application/json' },
        body: daprBody('ERR_SECRET_GET', 'boom'),
      },
      { match: (request) => request.path.endsWith('/bulk') },
    )
    expect(await rejectionOf(names(on(file, { retry: false })))).toBeInstanceOf(UnavailableError)
    proxy.clear()
    proxy.inject({ kind: 'status', status: 204 }, { match: (request) => request.path.endsWith('/bulk') })
    expect(await names(on(file))).toEqual([])
  })
})

describe('listedNames', () => {
  const rules = DEFAULT_NAME_RULES
  it('lists one name per secret and leaves out what it could not read back by that name', () => {
    const all = {
      single: { single: 'v' },
      multi: { user: 'u', password: '' },
      emptyValue: { emptyValue: '' },
      emptyMap: {},
      'a#b': { 'a#b': 'v' },
      bulk: { bulk: 'v' },
      '.': { '.': 'v' },
      'line\nbreak': { 'line\nbreak': 'v' },
      'tenant:acme:k': { 'tenant:acme:k': 'v' },
    }
    expect(listedNames(all, rules)).toEqual(['single', 'multi', 'tenant:acme:k'])
    expect(listedNames(all, { ...rules, keySeparator: false })).toEqual(['single', 'multi', 'a#b', 'tenant:acme:k'])
    expect(
      listedNames({ 'tenant/acme/k': { 'tenant/acme/k': 'v' }, ...all }, { ...rules, tenantSeparator: '/' }),
    ).toEqual(['tenant/acme/k', 'single', 'multi'])
  })
})

describe('bulkNotSupported', () => {
  const context = { store: 'DaprSecretStore', secretStoreName: 'vault-unsupported' }
  const bulkError = (message: string, code = 'ERR_SECRET_GET') =>
    new DaprResponseError(500, daprBody(code, `failed getting secrets from secret store vault-unsupported: ${message}`))

  it('is a NotSupportedError for a component that says it does not implement or support the bulk read', () => {
    for (const message of [
      'rpc error: code = Unimplemented desc = unknown method BulkGet',
      'bulk get is not supported',
      'not implemented',
      'operation unsupported by this store',
    ]) {
      const error = bulkNotSupported(bulkError(message), context)
      expect(error, message).toBeInstanceOf(NotSupportedError)
      expect(error?.operation).toBe('list')
      expect(error?.message).not.toContain(message)
    }
  })

  it('is nothing for other failures, another code, or "unsupported" in the store name only', () => {
    expect(bulkNotSupported(bulkError('connection refused'), context)).toBeUndefined()
    expect(bulkNotSupported(bulkError('not implemented', 'ERR_PERMISSION_DENIED'), context)).toBeUndefined()
    expect(bulkNotSupported(new Error('not implemented'), context)).toBeUndefined()
  })
})
