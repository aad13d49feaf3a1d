import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import {
  AccessDeniedError,
  ConfigurationError,
  InvalidSecretNameError,
  InvalidSecretValueError,
  NotSupportedError,
} from '@secret-store/core'
import { secretStoreRejection } from '@secret-store/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { toVaultPath, VaultCheckAndSetError, VaultSecretStore, type VaultSecretStoreOptions } from '../src/index.js'
import { type CountingProxy, startCountingProxy } from './support/http.js'
import { type OpenBaoServer, startOpenBao } from './support/openbao.js'
import {
  createPolicy,
  createToken,
  kvBackdoor,
  mountKv,
  type RawClient,
  rawClient,
  readOrUndefined,
} from './support/vault.js'

let server: OpenBaoServer
let admin: RawClient
const stores: VaultSecretStore[] = []
const proxies: CountingProxy[] = []

beforeAll(async () => {
  server = await startOpenBao()
  admin = rawClient(server.endpoint, server.rootToken)
  await mountKv(admin, 'kv1', 1)
})

afterEach(async () => {
  for (const store of stores.splice(0)) await store.destroy()
  for (const proxy of proxies.splice(0)) await proxy.close()
})

afterAll(async () => {
  await server?.stop()
})

const unique = (label = 'n') => `it_${label}_${randomUUID().slice(0, 8)}`

function makeStore(options: VaultSecretStoreOptions = {}): VaultSecretStore {
  const base = options.client === undefined ? { endpoint: server.endpoint, token: server.rootToken } : {}
  const store = new VaultSecretStore({
    enableSet: true,
    enableRemove: true,
    cache: false,
    ...base,
    ...options,
  } as VaultSecretStoreOptions)
  stores.push(store)
  return store
}

async function proxy(options: Parameters<typeof startCountingProxy>[1] = {}): Promise<CountingProxy> {
  const started = await startCountingProxy(server.endpoint, options)
  proxies.push(started)
  return started
}

const rejection = (promise: Promise<unknown>) => secretStoreRejection(promise)

interface Metadata {
  current_version: number
  versions: Record<string, { deletion_time: string; destroyed: boolean }>
}

const metadata = async (name: string, mount = 'secret'): Promise<Metadata | undefined> =>
  ((await readOrUndefined(admin, `${mount}/metadata/${toVaultPath(name)}`)) as { data: Metadata } | undefined)?.data

describe("the handbook's options", () => {
  it('endpoint, token and mount make a store that reads, writes and removes', async () => {
    // The handbook's VaultSecretStore sample, with the flags of a store that writes.
    const store = new VaultSecretStore({
      enableSet: true,
      enableRemove: true,
      endpoint: server.endpoint,
      token: server.rootToken,
      mount: 'secret',
    })
    stores.push(store)
    const name = unique('handbook')
    await store.setSecret(name, 'handbook-value')
    expect(await kvBackdoor(admin, 'secret', 2).get(name)).toBe('handbook-value')
    expect(await store.getSecret(name)).toEqual({ [name]: 'handbook-value' })
    await store.removeSecret(name)
    expect(await kvBackdoor(admin, 'secret', 2).get(name)).toBeUndefined()
  })
})

describe('names on a real server', () => {
  it('stores tenant:acme:stripeApiKey under that very key, and odd but portable names round trip', async () => {
    const base = unique('names')
    const names = [
      `tenant:acme:${base}`,
      `${base}/.../x`,
      `${base}/.hidden`,
      `${base}/a/b/c/d/e`,
      `${base}/trailing.`,
      `${base}/__proto__`,
    ]
    const store = makeStore()
    for (const [i, name] of names.entries()) await store.setSecret(name, `value-${i}`)
    expect(await store.getSecret(...names)).toEqual(Object.fromEntries(names.map((n, i) => [n, `value-${i}`])))
    // The raw client asks for the unencoded key: Vault stored the name itself, not an escaped form.
    const raw = (await admin.read(`secret/data/tenant:acme:${base}`)) as { data: { data: { value: string } } }
    expect(raw.data.data.value).toBe('value-0')
    for (const name of names) await store.removeSecret(name, { purge: true })
    expect(await store.getSecret(...names)).toEqual(Object.fromEntries(names.map((n) => [n, undefined])))
  })

  it('keeps a prefixed store inside its folder', async () => {
    const name = unique('scoped')
    const acme = makeStore({ prefix: 'tenant/acme' })
    const other = makeStore({ prefix: 'tenant/other' })
    await acme.setSecret(name, 'acme-value')
    expect(await kvBackdoor(admin, 'secret', 2).get(`tenant/acme/${name}`)).toBe('acme-value')
    expect(await other.getSecret(name)).toEqual({ [name]: undefined })
    const gauge = await proxy()
    const watched = makeStore({ prefix: 'tenant/other', endpoint: gauge.endpoint })
    for (const climbing of [`../acme/${name}`, `/tenant/acme/${name}`, `a/../../acme/${name}`]) {
      expect(await rejection(watched.getSecret(climbing))).toBeInstanceOf(InvalidSecretNameError)
    }
    expect(gauge.requests).toEqual([])
  })
})

