import { ConfigurationError } from '@secret-store/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// The repository's example service (PURISTA 1.11), run here with this store; the example's own
// dependencies (@purista/core, zod) resolve from its folder.
import { runReadOnlyPaymentService } from '../../../examples/purista-service/src/run.js'
import { DaprSecretStore } from '../src/index.js'
import { type Daprd, startDaprd } from './support/daprd.js'

describe('a PURISTA service on DaprSecretStore against a real daprd', () => {
  let daprd: Daprd

  beforeAll(async () => {
    daprd = await startDaprd({ secrets: { paymentApiKey: 'dapr-payment-key', dbPassword: 'dapr-db-password' } })
  })
  afterAll(async () => {
    await daprd?.stop()
  })

  it('reads secrets through context.secrets, and the store refuses to be built for writes', async () => {
    const secretStore = new DaprSecretStore({
      secretStoreName: daprd.stores.file,
      daprHost: '127.0.0.1',
      daprPort: daprd.httpPort,
    })
    try {
      expect(await runReadOnlyPaymentService(secretStore)).toEqual({
        hadPaymentApiKey: true,
        hadDbPassword: true,
        paymentKeyLength: 'dapr-payment-key'.length,
      })
    } finally {
      await secretStore.destroy()
    }
    expect(() => new DaprSecretStore({ secretStoreName: daprd.stores.file, enableSet: true })).toThrow(
      ConfigurationError,
    )
  })

  it("takes the options of PURISTA's own Dapr secret store unchanged (secretStoreName, clientConfig, metadata)", async () => {
    // As `@purista/dapr-sdk`'s DaprSecretStore is configured: its DaprClientConfig, all keys set.
    const secretStore = new DaprSecretStore({
      enableGet: true,
      secretStoreName: daprd.stores.file,
      clientConfig: {
        daprHost: '127.0.0.1',
        daprPort: String(daprd.httpPort),
        daprApiVersion: 'v1.0',
        isKeepAlive: true,
        appPrefix: 'app-',
        pubSubName: 'pubsub',
      },
      metadata: { namespace: undefined },
    })
    try {
      expect(await secretStore.getSecret('paymentApiKey')).toEqual({ paymentApiKey: 'dapr-payment-key' })
    } finally {
      await secretStore.destroy()
    }
  })
})
