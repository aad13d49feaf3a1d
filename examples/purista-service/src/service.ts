import { ServiceBuilder } from '@purista/core'
import { z } from 'zod'

/** A PURISTA service with one command that uses every `context.secrets` call of the handbook. */
export const paymentServiceBuilder = new ServiceBuilder({
  serviceName: 'PaymentService',
  serviceVersion: '1',
  serviceDescription: 'rotates the payment API key through context.secrets',
})

export const rotatePaymentKeyBuilder = paymentServiceBuilder
  .getCommandBuilder('rotatePaymentKey', 'reads the payment secrets, writes a new key and removes the old one')
  .addPayloadSchema(z.object({ newKey: z.string().min(8) }))
  .addParameterSchema(z.object({}))
  .addOutputSchema(
    z.object({
      hadPaymentApiKey: z.boolean(),
      hadDbPassword: z.boolean(),
      keyChanged: z.boolean(),
      oldApiKeyRemoved: z.boolean(),
    }),
  )
  .setCommandFunction(async (context, payload) => {
    // Get one or more secrets
    const secrets = await context.secrets.getSecret('paymentApiKey', 'dbPassword')

    // Set a secret (if enabled)
    await context.secrets.setSecret('paymentApiKey', payload.newKey)

    // Remove a secret (if enabled)
    await context.secrets.removeSecret('oldApiKey')

    const after = await context.secrets.getSecret('paymentApiKey', 'oldApiKey')
    // Report facts about the secrets, never the values themselves.
    return {
      hadPaymentApiKey: secrets.paymentApiKey !== undefined,
      hadDbPassword: secrets.dbPassword !== undefined,
      keyChanged: after.paymentApiKey === payload.newKey && after.paymentApiKey !== secrets.paymentApiKey,
      oldApiKeyRemoved: after.oldApiKey === undefined,
    }
  })

/** A read-only command, for services on read-only stores (Dapr): it only calls `context.secrets.getSecret`. */
export const checkPaymentSecretsBuilder = paymentServiceBuilder
  .getCommandBuilder('checkPaymentSecrets', 'reports which payment secrets exist, reading them only')
  .addPayloadSchema(z.object({}))
  .addParameterSchema(z.object({}))
  .addOutputSchema(
    z.object({ hadPaymentApiKey: z.boolean(), hadDbPassword: z.boolean(), paymentKeyLength: z.number() }),
  )
  .setCommandFunction(async (context) => {
    const secrets = await context.secrets.getSecret('paymentApiKey', 'dbPassword')
    return {
      hadPaymentApiKey: secrets.paymentApiKey !== undefined,
      hadDbPassword: secrets.dbPassword !== undefined,
      paymentKeyLength: secrets.paymentApiKey?.length ?? 0,
    }
  })

paymentServiceBuilder.addCommandDefinition(
  rotatePaymentKeyBuilder.getDefinition(),
  checkPaymentSecretsBuilder.getDefinition(),
)
