import { DefaultSecretStore, type SecretStoreLogger } from '@secret-store/core'
import { runPaymentService } from './run.js'

// Prints what the store logs; the store never hands a secret value to its logger.
const logger: SecretStoreLogger = {
  debug: (fields, message) => console.log(`  [store] ${message} ${JSON.stringify(fields)}`),
  info: (fields, message) => console.log(`  [store] ${message} ${JSON.stringify(fields)}`),
  warn: (_fields, message) => console.warn(`  [store] warning: ${message}`),
  error: (fields, message) => console.error(`  [store] error: ${message} ${JSON.stringify(fields)}`),
}

const secretStore = new DefaultSecretStore({
  enableGet: true,
  enableSet: true,
  enableRemove: true,
  logger,
  config: {
    paymentApiKey: 'dev-key-only',
    dbPassword: 'dev-db-password',
    oldApiKey: 'retired-dev-key',
  },
})

console.log('PaymentService with the embedded DefaultSecretStore')
const result = await runPaymentService(secretStore, 'rotated-dev-key-0001')
console.log('rotatePaymentKey returned:', result)
console.log('the store as it shows itself (values redacted):', secretStore)
await secretStore.destroy()

if (!result.hadPaymentApiKey || !result.keyChanged || !result.oldApiKeyRemoved) {
  console.error('unexpected result')
  process.exit(1)
}
console.log('done')
