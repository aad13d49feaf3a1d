// A PURISTA service reading and writing secrets in a real moto server through context.secrets.
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { AWSSecretStore } from '@secret-store/aws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { motoClientConfig } from '../../../packages/aws/test/support/aws.js'
import { type MotoServer, startMoto } from '../../../packages/aws/test/support/moto.js'
import { runPaymentService } from '../src/run.js'

describe('PURISTA service on AWSSecretStore against moto', () => {
  let moto: MotoServer
  let raw: SecretsManagerClient

  beforeAll(async () => {
    moto = await startMoto()
    raw = new SecretsManagerClient(motoClientConfig(moto.endpoint))
  })

  afterAll(async () => {
    raw?.destroy()
    await moto?.stop()
  })

  it('reads, writes and removes secrets in moto through context.secrets', async () => {
    for (const [name, value] of [
      ['paymentApiKey', 'moto-payment-key'],
      ['dbPassword', 'moto-db-password'],
      ['oldApiKey', 'moto-old-key'],
    ]) {
      await raw.send(new CreateSecretCommand({ Name: name, SecretString: value }))
    }
    const secretStore = new AWSSecretStore({
      enableSet: true,
      enableRemove: true,
      clientConfig: motoClientConfig(moto.endpoint),
    })
    const result = await runPaymentService(secretStore, 'rotated-moto-key')
    expect(result).toEqual({ hadPaymentApiKey: true, hadDbPassword: true, keyChanged: true, oldApiKeyRemoved: true })

    const stored = await raw.send(new GetSecretValueCommand({ SecretId: 'paymentApiKey' }))
    expect(stored.SecretString).toBe('rotated-moto-key')
    // The old key is scheduled for deletion (recoverable), so a read through the raw client fails.
    await expect(raw.send(new GetSecretValueCommand({ SecretId: 'oldApiKey' }))).rejects.toThrow()
    await secretStore.destroy()
  })
})
