import { type SecretOperation, SecretStoreBaseClass, type SecretStoreError } from '@secret-store/core'
import { mapWithConcurrency, splitStoreOptions } from '@secret-store/core/adapter'
import { staticToken, type TokenSource, UniversalAuthSession } from './auth.js'
import {
  HiddenValueError,
  InfisicalHttpError,
  isFolderMissing,
  isInfisicalStatus,
  isMissing,
  isRejectedToken,
  mapInfisicalError,
  TrimmedValueError,
} from './errors.js'
import { type ApiCall, FOLDER_ROUTE, LIST_ROUTE, secretRoute, send } from './http.js'
import { type InfisicalSecretLocation, infisicalSecretName, locate } from './names.js'
import { resolveOptions, STORE_NAME } from './options.js'
import type { InfisicalSecretStoreOptions, InfisicalStoreSettings } from './types.js'

/** How many names the store remembers as existing or missing, to pick create or update without asking. */
const KNOWN_NAMES = 10_000
/** Update, create, folder, create, update: enough for a write that races another writer once. */
const MAX_WRITE_STEPS = 5

type WriteStep = 'update' | 'create' | 'folder'

/** What Infisical stores for a value: trimmed, but one final newline is kept (its `secretValue` schema). */
const storedAs = (value: string) => (value.at(-1) === '\n' ? `${value.trim()}\n` : value.trim())

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined

/** A success whose body lacks what Infisical sends: not an answer to trust (read as unavailable). */
const foreign = (reason: string) => new InfisicalHttpError(200, new Headers(), undefined, reason)

/**
 * A secret store on Infisical, for one project environment and folder (`secretPath`), as a machine
 * identity with universal auth (login, renewal and re-login through `@infisical/sdk`) or with a given
 * access token.
 *
 * Secret requests go to Infisical's v3 raw routes with the global `fetch`, one request per attempt under
 * the store's deadline and abort signal: the SDK's fixed retries (five tries, 1 to 8 s apart, 10 s each)
 * would multiply with the store's and outlast its timeout. One name is one `GET`; several cold names in
 * one folder are one list request from `listThreshold` names up. Writes update, or create on Infisical's
 * 404 (creating missing folders), in one request when the store already knows which. Names are
 * Infisical keys, `/` separates folders, and `tenant:<tenant>:<name>` lives in the folder
 * `tenant/<tenant>` (see `infisicalSecretName`).
 *
 * @example
 * const secretStore = new InfisicalSecretStore({
 *   projectId: process.env.INFISICAL_PROJECT_ID ?? '',
 *   environment: 'prod',
 *   universalAuth: { clientId: process.env.INFISICAL_CLIENT_ID ?? '', clientSecret: process.env.INFISICAL_CLIENT_SECRET ?? '' },
 * })
 */
export class InfisicalSecretStore extends SecretStoreBaseClass<Record<string, never>> {
  readonly #settings: InfisicalStoreSettings
  readonly #auth: TokenSource
  /** Whether a name existed when the store last saw it (reads, writes, removes), least recently seen first. */
  readonly #known = new Map<string, boolean>()

  constructor(options: InfisicalSecretStoreOptions) {
    const { base, own } = splitStoreOptions(options ?? ({} as InfisicalSecretStoreOptions))
    const { settings, credentials } = resolveOptions(own)
    // The settings and credentials stay in private fields, never in the base config.
    super(STORE_NAME, { ...base, config: {} })
    this.#settings = settings
    this.#auth =
      'accessToken' in credentials
        ? staticToken(credentials.accessToken)
        : new UniversalAuthSession({ ...credentials, siteUrl: settings.siteUrl, logger: this.logger, store: this.name })
  }

