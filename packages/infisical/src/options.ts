import { ConfigurationError } from '@secret-store/core'
import { checkOptionKeys, optionKeys, type SplitStoreOptions } from '@secret-store/core/adapter'
import { normalizeSecretPath } from './names.js'
import type { InfisicalSecretStoreOptions, InfisicalStoreSettings, InfisicalUniversalAuth } from './types.js'

export const STORE_NAME = 'InfisicalSecretStore'
export const DEFAULT_SITE_URL = 'https://app.infisical.com'
/** From three names in one folder, one list request is cheaper than a request per name. */
export const DEFAULT_LIST_THRESHOLD = 3

type InfisicalOnlyOptions = SplitStoreOptions<InfisicalSecretStoreOptions>['own']

export interface ResolvedOptions {
  settings: InfisicalStoreSettings
  credentials: InfisicalUniversalAuth | { accessToken: string }
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== ''

/** Every option of the store besides the shared ones; the list fails to compile when the types gain one. */
const OPTION_KEYS = optionKeys<InfisicalOnlyOptions>()([
  'projectId',
  'environment',
  'secretPath',
  'siteUrl',
  'expandSecretReferences',
  'listThreshold',
  'universalAuth',
  'accessToken',
])

/** What PURISTA's `@purista/infisical-secret-store` users pass instead, and what to pass now. */
const SERVICE_TOKEN_REFUSED =
  'Infisical service tokens (bearerToken, the option of @purista/infisical-secret-store) are deprecated by Infisical and not supported. ' +
  'Use a machine identity with universal auth: new InfisicalSecretStore({ projectId, environment, universalAuth: { clientId, clientSecret } }) ' +
  "(siteUrl for a self-hosted Infisical), or pass an identity's access token as accessToken"

/** Checks the options (also for callers without types) and splits off the credentials. */
export function resolveOptions(own: InfisicalOnlyOptions): ResolvedOptions {
  const fail = (message: string): never => {
    throw new ConfigurationError(message, { store: STORE_NAME })
  }
  if ((own as Record<string, unknown>).bearerToken !== undefined) fail(SERVICE_TOKEN_REFUSED)
  checkOptionKeys(STORE_NAME, own, OPTION_KEYS)
  const { universalAuth, accessToken } = own
  if ((universalAuth === undefined) === (accessToken === undefined))
    fail('pass exactly one of universalAuth or accessToken')
  let credentials: ResolvedOptions['credentials']
  if (universalAuth !== undefined) {
    if (!nonEmpty(universalAuth?.clientId)) fail('universalAuth.clientId must be a non-empty string')
    if (!nonEmpty(universalAuth?.clientSecret)) fail('universalAuth.clientSecret must be a non-empty string')
    credentials = { clientId: universalAuth.clientId, clientSecret: universalAuth.clientSecret }
  } else {
    if (!nonEmpty(accessToken)) fail('accessToken must be a non-empty string')
    credentials = { accessToken: accessToken as string }
  }
  if (!nonEmpty(own.projectId)) fail('projectId must be the project id (Project Settings)')
  if (!nonEmpty(own.environment)) fail('environment must be an environment slug, e.g. dev')
  const siteUrl = own.siteUrl ?? DEFAULT_SITE_URL
  if (typeof siteUrl !== 'string' || !URL.canParse(siteUrl) || !/^https?:$/.test(new URL(siteUrl).protocol)) {
    fail('siteUrl must be an http(s) URL, e.g. https://app.infisical.com')
  }
  const expandSecretReferences = own.expandSecretReferences ?? true
  if (typeof expandSecretReferences !== 'boolean') fail('expandSecretReferences must be a boolean')
  const listThreshold = own.listThreshold ?? DEFAULT_LIST_THRESHOLD
  if (!(listThreshold === Number.POSITIVE_INFINITY || (Number.isInteger(listThreshold) && listThreshold >= 2))) {
    fail('listThreshold must be a whole number of at least 2, or Infinity')
  }
  return {
    settings: {
      siteUrl: siteUrl.replace(/\/+$/, ''),
      projectId: own.projectId,
      environment: own.environment,
      secretPath: normalizeSecretPath(own.secretPath ?? '/'),
      expandSecretReferences,
      listThreshold,
      auth: universalAuth === undefined ? 'accessToken' : 'universalAuth',
    },
    credentials,
  }
}