describe('KV entries and fields', () => {
  it('reads a custom field of an entry written by someone else', async () => {
    const name = unique('field')
    await admin.write(`secret/data/${name}`, { data: { username: 'app', password: 'pw-value' } })
    expect(await makeStore({ field: 'password' }).getSecret(name)).toEqual({ [name]: 'pw-value' })
  })

  it('throws InvalidSecretValueError for an entry without the field, on KV v2 and v1', async () => {
    const name = unique('nofield')
    await admin.write(`secret/data/${name}`, { data: { username: 'app' } })
    await admin.write(`kv1/${name}`, { username: 'app' })
    for (const store of [makeStore(), makeStore({ mount: 'kv1', kvVersion: 1 })]) {
      const error = await rejection(store.getSecret(name))
      expect(error).toBeInstanceOf(InvalidSecretValueError)
      expect(error.code).toBe('INVALID_VALUE')
      expect(error.operation).toBe('get')
    }
  })

  it('gives a clear error, not undefined, for a mount that does not exist', async () => {
    const error = await rejection(makeStore({ mount: 'no-such-mount' }).getSecret('x'))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message).toContain('no route for mount "no-such-mount"')
  })
})

describe('removeSecret on KV v2', () => {
  it('soft-deletes the current version by default; Vault can undelete it', async () => {
    const name = unique('soft')
    const store = makeStore()
    await store.setSecret(name, 'v1')
    await store.removeSecret(name)
    const meta = await metadata(name)
    expect(meta?.versions['1']?.deletion_time).not.toBe('')
    expect(meta?.versions['1']?.destroyed).toBe(false)
    expect(await store.getSecret(name)).toEqual({ [name]: undefined })
    await admin.write(`secret/undelete/${name}`, { versions: [1] })
    expect(await store.getSecret(name)).toEqual({ [name]: 'v1' })
  })

  it('writes a new version after a soft delete', async () => {
    const name = unique('again')
    const store = makeStore()
    await store.setSecret(name, 'v1')
    await store.removeSecret(name)
    await store.setSecret(name, 'v2')
    expect((await metadata(name))?.current_version).toBe(2)
    expect(await store.getSecret(name)).toEqual({ [name]: 'v2' })
  })

  it('destroys every version and the metadata with purge, as a store option or per call', async () => {
    const [a, b, c] = [unique('purge'), unique('purge'), unique('purge')]
    const purging = makeStore({ purgeOnRemove: true })
    expect(purging.capabilities.recoverableDelete).toBe(false)
    for (const name of [a, b, c]) await purging.setSecret(name, 'value')
    await purging.removeSecret(a)
    await makeStore().removeSecret(b, { purge: true })
    await purging.removeSecret(c, { purge: false })
    expect(await metadata(a)).toBeUndefined()
    expect(await metadata(b)).toBeUndefined()
    expect((await metadata(c))?.versions['1']?.deletion_time).not.toBe('')
  })

  it('deletes for good on KV v1, idempotently', async () => {
    const name = unique('v1')
    const store = makeStore({ mount: 'kv1', kvVersion: 1 })
    await store.setSecret(name, 'value')
    await store.removeSecret(name)
    await store.removeSecret(name)
    expect(await readOrUndefined(admin, `kv1/${name}`)).toBeUndefined()
  })
})

