import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity'
import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets'
import { ConfigurationError } from '@secret-store/core'
import { checkOptionKeys, oneSpelling, optionKeys, type SplitStoreOptions } from '@secret-store/core/adapter'
import { keyVaultResponseGuard } from './response-guard.js'
import type { AzureSecretStoreOptions, AzureStoreSettings } from './types.js'

export const STORE_NAME = 'AzureSecretStore'
const DEFAULT_INTERVAL_MS = 500
const CLIENT_METHODS = [
  'getSecret',
  'setSecret',
  'beginDeleteSecret',
  'purgeDeletedSecret',
  'beginRecoverDeletedSecret',
] as const

/** Every option of the store besides the shared ones; the list fails to compile when the types gain one. */
const OPTION_KEYS = optionKeys<AzureOnlyOptions>()([
  'purgeOnRemove',
  'intervalInMs',
  'vaultUrl',
  'clientOptions',
  'options',
  'credential',
  'client',
])

/**
 * The `SecretClient` the store builds: one try per request (the store retries reads itself, under its
 * deadline) and the guard that tells Key Vault's answers from a proxy's.
 */
export function buildClient(
  vaultUrl: string,
  credential: TokenCredential | undefined,
  options: SecretClientOptions | undefined,
): SecretClient {
  return new SecretClient(vaultUrl, credential ?? lazyDefaultAzureCredential(), {
    ...options,
    retryOptions: { maxRetries: 0, ...options?.retryOptions },
    additionalPolicies: [
      ...(options?.additionalPolicies ?? []),
      { policy: keyVaultResponseGuard() as never, position: 'perCall' },
    ],
  })
}

type AzureOnlyOptions = SplitStoreOptions<AzureSecretStoreOptions>['own']

/** Checks the options (also for callers without types) and keeps what may be shown: no credential. */
export function resolveSettings(azure: AzureOnlyOptions): AzureStoreSettings {
  const fail = (message: string): never => {
    throw new ConfigurationError(message, { store: STORE_NAME })
  }
  checkOptionKeys(STORE_NAME, azure, OPTION_KEYS)
  oneSpelling(STORE_NAME, azure, ['clientOptions'], ['options'], 'the client options')
  const { client, credential, vaultUrl } = azure
  let url: string
  if (client !== undefined) {
    if (credential !== undefined) fail('pass either client or credential: an injected client carries its own')
    if (vaultUrl !== undefined || azure.clientOptions !== undefined || azure.options !== undefined) {
      fail('vaultUrl and clientOptions belong to the injected client')
    }
    if (typeof client !== 'object' || client === null) return fail('client must be a SecretClient')
    for (const method of CLIENT_METHODS) {
      if (typeof client[method] !== 'function') fail(`client has no ${method}() method`)
    }
    url = typeof client.vaultUrl === 'string' ? client.vaultUrl : ''
  } else {
    if (typeof vaultUrl !== 'string' || !URL.canParse(vaultUrl)) {
      return fail('vaultUrl must be the vault URL, e.g. https://my-vault.vault.azure.net')
    }
    if (credential !== undefined && typeof credential?.getToken !== 'function') {
      fail('credential must be a TokenCredential (an object with getToken())')
    }
    url = vaultUrl
  }
  const intervalInMs = azure.intervalInMs ?? DEFAULT_INTERVAL_MS
  if (!(Number.isFinite(intervalInMs) && intervalInMs >= 0)) fail('intervalInMs must be a number of at least 0')
  const purgeOnRemove = azure.purgeOnRemove ?? false
  if (typeof purgeOnRemove !== 'boolean') fail('purgeOnRemove must be a boolean')
  return {
    vaultUrl: url,
    purgeOnRemove,
    intervalInMs,
    auth: client !== undefined ? 'client' : credential !== undefined ? 'credential' : 'defaultAzureCredential',
  }
}

/**
 * A `DefaultAzureCredential` made on the first token request, so that building a store never probes
 * the environment and `@azure/identity` is loaded only when it is needed.
 */
function lazyDefaultAzureCredential(): TokenCredential {
  let credential: Promise<TokenCredential> | undefined
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      credential ??= import('@azure/identity').then(
        ({ DefaultAzureCredential }) => new DefaultAzureCredential(),
        (err: unknown) => {
          credential = undefined
          const error = new Error(
            `DefaultAzureCredential needs @azure/identity (${err instanceof Error ? err.message : String(err)}); install it or pass a credential`,
          )
          error.name = 'CredentialUnavailableError'
          throw error
        },
      )
      return (await credential).getToken(scopes, options)
    },
  }
}
