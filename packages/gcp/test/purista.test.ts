import { SecretManagerServiceClient } from '@google-cloud/secret-manager'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// The repository's example service (PURISTA 1.11), run here with this store; the example's own
// dependencies (@purista/core, zod) resolve from its folder.
import { runPaymentService } from '../../../examples/purista-service/src/run.js'
import { GCPSecretStore } from '../src/index.js'
import { secretManagerBackdoor } from './support/gcp.js'
import { type FakeSecretManager, startSecretManagerFake } from './support/secret-manager-fake.js'

describe('a PURISTA service on GCPSecretStore against the Secret Manager fake', () => {
  const PROJECT = 'purista-project'
  let fake: FakeSecretManager
  let raw: SecretManagerServiceClient

  beforeAll(async () => {
    fake = await startSecretManagerFake()
    raw = new SecretManagerServiceClient(fake.directClientOptions())
  })
  afterAll(async () => {
    await raw?.close()
    await fake?.stop()
  })

  it('reads, writes and removes secrets through context.secrets', async () => {
    const door = secretManagerBackdoor(raw, `projects/${PROJECT}`)
    await door.set('paymentApiKey', 'gcp-payment-key')
    await door.set('dbPassword', 'gcp-db-password')
    await door.set('oldApiKey', 'gcp-old-key')
    const secretStore = new GCPSecretStore({
      projectId: PROJECT,
      clientOptions: fake.clientOptions(),
      enableSet: true,
      enableRemove: true,
    })
    try {
      const result = await runPaymentService(secretStore, 'rotated-gcp-key')
      expect(result).toEqual({ hadPaymentApiKey: true, hadDbPassword: true, keyChanged: true, oldApiKeyRemoved: true })
    } finally {
      await secretStore.destroy()
    }
    expect(await door.get('paymentApiKey')).toBe('rotated-gcp-key')
    // Removed recoverably: the old key's version is disabled, not gone.
    expect(await door.get('oldApiKey')).toBeUndefined()
    expect(await door.isRecoverable('oldApiKey')).toBe(true)
    // Two cold reads; the second getSecret is answered from what the write and the remove left in the cache.
    expect(fake.count('AccessSecretVersion')).toBe(2)
  })
})
