import type { StoreBaseOptions } from '@secret-store/core'

/** A machine identity's universal auth credentials (Access Control → Identities → Universal Auth). */
export interface InfisicalUniversalAuth {
  clientId: string
  /** Kept in a private field: never logged, inspected or serialised. */
  clientSecret: string
}

/** Where the secrets live and how they are read. */
export interface InfisicalProjectOptions {
  /** The project's id (Project Settings), sent as `workspaceId`. */
  projectId: string
  /** The environment's slug, e.g. `dev`, `staging`, `prod`. */
  environment: string
  /**
   * The folder that holds the store's secrets; a `/` in a name goes into folders below it.
   * @default '/'
   */
  secretPath?: string | undefined
  /**
   * The Infisical instance: Infisical Cloud US, `https://eu.infisical.com`, or your own.
   * @default 'https://app.infisical.com'
   */
  siteUrl?: string | undefined
  /**
   * Expand secret references (`${KEY}`, `${env.folder.KEY}`) in values read, as the dashboard shows them.
   * `setSecret` always stores the value as written.
   * @default true
   */
  expandSecretReferences?: boolean
  /**
   * A `getSecret` that needs this many cold names or more from one folder reads them with one list
   * request for the folder instead of one request per name. `Infinity` never lists.
   * @default 3
   */
  listThreshold?: number
}

type UniversalAuth = {
  /** Log in as a machine identity with universal auth; the store renews the token and logs in again as needed. */
  universalAuth: InfisicalUniversalAuth
  accessToken?: never
}

type AccessTokenAuth = {
  /** An access token obtained elsewhere (e.g. `infisical login --method=universal-auth --plain`). Never renewed. */
  accessToken: string
  universalAuth?: never
}

/**
 * The operation flags and shared settings of every store, accepted flat (`enableGet`, `enableSet`,
 * `enableRemove`, `logger`, `cache`, `maxConcurrency`, `timeoutMs`, `retry`, ...). The logger never
 * sees secret values, client secrets or tokens.
 */
export type InfisicalStoreFlags = StoreBaseOptions

/** Options of `InfisicalSecretStore`: the flags, the project, and exactly one of `universalAuth` or `accessToken`. */
export type InfisicalSecretStoreOptions = InfisicalStoreFlags &
  InfisicalProjectOptions &
  (UniversalAuth | AccessTokenAuth)

/** The store's resolved settings. Credentials are never part of them. */
export interface InfisicalStoreSettings {
  siteUrl: string
  projectId: string
  environment: string
  secretPath: string
  expandSecretReferences: boolean
  listThreshold: number
  auth: 'universalAuth' | 'accessToken'
}
