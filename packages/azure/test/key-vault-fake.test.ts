import { request } from 'node:https'
import type { SecretClient } from '@azure/keyvault-secrets'
import { rejectionOf } from '@secret-store/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { rawClient, staticCredential, statusOf } from './support/azure.js'
import { type FakeKeyVault, ROUTES, startKeyVaultFake } from './support/key-vault-fake.js'

// The fake itself, checked with the raw SDK client against the Key Vault behaviour the adapter relies on.
let fake: FakeKeyVault

beforeAll(async () => {
  fake = await startKeyVaultFake()
})
afterEach(() => {
  fake.reset()
})
afterAll(async () => {
  await fake.stop()
})

const POLL = { intervalInMs: 1 }

async function failure(promise: Promise<unknown>): Promise<{ statusCode?: number; code?: string; message: string }> {
  return (await rejectionOf(promise)) as { statusCode?: number; code?: string; message: string }
}

async function deleteAndWait(client: SecretClient, name: string) {
  return (await client.beginDeleteSecret(name, POLL)).pollUntilDone()
}

/** A raw HTTPS request, for what the SDK never sends (no api-version, no token). */
function raw(
  path: string,
  token?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(path, fake.vaultUrl)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'GET', ca: fake.ca, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } },
      (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString('utf8')
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

describe('the Key Vault fake', () => {
  it('answers a request without a token with a 401 challenge, then accepts the bearer token', async () => {
    const credential = staticCredential('challenge-token')
    const client = rawClient(fake, credential)
    await client.setSecret('first', 'value-1')
    expect(fake.requests.map((r) => [r.method, r.status, r.token])).toEqual([
      ['PUT', 401, undefined],
      ['PUT', 200, 'challenge-token'],
    ])
    expect(credential.calls).toEqual([{ scopes: ['https://vault.azure.net/.default'], tenantId: fake.tenantId }])

    const challenge = await raw('/secrets/first?api-version=2025-07-01')
    expect(challenge.status).toBe(401)
    expect(challenge.headers['www-authenticate']).toBe(
      `Bearer authorization="https://login.microsoftonline.com/${fake.tenantId}", resource="https://vault.azure.net"`,
    )
  })

  it('requires a known api-version', async () => {
    await rawClient(fake).setSecret('versioned', 'v')
    expect((await raw('/secrets/versioned/?api-version=7.6', 't')).status).toBe(200)
    const missing = await raw('/secrets/versioned/', 't')
    expect(missing.status).toBe(400)
    expect(JSON.parse(missing.body).error.code).toBe('BadParameter')
    expect((await raw('/secrets/versioned/?api-version=1.0', 't')).status).toBe(400)
  })

  it('refuses the denied token with 403 Forbidden', async () => {
    const error = await failure(rawClient(fake, staticCredential('denied-token')).getSecret('anything'))
    expect(error.statusCode).toBe(403)
    expect(error.code).toBe('Forbidden')
  })

  it('keeps versions, and answers 404 SecretNotFound for a missing name', async () => {
    const client = rawClient(fake)
    const first = await client.setSecret('versions', 'v1')
    await client.setSecret('versions', 'v2')
    expect((await client.getSecret('versions')).value).toBe('v2')
    expect((await client.getSecret('versions', { version: first.properties.version ?? '' })).value).toBe('v1')
    const versions = []
    for await (const version of client.listPropertiesOfSecretVersions('versions')) versions.push(version.version)
    expect(versions).toHaveLength(2)
    const missing = await failure(client.getSecret('missing'))
    expect([missing.statusCode, missing.code]).toEqual([404, 'SecretNotFound'])
  })

  it('treats names case-insensitively and keeps the name as first created', async () => {
    const client = rawClient(fake)
    await client.setSecret('MySecret', 'v1')
    await client.setSecret('MYSECRET', 'v2')
    const read = await client.getSecret('mysecret')
    expect(read.value).toBe('v2')
    expect(read.name).toBe('MySecret')
  })

  it('rejects invalid names, empty values and values over 25 KB with 400 BadParameter', async () => {
    const client = rawClient(fake)
    for (const attempt of [
      client.setSecret('under_score', 'v'),
      client.setSecret('x'.repeat(128), 'v'),
      client.setSecret('empty', ''),
      client.setSecret('large', 'x'.repeat(25 * 1024 + 1)),
    ]) {
      const error = await failure(attempt)
      expect([error.statusCode, error.code]).toEqual([400, 'BadParameter'])
    }
    await expect(client.setSecret('largest', 'x'.repeat(25 * 1024))).resolves.toBeDefined()
  })

  it('soft-deletes: 409 Conflict on set, 404 on a second delete, recover restores the value', async () => {
    const client = rawClient(fake)
    await client.setSecret('soft', 'kept')
    const deleted = await deleteAndWait(client, 'soft')
    expect(deleted.recoveryId).toBe(`${fake.vaultUrl}/deletedsecrets/soft`)
    expect(deleted.properties.recoveryLevel).toBe('Recoverable+Purgeable')
    expect(deleted.properties.recoverableDays).toBe(90)
    expect(statusOf(await failure(client.getSecret('soft')))).toBe(404)
    const conflict = await failure(client.setSecret('soft', 'new'))
    expect([conflict.statusCode, conflict.code]).toEqual([409, 'Conflict'])
    expect(conflict.message).toContain('deleted but recoverable state')
    expect(statusOf(await failure(client.beginDeleteSecret('soft', POLL)))).toBe(404)

    await (await client.beginRecoverDeletedSecret('soft', POLL)).pollUntilDone()
    expect((await client.getSecret('soft')).value).toBe('kept')
    expect(statusOf(await failure(client.getDeletedSecret('soft')))).toBe(404)
  })

  it('purges: 204, the name is free again, and a second purge answers 404', async () => {
    const client = rawClient(fake)
    await client.setSecret('purged', 'old')
    await deleteAndWait(client, 'purged')
    await client.purgeDeletedSecret('purged')
    expect(fake.count(ROUTES.purge, 204)).toBe(1)
    expect(statusOf(await failure(client.purgeDeletedSecret('purged')))).toBe(404)
    await client.setSecret('purged', 'new')
    expect((await client.getSecret('purged')).value).toBe('new')
  })

  it('can make deleted and recovered secrets show up late, and writes conflict for a while after a purge', async () => {
    fake.configure({ visibleAfterPolls: 2, conflictsAfterPurge: 2 })
    const client = rawClient(fake)
    await client.setSecret('late', 'v')
    await deleteAndWait(client, 'late')
    expect(fake.count(ROUTES.getDeleted, 404)).toBe(2)
    expect(fake.count(ROUTES.getDeleted, 200)).toBe(1)

    await (await client.beginRecoverDeletedSecret('late', POLL)).pollUntilDone()
    // The recover poller reads the secret once before recovering (404: deleted), twice hidden, then finds it.
    expect([fake.count(ROUTES.get, 404), fake.count(ROUTES.get, 200)]).toEqual([3, 1])

    await deleteAndWait(client, 'late')
    await client.purgeDeletedSecret('late')
    for (let i = 0; i < 2; i++) expect(statusOf(await failure(client.setSecret('late', 'again')))).toBe(409)
    await client.setSecret('late', 'again')
  })

  it('lists live secrets by pages of maxresults (1 to 25), linked by nextLink with a $skiptoken', async () => {
    const client = rawClient(fake)
    for (const name of ['list-b', 'List-A', 'list-c', 'list-gone']) await client.setSecret(name, 'v')
    await deleteAndWait(client, 'list-gone')
    fake.clearLog()
    const first = await raw('/secrets?api-version=2025-07-01&maxresults=2', 't')
    expect(first.status).toBe(200)
    const page = JSON.parse(first.body) as { value: Array<{ id: string; attributes: object }>; nextLink: string }
    // Ordered ignoring case, each id the secret's base identifier in its stored case, with attributes, no value.
    expect(page.value.map((item) => item.id)).toEqual([
      `${fake.vaultUrl}/secrets/List-A`,
      `${fake.vaultUrl}/secrets/list-b`,
    ])
    expect(page.value[0]).toEqual({ id: expect.any(String), attributes: expect.objectContaining({ enabled: true }) })
    expect(page.nextLink).toMatch(
      new RegExp(`^${fake.vaultUrl}/secrets\\?api-version=2025-07-01&\\$skiptoken=[\\w-]+&maxresults=2$`),
    )
    const second = JSON.parse((await raw(page.nextLink, 't')).body) as { value: Array<{ id: string }>; nextLink: null }
    // The soft-deleted secret is not listed; the last page has a null nextLink.
    expect(second).toEqual({
      value: [{ id: `${fake.vaultUrl}/secrets/list-c`, attributes: expect.any(Object) }],
      nextLink: null,
    })
    expect(fake.count(ROUTES.list, 200)).toBe(2)

    for (const bad of ['0', '26', 'x']) {
      const refused = await raw(`/secrets?api-version=7.6&maxresults=${bad}`, 't')
      expect([refused.status, JSON.parse(refused.body).error.code]).toEqual([400, 'BadParameter'])
    }
    expect((await raw('/secrets?api-version=7.6&$skiptoken=forged', 't')).status).toBe(400)
    // Without maxresults a page holds up to 25; the SDK follows the links.
    const names = []
    for await (const properties of client.listPropertiesOfSecrets()) names.push(properties.name)
    expect(names).toEqual(['List-A', 'list-b', 'list-c'])
  })

  it('applies faults and the denied token to the list route', async () => {
    const client = rawClient(fake)
    await client.setSecret('listed', 'v')
    fake.failNext({ status: 503, headers: { 'retry-after-ms': '1' } }, { route: ROUTES.list })
    const names = []
    for await (const properties of client.listPropertiesOfSecrets()) names.push(properties.name)
    expect(names).toEqual(['listed'])
    expect([fake.count(ROUTES.list, 503), fake.count(ROUTES.list, 200)]).toEqual([1, 1])
    expect((await raw('/secrets?api-version=7.6', 'denied-token')).status).toBe(403)
  })

  it('injects faults: statuses with headers, and dropped connections', async () => {
    const client = rawClient(fake)
    await client.setSecret('faulty', 'v')
    fake.failNext({ status: 503, headers: { 'retry-after-ms': '1' } }, { route: ROUTES.get })
    // The SDK's pipeline retries a throttled answer that says when to come back.
    expect((await client.getSecret('faulty')).value).toBe('v')
    expect([fake.count(ROUTES.get, 503), fake.count(ROUTES.get, 200)]).toEqual([1, 1])
    // Three retries, 1 ms apart, all dropped.
    const quick = rawClient(fake, staticCredential(), { retryOptions: { maxRetries: 3, retryDelayInMs: 1 } })
    await quick.getSecret('faulty')
    fake.failNext({ drop: true }, { times: 4 })
    const dropped = await failure(quick.getSecret('faulty'))
    expect(dropped.code).toBe('ECONNRESET')
    expect(fake.requests.filter((r) => r.status === -1)).toHaveLength(4)
    expect((await client.getSecret('faulty')).value).toBe('v')
  })
})
