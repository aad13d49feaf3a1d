import { randomUUID } from 'node:crypto'
import { inspect } from 'node:util'
import { AccessDeniedError } from '@secret-store/core'
import { recordingLogger, secretStoreRejection } from '@secret-store/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { VaultSecretStore, type VaultSecretStoreOptions } from '../src/index.js'
import { type CountingProxy, startCountingProxy } from './support/http.js'
import { type OpenBaoServer, startOpenBao } from './support/openbao.js'
import { type AppRoleSetup, createAppRole, createPolicy, type RawClient, rawClient } from './support/vault.js'

// AppRole against a real OpenBao dev server: login, renewal, login after the max TTL, re-login after a 403.
let server: OpenBaoServer
let admin: RawClient
const stores: VaultSecretStore[] = []
const proxies: CountingProxy[] = []

beforeAll(async () => {
  server = await startOpenBao()
  admin = rawClient(server.endpoint, server.rootToken)
  await createPolicy(
    admin,
    'app',
    'path "secret/data/app/*" { capabilities = ["create", "read", "update", "delete"] }\npath "secret/metadata/app/*" { capabilities = ["delete"] }',
  )
})

afterEach(async () => {
  for (const store of stores.splice(0)) await store.destroy()
  for (const proxy of proxies.splice(0)) await proxy.close()
})

afterAll(async () => {
  await server?.stop()
})

const LOGIN = 'Vault AppRole login succeeded'
const RENEWED = 'Vault token renewed'
const RENEW_FAILED = 'Vault token renewal failed, logging in again'