describe('check-and-set on KV v2', () => {
  it('writes new versions with cas and satisfies a mount entry that requires it', async () => {
    const name = unique('cas')
    await admin.write(`secret/metadata/${name}`, { cas_required: true })
    const plain = await rejection(makeStore().setSecret(name, 'v0'))
    expect(plain).toBeInstanceOf(VaultCheckAndSetError)
    expect(plain.message).toContain('requires cas: true')
    const store = makeStore({ cas: true })
    await store.setSecret(name, 'v1')
    await store.setSecret(name, 'v2')
    await store.removeSecret(name)
    await store.setSecret(name, 'v3')
    expect((await metadata(name))?.current_version).toBe(3)
    expect(await store.getSecret(name)).toEqual({ [name]: 'v3' })
  })

  it('fails with VaultCheckAndSetError when another writer gets in between, and writes nothing', async () => {
    const name = unique('race')
    await admin.write(`secret/data/${name}`, { data: { value: 'v1' } })
    // The rival writes right after the store has read the version it will name.
    let raced = false
    const gauge = await proxy({
      before: async (req) => {
        if (raced || req.method !== 'POST' || !req.path.startsWith(`secret/data/${name}`)) return
        raced = true
        await admin.write(`secret/data/${name}`, { data: { value: 'rival' } })
      },
    })
    const error = await rejection(makeStore({ cas: true, endpoint: gauge.endpoint }).setSecret(name, 'mine'))
    expect(error).toBeInstanceOf(VaultCheckAndSetError)
    expect(error.retryable).toBe(false)
    expect(await kvBackdoor(admin, 'secret', 2).get(name)).toBe('rival')
  })
})

describe('KV version detection', () => {
  it.each([
    ['secret', 2, true],
    ['kv1', 1, false],
  ] as const)(
    'detects %s as KV v%i with one request shared by concurrent first calls',
    async (mount, version, recoverable) => {
      const names = Array.from({ length: 12 }, () => unique('auto'))
      const door = kvBackdoor(admin, mount, version)
      for (const name of names) await door.set(name, `${name}-value`)
      const gauge = await proxy()
      const store = makeStore({ mount, kvVersion: 'auto', endpoint: gauge.endpoint })
      expect(store.capabilities.recoverableDelete).toBe(false)
      const results = await Promise.all(names.map((name) => store.getSecret(name)))
      expect(results).toEqual(names.map((name) => ({ [name]: `${name}-value` })))
      expect(gauge.requests.filter((r) => r.path.startsWith('sys/internal/ui/mounts/'))).toHaveLength(1)
      expect(store.capabilities.recoverableDelete).toBe(recoverable)
      await store.setSecret(names[0] as string, 'changed')
      expect(await door.get(names[0] as string)).toBe('changed')
      expect(gauge.requests.filter((r) => r.path.startsWith('sys/internal/ui/mounts/'))).toHaveLength(1)
    },
  )

  it('refuses a mount that is not KV', async () => {
    const error = await rejection(makeStore({ mount: 'cubbyhole', kvVersion: 'auto' }).getSecret('x'))
    expect(error).toBeInstanceOf(NotSupportedError)
    expect(error.message).toContain('cubbyhole engine, not KV')
  })
})

describe('reads of several names', () => {
  it.each([3, 8])('keep at most maxConcurrency=%i requests in flight, one request per name', async (limit) => {
    const names = Array.from({ length: 20 }, () => unique('many'))
    const door = kvBackdoor(admin, 'secret', 2)
    for (const name of names) await door.set(name, `${name}-value`)
    // Holding each request briefly makes the reads overlap, so the gauge sees the bound.
    const gauge = await proxy({ holdMs: 25 })
    const store = makeStore({ endpoint: gauge.endpoint, maxConcurrency: limit })
    const result = await store.getSecret(...names)
    expect(result).toEqual(Object.fromEntries(names.map((n) => [n, `${n}-value`])))
    expect(gauge.requests).toHaveLength(names.length)
    expect(gauge.maxInFlight).toBe(limit)
  })
})

/** Every name a listing streams, in order. */
async function collectNames(names: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = []
  for await (const name of names) out.push(name)
  return out
}

