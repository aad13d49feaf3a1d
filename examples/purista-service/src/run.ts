import { DefaultEventBridge, type EventBridge, type SecretStore } from '@purista/core'
import { paymentServiceBuilder } from './service.js'

export type RotateResult = {
  hadPaymentApiKey: boolean
  hadDbPassword: boolean
  keyChanged: boolean
  oldApiKeyRemoved: boolean
}

/**
 * Starts the payment service on a fresh in-process event bridge with the given secret store,
 * invokes `rotatePaymentKey` once, and shuts everything down again.
 */
export async function runPaymentService(secretStore: SecretStore, newKey: string): Promise<RotateResult> {
  const eventBridge = new DefaultEventBridge({ logLevel: 'error' })
  await eventBridge.start()
  const service = await paymentServiceBuilder.getInstance(eventBridge, { secretStore, logLevel: 'error' })
  await service.start()
  try {
    return await invoke(eventBridge, newKey)
  } finally {
    await service.destroy()
    // The bridge still has queued info messages right after a service stops; let them drain.
    await new Promise((resolve) => setImmediate(resolve))
    await eventBridge.destroy()
  }
}

async function invoke(eventBridge: EventBridge & { instanceId: string }, newKey: string): Promise<RotateResult> {
  return eventBridge.invoke<RotateResult>({
    contentType: 'application/json',
    contentEncoding: 'utf-8',
    sender: { serviceName: 'Example', serviceVersion: '1', serviceTarget: 'main', instanceId: eventBridge.instanceId },
    receiver: { serviceName: 'PaymentService', serviceVersion: '1', serviceTarget: 'rotatePaymentKey' },
    payload: { payload: { newKey }, parameter: {} },
  })
}

export type CheckResult = { hadPaymentApiKey: boolean; hadDbPassword: boolean; paymentKeyLength: number }

/** Starts the payment service with the given (possibly read-only) store and invokes `checkPaymentSecrets` once. */
export async function runReadOnlyPaymentService(secretStore: SecretStore): Promise<CheckResult> {
  const eventBridge = new DefaultEventBridge({ logLevel: 'error' })
  await eventBridge.start()
  const service = await paymentServiceBuilder.getInstance(eventBridge, { secretStore, logLevel: 'error' })
  await service.start()
  try {
    return await eventBridge.invoke<CheckResult>({
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      sender: {
        serviceName: 'Example',
        serviceVersion: '1',
        serviceTarget: 'main',
        instanceId: eventBridge.instanceId,
      },
      receiver: { serviceName: 'PaymentService', serviceVersion: '1', serviceTarget: 'checkPaymentSecrets' },
      payload: { payload: {}, parameter: {} },
    })
  } finally {
    await service.destroy()
    await new Promise((resolve) => setImmediate(resolve))
    await eventBridge.destroy()
  }
}
