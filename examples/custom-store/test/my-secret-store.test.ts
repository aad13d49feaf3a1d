import { StoreDestroyedError } from '@secret-store/core'
import { describe, expect, it } from 'vitest'
import { customClient } from '../src/custom-client.js'
import { MySecretStore } from '../src/my-secret-store.js'

describe('MySecretStore (handbook sample)', () => {
  it('closes its client on destroy and refuses later calls', async () => {
    const url = 'memory://destroy'
    const store = new MySecretStore({ config: { url } })
    await customClient.connect(url).set('a', 'value-a')
    expect(await store.getSecret('a')).toEqual({ a: 'value-a' })
    await store.destroy()
    await expect(store.getSecret('a')).rejects.toBeInstanceOf(StoreDestroyedError)
  })
})
