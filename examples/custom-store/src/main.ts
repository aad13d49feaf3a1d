import { bindSecrets } from '@secret-store/core'
import { MySecretStore } from './my-secret-store.js'

const store = new MySecretStore({ enableSet: true, enableRemove: true, config: { url: 'memory://example' } })
const secrets = bindSecrets(store, { tenant: 'acme' })

await secrets.setSecret('stripeApiKey', 'sk_test_example_only')
const { stripeApiKey } = await secrets.getSecret('stripeApiKey')
console.log(`tenant acme stripeApiKey is ${stripeApiKey ? 'set' : 'missing'} (value redacted)`)
await secrets.removeSecret('stripeApiKey')
console.log(`after remove: ${JSON.stringify(await secrets.getSecret('stripeApiKey'))}`)
await store.destroy()