describe('listSecretNames', () => {
  /** A small tree under a fresh root: two names under `<root>/apps/pay…`, others beside them. */
  async function tree(mount = 'secret', version: 1 | 2 = 2) {
    const root = unique('tree')
    const listed = [`${root}/apps/pay`, `${root}/apps/payments/a`, `${root}/apps/payments/deep/b c`]
    const others = [`${root}/apps/other/x`, `${root}/apx`, `${root}/apps/Pay`]
    const door = kvBackdoor(admin, mount, version)
    for (const name of [...listed, ...others]) await door.set(name, 'tree-value')
    return { root, listed, door }
  }

  it('walks only the folders that can hold the prefix, one LIST per page, and stops when the loop does', async () => {
    const { root, listed } = await tree()
    const gauge = await proxy()
    const store = makeStore({ endpoint: gauge.endpoint })
    expect(await collectNames(store.listSecretNames({ prefix: `${root}/apps/pay` }))).toEqual(listed)
    expect(gauge.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET secret/detailed-metadata/${root}/apps/?list=true`,
      `GET secret/detailed-metadata/${root}/apps/payments/?list=true`,
      `GET secret/detailed-metadata/${root}/apps/payments/deep/?list=true`,
    ])
    gauge.reset()
    for await (const name of store.listSecretNames({ prefix: `${root}/apps/pay` })) {
      expect(name).toBe(listed[0])
      break
    }
    expect(gauge.requests).toHaveLength(1)
    expect(await collectNames(store.listSecretNames({ prefix: `${root}/none/` }))).toEqual([])
  })

  it('lists names relative to the prefix option, on KV v1 too', async () => {
    const v2 = await tree()
    expect(await collectNames(makeStore({ prefix: v2.root }).listSecretNames({ prefix: 'apps/pay' }))).toEqual(
      v2.listed.map((name) => name.slice(v2.root.length + 1)),
    )
    const v1 = await tree('kv1', 1)
    const store = makeStore({ mount: 'kv1', kvVersion: 1 })
    expect(await collectNames(store.listSecretNames({ prefix: `${v1.root}/apps/pay` }))).toEqual(v1.listed)
    await v1.door.remove(v1.listed[0] as string)
    expect(await collectNames(store.listSecretNames({ prefix: `${v1.root}/apps/pay` }))).toEqual(v1.listed.slice(1))
  })

  it('leaves out secrets whose current version is soft-deleted or destroyed, with or without detailed-metadata', async () => {
    const root = unique('deleted')
    const [live, soft, destroyed, revived] = ['live', 'soft', 'destroyed', 'revived'].map((n) => `${root}/${n}`)
    const store = makeStore()
    for (const name of [live, soft, destroyed, revived]) await store.setSecret(name as string, 'value')
    await store.removeSecret(soft as string)
    await admin.write(`secret/destroy/${destroyed}`, { versions: [1] })
    await store.removeSecret(revived as string)
    await store.setSecret(revived as string, 'again')
    expect(await collectNames(store.listSecretNames({ prefix: `${root}/` }))).toEqual([live, revived])

    // A policy without detailed-metadata (as on Vault): LIST metadata, then each name's metadata.
    await createPolicy(
      admin,
      'list-metadata-only',
      'path "secret/metadata/*" { capabilities = ["read", "list"] }\npath "secret/data/*" { capabilities = ["read"] }',
    )
    const gauge = await proxy()
    const fallback = makeStore({ endpoint: gauge.endpoint, token: await createToken(admin, ['list-metadata-only']) })
    expect(await collectNames(fallback.listSecretNames({ prefix: `${root}/` }))).toEqual([live, revived])
    const paths = gauge.requests.map((r) => r.path)
    expect(paths.slice(0, 2)).toEqual([
      `secret/detailed-metadata/${root}/?list=true`,
      `secret/metadata/${root}/?list=true`,
    ])
    expect(paths.slice(2).sort()).toEqual([live, soft, destroyed, revived].map((n) => `secret/metadata/${n}`).sort())
    gauge.reset()
    expect(await collectNames(fallback.listSecretNames({ prefix: `${root}/l` }))).toEqual([live])
    expect(gauge.requests.map((r) => r.path)).toEqual([`secret/metadata/${root}/?list=true`, `secret/metadata/${live}`])
  })

  it('maps a token without the list capability to AccessDeniedError', async () => {
    await createPolicy(admin, 'read-only', 'path "secret/data/*" { capabilities = ["read"] }')
    const store = makeStore({ token: await createToken(admin, ['read-only']) })
    expect(await rejection(collectNames(store.listSecretNames({ prefix: 'x/' })))).toBeInstanceOf(AccessDeniedError)
  })
})

describe('tokens and policies', () => {
  // The policies exactly as the README documents them (its two hcl blocks).
  const [v2Policy, v1Policy] = [
    ...readFileSync(new URL('../README.md', import.meta.url), 'utf8').matchAll(/```hcl\n([\s\S]*?)```/g),
  ].map((m) => m[1] as string)

  it('finds both policies in the README', () => {
    expect(v2Policy).toContain('path "secret/data/app/*"')
    expect(v1Policy).toContain('path "kv1/app/*"')
  })

  it('does everything with the documented KV v2 policy and is denied outside it', async () => {
    await createPolicy(admin, 'readme-v2', v2Policy as string)
    const token = await createToken(admin, ['readme-v2'])
    const store = makeStore({ token, prefix: 'app', kvVersion: 'auto' })
    const name = unique('policy')
    await store.setSecret(name, 'v1')
    await store.setSecret(name, 'v2')
    expect(await store.getSecret(name)).toEqual({ [name]: 'v2' })
    await store.removeSecret(name)
    await makeStore({ token, prefix: 'app', cas: true }).setSecret(name, 'v3')
    expect(await store.getSecret(name)).toEqual({ [name]: 'v3' })
    expect(await collectNames(store.listSecretNames({ prefix: name }))).toEqual([name])
    await store.removeSecret(name, { purge: true })
    expect(await metadata(`app/${name}`)).toBeUndefined()
    expect(await collectNames(store.listSecretNames({ prefix: name }))).toEqual([])

    await admin.write(`secret/data/other/${name}`, { data: { value: 'not yours' } })
    const outside = makeStore({ token })
    const denied = await rejection(outside.getSecret(`other/${name}`))
    expect(denied).toBeInstanceOf(AccessDeniedError)
    expect(denied.code).toBe('ACCESS_DENIED')
    expect(denied.retryable).toBe(false)
    expect(await rejection(outside.setSecret(`other/${name}`, 'x'))).toBeInstanceOf(AccessDeniedError)
    expect(await kvBackdoor(admin, 'secret', 2).get(`other/${name}`)).toBe('not yours')
  })

  it('does everything with the documented KV v1 policy', async () => {
    await createPolicy(admin, 'readme-v1', v1Policy as string)
    const store = makeStore({
      token: await createToken(admin, ['readme-v1']),
      mount: 'kv1',
      prefix: 'app',
      kvVersion: 'auto',
    })
    const name = unique('policy1')
    await store.setSecret(name, 'v1')
    expect(await store.getSecret(name)).toEqual({ [name]: 'v1' })
    expect(await collectNames(store.listSecretNames({ prefix: name }))).toEqual([name])
    await store.removeSecret(name)
    expect(await store.getSecret(name)).toEqual({ [name]: undefined })
  })

  it('maps a token Vault does not know to AccessDeniedError', async () => {
    const error = await rejection(makeStore({ token: 'hvs.not-a-real-token' }).getSecret('x'))
    expect(error).toBeInstanceOf(AccessDeniedError)
  })
})

describe('namespaces', () => {
  it('sends X-Vault-Namespace and works inside the namespace only', async () => {
    const namespace = `ns${randomUUID().slice(0, 6)}`
    await admin.write(`sys/namespaces/${namespace}`, {})
    await mountKv(rawClient(server.endpoint, server.rootToken, namespace), 'kv', 2)
    const name = unique('ns')
    const gauge = await proxy()
    const store = makeStore({ endpoint: gauge.endpoint, namespace, mount: 'kv' })
    await store.setSecret(name, 'in-namespace')
    expect(gauge.requests.every((r) => r.headers['x-vault-namespace'] === namespace)).toBe(true)
    const raw = (await admin.read(`${namespace}/kv/data/${name}`)) as { data: { data: { value: string } } }
    expect(raw.data.data.value).toBe('in-namespace')
    expect(await rejection(makeStore({ mount: 'kv' }).getSecret(name))).toBeInstanceOf(ConfigurationError)
  })
})

describe('an injected client', () => {
  it('is used as it is, with its own endpoint and token', async () => {
    const gauge = await proxy()
    const store = makeStore({ client: rawClient(gauge.endpoint, server.rootToken) })
    const name = unique('injected')
    await store.setSecret(name, 'via-client')
    expect(await store.getSecret(name)).toEqual({ [name]: 'via-client' })
    expect(gauge.requests.map((r) => r.method)).toEqual(['POST', 'GET'])
  })
})
