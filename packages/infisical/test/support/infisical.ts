/** What the Infisical store tests share: which requests are reads, a back door into the fake, a recording logger. */
import { InfisicalSDK } from '@infisical/sdk'
import type { ContractBackdoor } from '@secret-store/testkit'
import { infisicalSecretLocation } from '../../src/index.js'
import type { InfisicalFake } from './infisical-fake.js'

/** Reads of secret values: the v3 raw get and list routes (not logins, renewals or writes). */
export const isSecretRead = (request: { method: string; path: string }) =>
  request.method === 'GET' && request.path.startsWith('/api/v3/secrets/raw')

/** An SDK logged in to the fake directly (not through any proxy), as the machine identity. */
export async function loggedInSdk(fake: InfisicalFake): Promise<InfisicalSDK> {
  return new InfisicalSDK({ siteUrl: fake.siteUrl }).auth().universalAuth.login(fake.machineIdentity)
}

/**
 * Reads and writes the fake's secrets directly, removes through the official SDK, under the store's own
 * name mapping. Values are the stored ones (references not expanded).
 */
export function fakeBackdoor(
  fake: InfisicalFake,
  sdk: InfisicalSDK,
  where: { environment: string; secretPath?: string },
): Omit<ContractBackdoor, 'requestStats' | 'resetRequestStats'> {
  const locate = (name: string) => infisicalSecretLocation(name, where.secretPath)
  return {
    async get(name) {
      const { secretPath, secretKey } = locate(name)
      return fake.get(where.environment, secretPath, secretKey)?.value
    },
    async set(name, value) {
      const { secretPath, secretKey } = locate(name)
      fake.put(where.environment, secretPath, secretKey, value)
    },
    async remove(name) {
      const { secretPath, secretKey } = locate(name)
      if (fake.get(where.environment, secretPath, secretKey) === undefined) return
      await sdk
        .secrets()
        .deleteSecret(secretKey, { projectId: fake.projectId, environment: where.environment, secretPath })
    },
  }
}

export { type LoggedLine as Line, recordingLogger } from '@secret-store/testkit'

export const LOGIN = 'Infisical universal auth login succeeded'
export const RENEWED = 'Infisical access token renewed'
export const REJECTED = 'Infisical rejected the access token, logging in again'
