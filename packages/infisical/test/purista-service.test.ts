// A real PURISTA 1.11 service reading, writing and removing secrets through context.secrets on InfisicalSecretStore.
import { bindSecrets } from '@secret-store/core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runPaymentService } from '../../../examples/purista-service/src/run.js'
import { InfisicalSecretStore } from '../src/index.js'
import { type InfisicalFake, ROUTES, startInfisicalFake } from './support/infisical-fake.js'

let fake: InfisicalFake

beforeAll(async () => {
  fake = await startInfisicalFake()
})
afterEach(() => fake.reset())
afterAll(async () => {
  await fake?.stop()
})

const storeOptions = () => ({
  siteUrl: fake.siteUrl,
  projectId: fake.projectId,
  environment: 'prod',
  universalAuth: fake.machineIdentity,
  enableSet: true,
  enableRemove: true,
})

describe('PURISTA service on InfisicalSecretStore against the Infisical fake', () => {
  it('reads, writes and removes secrets through context.secrets', async () => {
    fake.put('prod', '/', 'paymentApiKey', 'infisical-payment-key')
    fake.put('prod', '/', 'dbPassword', 'infisical-db-password')
    fake.put('prod', '/', 'oldApiKey', 'infisical-old-key')
    const secretStore = new InfisicalSecretStore(storeOptions())
    try {
      const result = await runPaymentService(secretStore, 'rotated-infisical-key')
      expect(result).toEqual({ hadPaymentApiKey: true, hadDbPassword: true, keyChanged: true, oldApiKeyRemoved: true })
    } finally {
      await secretStore.destroy()
    }
    expect(fake.get('prod', '/', 'paymentApiKey')).toMatchObject({ value: 'rotated-infisical-key', version: 2 })
    expect(fake.get('prod', '/', 'oldApiKey')).toBeUndefined()
    // Two cold names are two reads; the write is one update, the remove one delete; every value came from the cache after.
    expect(fake.requests.map((r) => r.route)).toEqual([
      ROUTES.login,
      ROUTES.get,
      ROUTES.get,
      ROUTES.update,
      ROUTES.delete,
    ])
  })

  it("keeps a tenant's handler in its tenant folder", async () => {
    fake.put('prod', '/tenant/acme', 'paymentApiKey', 'acme-payment-key')
    fake.put('prod', '/', 'paymentApiKey', 'global-payment-key')
    const secretStore = new InfisicalSecretStore(storeOptions())
    try {
      const result = await runPaymentService(bindSecrets(secretStore, { tenant: 'acme' }), 'rotated-acme-key')
      expect(result).toEqual({ hadPaymentApiKey: true, hadDbPassword: false, keyChanged: true, oldApiKeyRemoved: true })
    } finally {
      await secretStore.destroy()
    }
    expect(fake.get('prod', '/tenant/acme', 'paymentApiKey')?.value).toBe('rotated-acme-key')
    expect(fake.get('prod', '/', 'paymentApiKey')?.value).toBe('global-payment-key')
  })
})