/** Polls a condition until it holds; waiting for a TTL to run out is the point of these tests. */
async function eventually(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function role(settings: Parameters<typeof createAppRole>[2]): Promise<AppRoleSetup> {
  return createAppRole(admin, `role-${randomUUID().slice(0, 8)}`, settings)
}

function makeStore(options: VaultSecretStoreOptions): VaultSecretStore {
  const store = new VaultSecretStore({
    endpoint: server.endpoint,
    cache: false,
    enableSet: true,
    ...options,
  } as VaultSecretStoreOptions)
  stores.push(store)
  return store
}

const rejection = (promise: Promise<unknown>) => secretStoreRejection(promise)

const name = () => `app/auth_${randomUUID().slice(0, 8)}`

describe('AppRole login', () => {
  it('logs in once on first use, however many requests start together', async () => {
    const credentials = await role({ policies: ['app'], tokenTtl: '5m', tokenMaxTtl: '10m' })
    const logger = recordingLogger()
    const store = makeStore({ appRole: credentials, logger })
    const names = Array.from({ length: 10 }, name)
    await Promise.all(names.map((n) => store.getSecret(n)))
    expect(logger.count(LOGIN)).toBe(1)
  })

  it('renews the token before it expires and logs in again once the max TTL caps it', async () => {
    // TTL 2 s, max TTL 4 s: renewal at ~1.3 s and ~2.7 s (the second one capped), a new login at ~3.3 s.
    const credentials = await role({ policies: ['app'], tokenTtl: '2s', tokenMaxTtl: '4s' })
    const logger = recordingLogger()
    const store = makeStore({ appRole: credentials, logger })
    const key = name()
    await store.setSecret(key, 'first')
    const firstLogin = Date.now()
    await eventually(() => logger.count(LOGIN) >= 2, 15_000, 'a second login')
    // Renewed at least once, then the store logged in again because the renewal was capped by the max TTL
    // or, when the timer fired late, because the renewal past it failed: which one depends on timing.
    const events = logger.lines.filter((l) => [LOGIN, RENEWED, RENEW_FAILED].includes(l.message))
    const second = events.findIndex((l, i) => i > 0 && l.message === LOGIN)
    expect(events[0]?.message).toBe(LOGIN)
    expect(events[1]?.message).toBe(RENEWED)
    expect(events[1]?.fields.capped).toBe(false)
    const trigger = events[second - 1]
    expect(trigger?.message === RENEW_FAILED || (trigger?.message === RENEWED && trigger.fields.capped === true)).toBe(
      true,
    )
    // The first token is dead by now; requests go out with the new one.
    await eventually(() => Date.now() > firstLogin + 4_500, 10_000, 'the first token to pass its max TTL')
    expect(await store.getSecret(key)).toEqual({ [key]: 'first' })
    expect(logger.lines.filter((l) => l.level === 'warn' && l.message !== RENEW_FAILED)).toEqual([])

    // Neither the secret id nor any token ever reaches the logs or the store's printed form.
    const printed = `${JSON.stringify(logger.lines)}${inspect(store, { depth: 10, showHidden: true })}${JSON.stringify(store)}`
    expect(printed).not.toContain(credentials.secretId)
    expect(printed).not.toMatch(/\b(s|hvs)\.[A-Za-z0-9]{20,}/)

    // destroy() stops the timer: no renewal or login fires after it, though one is due within ~1.4 s.
    await store.destroy()
    const linesAtDestroy = logger.lines.length
    const destroyedAt = Date.now()
    await eventually(() => Date.now() > destroyedAt + 2_000, 5_000, 'the next renewal to be due')
    expect(logger.lines.length).toBe(linesAtDestroy)
  })

  it('logs in again and retries once when a request meets a dead token', async () => {
    // The token is revoked after three uses, long before its TTL: the write and two reads use it up.
    const credentials = await role({ policies: ['app'], tokenTtl: '5m', tokenMaxTtl: '10m', tokenNumUses: 3 })
    const logger = recordingLogger()
    const gauge = await startCountingProxy(server.endpoint)
    proxies.push(gauge)
    const store = makeStore({ appRole: credentials, logger, endpoint: gauge.endpoint })
    const key = name()
    await store.setSecret(key, 'value')
    for (let i = 0; i < 3; i++) expect(await store.getSecret(key)).toEqual({ [key]: 'value' })
    expect(logger.count(LOGIN)).toBe(2)
    expect(logger.count('Vault rejected the token, logging in')).toBe(1)
    // The third read gets 403, the token cannot look itself up either, so the store logs in and retries.
    expect(gauge.requests.map((r) => `${r.method} ${r.path.split('/').slice(0, 3).join('/')}`)).toEqual([
      'POST auth/approle/login',
      'POST secret/data/app',
      'GET secret/data/app',
      'GET secret/data/app',
      'GET secret/data/app',
      'GET auth/token/lookup-self',
      'POST auth/approle/login',
      'GET secret/data/app',
    ])
  })

  it('does not log in again when the policy denies a path: AccessDeniedError', async () => {
    const credentials = await role({ policies: ['app'], tokenTtl: '5m', tokenMaxTtl: '10m' })
    const logger = recordingLogger()
    const store = makeStore({ appRole: credentials, logger })
    for (let i = 0; i < 2; i++) {
      const error = await rejection(store.getSecret(`other/${randomUUID()}`))
      expect(error).toBeInstanceOf(AccessDeniedError)
    }
    expect(logger.count(LOGIN)).toBe(1)
  })

  it('maps a wrong secret id or auth mount to AccessDeniedError without echoing the secret id', async () => {
    const credentials = await role({ policies: ['app'], tokenTtl: '5m', tokenMaxTtl: '10m' })
    const wrongSecret = 'wrong-secret-id-0123456789abcdef'
    for (const appRole of [
      { roleId: credentials.roleId, secretId: wrongSecret },
      { ...credentials, mountPath: 'not-approle' },
    ]) {
      const error = await rejection(makeStore({ appRole }).getSecret(name()))
      expect(error).toBeInstanceOf(AccessDeniedError)
      expect(error.message).toContain('AppRole login failed')
      const printed = `${inspect(error, { depth: 10, showHidden: true })}${JSON.stringify(error)}`
      expect(printed).not.toContain(wrongSecret)
      expect(printed).not.toContain(credentials.secretId)
    }
  })

  it('logs in through an injected client', async () => {
    const credentials = await role({ policies: ['app'], tokenTtl: '5m', tokenMaxTtl: '10m' })
    const logger = recordingLogger()
    const store = new VaultSecretStore({
      client: rawClient(server.endpoint, ''),
      appRole: credentials,
      logger,
      enableSet: true,
    })
    stores.push(store)
    const key = name()
    await store.setSecret(key, 'through-client')
    expect(await store.getSecret(key)).toEqual({ [key]: 'through-client' })
    expect(logger.count(LOGIN)).toBe(1)
  })
})