  /** Every cold name in one batch (grouped by folder below); none with `listThreshold: Infinity`. */
  protected override get readBatchSize(): number {
    return Number.isFinite(this.#settings.listThreshold) ? Number.POSITIVE_INFINITY : 1
  }

  protected override backendName(name: string) {
    return infisicalSecretName(name)
  }

  protected async getSecretImpl(name: string): Promise<string | undefined> {
    return this.#readOne(name)
  }

  /**
   * Cold names grouped by folder: a folder with `listThreshold` names or more is read with one list
   * request, the others one `GET` per name; at most `maxConcurrency` requests at once.
   */
  protected override async getSecretsImpl(names: readonly string[]): Promise<Map<string, string | undefined>> {
    const byFolder = new Map<string, string[]>()
    for (const name of names) {
      const { secretPath } = this.#locate(name)
      const group = byFolder.get(secretPath) ?? []
      group.push(name)
      byFolder.set(secretPath, group)
    }
    const found = new Map<string, string | undefined>()
    const jobs: Array<() => Promise<void>> = []
    for (const [secretPath, members] of byFolder) {
      if (members.length >= this.#settings.listThreshold) {
        jobs.push(async () => {
          const listed = await this.#list(secretPath)
          for (const name of members) found.set(name, this.#valueOf(name, listed.get(this.#locate(name).secretKey)))
        })
      } else {
        for (const name of members) jobs.push(async () => void found.set(name, await this.#readOne(name)))
      }
    }
    await mapWithConcurrency(jobs, this.maxConcurrency, (job) => job())
    return found
  }

  /**
   * Updates, or creates on Infisical's 404, creating the folder when Infisical says it is missing. A name
   * the store saw missing is created straight away; one created meanwhile (400) is updated after all.
   */
  protected async setSecretImpl(name: string, value: string): Promise<void> {
    if (storedAs(value) !== value) throw new TrimmedValueError()
    const { secretPath, secretKey } = this.#locate(name)
    const body = { ...this.#target(secretPath), secretValue: value }
    let step: WriteStep = this.#known.get(name) === false ? 'create' : 'update'
    let folderMade = false
    for (let attempt = 1; ; attempt++) {
      try {
        if (step === 'folder') {
          await this.#makeFolder(secretPath)
          folderMade = true
          step = 'create'
          continue
        }
        await this.#call({ method: step === 'update' ? 'PATCH' : 'POST', path: secretRoute(secretKey), body })
        this.#learn(name, true)
        return
      } catch (err) {
        const folderPossible = !folderMade && secretPath !== '/' && attempt < MAX_WRITE_STEPS
        if (step === 'update' && isMissing(err) && attempt < MAX_WRITE_STEPS) {
          step = isFolderMissing(err) && folderPossible ? 'folder' : 'create'
        } else if (step === 'create' && isMissing(err) && folderPossible) {
          step = 'folder'
        } else if (step === 'create' && isInfisicalStatus(err, 400) && attempt < MAX_WRITE_STEPS) {
          step = 'update'
        } else {
          throw err
        }
      }
    }
  }

  /** Deletes the secret; Infisical's 404 means it is gone already. Infisical has no purge: see the README. */
  protected async removeSecretImpl(name: string): Promise<void> {
    const { secretPath, secretKey } = this.#locate(name)
    try {
      await this.#call({ method: 'DELETE', path: secretRoute(secretKey), body: this.#target(secretPath) })
    } catch (err) {
      if (!isMissing(err)) throw err
    }
    this.#learn(name, false)
  }

  protected override mapError(
    error: unknown,
    operation: SecretOperation,
    secretName: string | undefined,
  ): SecretStoreError {
    return mapInfisicalError(error, { store: this.name, operation, secretName })
  }

  /** Stops the token renewal timer. */
  protected override async closeImpl(): Promise<void> {
    this.#auth.destroy()
  }

  async #readOne(name: string): Promise<string | undefined> {
    const { secretPath, secretKey } = this.#locate(name)
    let body: Record<string, unknown>
    try {
      body = await this.#call({ method: 'GET', path: secretRoute(secretKey), query: this.#query(secretPath) })
    } catch (err) {
      if (!isMissing(err)) throw err
      this.#learn(name, false)
      return undefined
    }
    const secret = asRecord(body.secret)
    if (secret === undefined) throw foreign('no secret in the answer')
    return this.#valueOf(name, secret)
  }

  /** The folder's secrets by key; an empty map for a folder that does not exist. */
  async #list(secretPath: string): Promise<Map<string, Record<string, unknown>>> {
    let body: Record<string, unknown>
    try {
      const query = { ...this.#query(secretPath), recursive: 'false' }
      body = await this.#call({ method: 'GET', path: LIST_ROUTE, query })
    } catch (err) {
      if (isMissing(err)) return new Map()
      throw err
    }
    if (!Array.isArray(body.secrets)) throw foreign('no secrets list in the answer')
    const byKey = new Map<string, Record<string, unknown>>()
    for (const entry of body.secrets) {
      const secret = asRecord(entry)
      if (typeof secret?.secretKey === 'string' && secret.type !== 'personal') byKey.set(secret.secretKey, secret)
    }
    return byKey
  }

  /** A secret's value; `undefined` for none. A hidden value is a denial, never the placeholder. */
  #valueOf(name: string, secret: Record<string, unknown> | undefined): string | undefined {
    this.#learn(name, secret !== undefined)
    if (secret === undefined) return undefined
    if (secret.secretValueHidden === true) throw new HiddenValueError()
    if (typeof secret.secretValue !== 'string') throw foreign('the secret has no value')
    return secret.secretValue
  }

  /** Creates `secretPath` (Infisical creates its missing parents too, and answers an existing folder as it is). */
  async #makeFolder(secretPath: string): Promise<void> {
    const cut = secretPath.lastIndexOf('/')
    const folder = { name: secretPath.slice(cut + 1), path: secretPath.slice(0, cut) || '/' }
    const { workspaceId, environment } = this.#target(secretPath)
    await this.#call({ method: 'POST', path: FOLDER_ROUTE, body: { workspaceId, environment, ...folder } })
    this.logger.debug({ store: this.name, operation: 'set', event: 'infisical.folder.created' }, 'folder created')
  }

  /** One request with the current token; after Infisical rejected the token, one new login and one retry. */
  async #call(call: ApiCall): Promise<Record<string, unknown>> {
    const signal = this.abortSignal
    const { siteUrl } = this.#settings
    const token = await this.#auth.token(signal)
    try {
      return await send(siteUrl, call, token, signal)
    } catch (err) {
      if (!isRejectedToken(err)) throw err
      const fresh = await this.#auth.replace(token, signal)
      if (fresh === undefined) throw err
      return send(siteUrl, call, fresh, signal)
    }
  }

  /** The query of both read routes (they spell the imports flag alike on the server: `include_imports`). */
  #query(secretPath: string): Record<string, string> {
    const { projectId, environment, expandSecretReferences } = this.#settings
    return {
      workspaceId: projectId,
      environment,
      secretPath,
      type: 'shared',
      expandSecretReferences: String(expandSecretReferences),
      include_imports: 'false',
      viewSecretValue: 'true',
    }
  }

  #target(secretPath: string) {
    const { projectId, environment } = this.#settings
    return { workspaceId: projectId, environment, secretPath, type: 'shared' }
  }

  #locate(name: string): InfisicalSecretLocation {
    return locate(name, this.#settings.secretPath)
  }

  #learn(name: string, exists: boolean): void {
    this.#known.delete(name)
    this.#known.set(name, exists)
    if (this.#known.size > KNOWN_NAMES) this.#known.delete(this.#known.keys().next().value as string)
  }
}
