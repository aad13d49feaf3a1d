import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager'
import { ConfigurationError } from '@secret-store/core'
import { checkOptionKeys, optionKeys } from '@secret-store/core/adapter'
import { DEFAULT_RECOVERY_WINDOW_IN_DAYS } from './answers.js'
import type { AWSClientOptions, AWSSecretStoreSettings } from './types.js'

export const STORE_NAME = 'AWSSecretStore'

/** Every option of the store besides the shared ones; the list fails to compile when the types gain one. */
const OPTION_KEYS = optionKeys<AWSSecretStoreSettings & AWSClientOptions>()([
  'versionStage',
  'versionId',
  'recoveryWindowInDays',
  'purgeOnRemove',
  'client',
  'region',
  'clientConfig',
])

const MIN_RECOVERY_WINDOW_IN_DAYS = 7
const MAX_RECOVERY_WINDOW_IN_DAYS = 30

/** The store's settled options: its settings, the client it sends with, and whether it made that client. */
export interface ResolvedAwsOptions {
  versionStage: string | undefined
  versionId: string | undefined
  recoveryWindowInDays: number
  purgeOnRemove: boolean
  client: SecretsManagerClient
  /** The store made the client, so `destroy()` destroys it; an injected client is left to its owner. */
  owned: boolean
}

const fail = (reason: string) => new ConfigurationError(reason, { store: STORE_NAME })

/** A ready client has `send`; anything else passed as `client` is PURISTA's client configuration. */
const isReadyClient = (client: unknown): client is SecretsManagerClient =>
  typeof (client as { send?: unknown } | undefined)?.send === 'function'

/**
 * Checks the store's own options and settles them; the client is the injected one, or one made from
 * `region` and `clientConfig` (or PURISTA's `client` configuration).
 */
export function resolveAwsOptions(own: AWSSecretStoreSettings & AWSClientOptions): ResolvedAwsOptions {
  checkOptionKeys(STORE_NAME, own, OPTION_KEYS)
  return {
    versionStage: own.versionStage,
    versionId: own.versionId,
    recoveryWindowInDays: recoveryWindow(own.recoveryWindowInDays),
    purgeOnRemove: own.purgeOnRemove ?? false,
    ...storeClient(own),
  }
}

/** The recovery window option, checked: a whole number of days from 7 to 30. */
function recoveryWindow(days: number | undefined): number {
  const value = days ?? DEFAULT_RECOVERY_WINDOW_IN_DAYS
  if (!Number.isInteger(value) || value < MIN_RECOVERY_WINDOW_IN_DAYS || value > MAX_RECOVERY_WINDOW_IN_DAYS) {
    throw fail(
      `recoveryWindowInDays must be a whole number from ${MIN_RECOVERY_WINDOW_IN_DAYS} to ${MAX_RECOVERY_WINDOW_IN_DAYS}`,
    )
  }
  return value
}

function storeClient(own: AWSClientOptions): { client: SecretsManagerClient; owned: boolean } {
  const { client, region, clientConfig } = own as {
    client?: unknown
    region?: string
    clientConfig?: SecretsManagerClientConfig
  }
  if (isReadyClient(client)) {
    if (region !== undefined || clientConfig !== undefined) {
      throw fail('pass either a ready client or region/clientConfig, not both')
    }
    return { client, owned: false }
  }
  if (client !== undefined && (typeof client !== 'object' || client === null)) {
    throw fail('client must be a SecretsManagerClient or its configuration object')
  }
  if (client !== undefined && clientConfig !== undefined) {
    throw fail('the client configuration is given twice: pass either clientConfig or client (PURISTA), not both')
  }
  const config = (client ?? clientConfig ?? {}) as SecretsManagerClientConfig
  // One attempt per SDK call: the store retries reads itself, under its deadline, and writes with
  // their idempotency token; two layers of retries would multiply.
  const made = new SecretsManagerClient({ maxAttempts: 1, ...config, ...(region === undefined ? {} : { region }) })
  return { client: made, owned: true }
}
