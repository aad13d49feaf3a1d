import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity'
import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets'
import { acceptedName, type ContractBackdoor } from '@secret-store/testkit'
import { keyVaultName, keyVaultResponseGuard } from '../../src/index.js'
import { type FakeKeyVault, startKeyVaultFake } from './key-vault-fake.js'
import { startLowkeyVault } from './lowkey.js'

/** Where the tests run: the loopback fake, or a real Lowkey Vault when LOWKEY_VAULT_JAR is set. */
export interface Backend {
  kind: 'fake' | 'lowkey'
  vaultUrl: string
  /** PEM of the server's self-signed certificate. */
  ca: string
  /**
   * Makes the fake name itself `url` in the ids and `nextLink`s it answers with, for a store that reaches
   * it through a proxy; absent for Lowkey Vault.
   */
  publishAs?(url: string): void
  stop(): Promise<void>
}

/** Lowkey Vault when LOWKEY_VAULT_JAR points at its jar, the loopback fake otherwise. */
export async function startBackend(): Promise<Backend> {
  if (process.env.LOWKEY_VAULT_JAR) {
    const lowkey = await startLowkeyVault()
    return { kind: 'lowkey', vaultUrl: lowkey.vaultUrl, ca: lowkey.ca, stop: () => lowkey.stop() }
  }
  const fake = await startKeyVaultFake()
  return {
    kind: 'fake',
    vaultUrl: fake.vaultUrl,
    ca: fake.ca,
    publishAs: (url) => fake.configure({ publicUrl: url }),
    stop: () => fake.stop(),
  }
}

/** A `TokenCredential` that hands out a fixed token and records each call. */
export interface RecordingCredential extends TokenCredential {
  readonly token: string
  readonly calls: Array<{ scopes: string[]; tenantId: string | undefined }>
}

export function staticCredential(token = 'test-token'): RecordingCredential {
  const calls: RecordingCredential['calls'] = []
  return {
    token,
    calls,
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      calls.push({ scopes: [scopes].flat(), tenantId: options?.tenantId })
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 }
    },
  }
}

/**
 * Client options for a loopback vault: trust its certificate and skip the check that the challenge's
 * resource matches the vault's domain (it is not *.vault.azure.net).
 */
export function clientOptions(server: { ca: string }, extra: Partial<SecretClientOptions> = {}): SecretClientOptions {
  return { tlsOptions: { ca: server.ca }, disableChallengeResourceVerification: true, ...extra }
}

/** Client options for a `SecretClient` handed to the store, as the README advises: the response guard, no SDK retries. */
export function guardedClientOptions(server: { ca: string }): SecretClientOptions {
  return clientOptions(server, {
    retryOptions: { maxRetries: 0 },
    additionalPolicies: [{ policy: keyVaultResponseGuard() as never, position: 'perCall' }],
  })
}

export function rawClient(
  server: { vaultUrl: string; ca: string },
  credential: TokenCredential = staticCredential('backdoor-token'),
  extra: Partial<SecretClientOptions> = {},
): SecretClient {
  return new SecretClient(server.vaultUrl, credential, clientOptions(server, extra))
}

export function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | undefined)?.statusCode
  return typeof status === 'number' ? status : undefined
}

async function ignore404<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise
  } catch (err) {
    if (statusOf(err) === 404) return undefined
    throw err
  }
}

const POLL = { intervalInMs: 10 }

/** The Key Vault name the store sends for `name`. */
export const kvId = (name: string): string => acceptedName(keyVaultName(name))

/** The contract suite's back door: a raw `SecretClient` that applies the store's name mapping. */
export function keyVaultBackdoor(
  client: SecretClient,
): Omit<ContractBackdoor, 'requestStats' | 'resetRequestStats'> & { isRecoverable(name: string): Promise<boolean> } {
  return {
    async get(name) {
      return (await ignore404(client.getSecret(kvId(name))))?.value
    },
    async set(name, value) {
      const kvName = kvId(name)
      try {
        await client.setSecret(kvName, value)
      } catch (err) {
        if (statusOf(err) !== 409) throw err
        await (await client.beginRecoverDeletedSecret(kvName, POLL)).pollUntilDone()
        await client.setSecret(kvName, value)
      }
    },
    async remove(name) {
      const kvName = kvId(name)
      await ignore404((async () => (await client.beginDeleteSecret(kvName, POLL)).pollUntilDone())())
      await ignore404(client.purgeDeletedSecret(kvName))
    },
    async isRecoverable(name) {
      return (await ignore404(client.getDeletedSecret(kvId(name)))) !== undefined
    },
  }
}

export type { FakeKeyVault }
