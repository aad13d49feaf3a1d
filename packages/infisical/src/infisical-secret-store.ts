import { InfisicalSDK, SecretType } from '@infisical/sdk'
import type { SecretNameListing, SecretNamePage } from '@secret-store/core'
import { type SecretOperation, SecretStoreBaseClass, type SecretStoreError } from '@secret-store/core'
import { mapWithConcurrency, raceAbort, splitStoreOptions } from '@secret-store/core/adapter'
import { staticToken, type TokenSource, UniversalAuthSession } from './auth.js'
import {
  foreignAnswer,
  HiddenValueError,
  InfisicalCallError,
  isFolderMissing,
  isInfisicalStatus,
  isMissing,
  isRejectedToken,
  mapInfisicalError,
  TrimmedValueError,
} from './errors.js'
import { listNames } from './listing.js'
import { type InfisicalSecretLocation, infisicalSecretName, locate } from './names.js'
import { resolveOptions, STORE_NAME } from './options.js'
import type { InfisicalSecretStoreOptions, InfisicalStoreSettings } from './types.js'

/** How many names the store remembers as existing or missing, to pick create or update without asking. */
const KNOWN_NAMES = 10_000
/** Update, create, folder, create, update: enough for a write that races another writer once. */
const MAX_WRITE_STEPS = 5

type SdkCall<T> = (sdk: InfisicalSDK) => Promise<T>

/** What Infisical stores for a value: trimmed, but one final newline is kept (its `secretValue` schema). */
const storedAs = (value: string) => (value.at(-1) === '\n' ? `${value.trim()}\n` : value.trim())

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined

const ignore = () => {}

/**
 * A secret store on Infisical, for one project environment and folder (`secretPath`), as a machine
 * identity with universal auth (login, renewal and re-login) or with a given access token.
 *
 * Every request goes through one `@infisical/sdk` instance per store, which holds the current access token.
 * The SDK retries network errors and 429 itself (five tries, 1 to 8 s apart, 10 s each) and takes no abort
 * signal: the store stops waiting when the attempt's signal aborts, so core's deadline and retries hold, and
 * the next write to a secret waits for one the SDK may still be sending. One name is one `getSecret`;
 * `listThreshold` cold names in one folder are one `listSecrets`. Writes update, or create on Infisical's
 * 404 (creating missing folders), in one request when the store knows which. `/` separates folders, and
 * `tenant:<tenant>:<name>` lives in the folder `tenant/<tenant>` (see `infisicalSecretName`).
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
  /** The SDK instance of the secret and folder calls, and the access token it holds. */
  readonly #sdk: InfisicalSDK
  #sdkToken: string | undefined
  /** Whether a name existed when the store last saw it (reads, writes, removes), least recently seen first. */
  readonly #known = new Map<string, boolean>()
  /** The last SDK write call per name, until it settles: its caller may have stopped waiting, the SDK not. */
  readonly #writing = new Map<string, Promise<void>>()

  constructor(options: InfisicalSecretStoreOptions) {
    const { base, own } = splitStoreOptions(options ?? ({} as InfisicalSecretStoreOptions))
    const { settings, credentials } = resolveOptions(own)
    // The settings and credentials stay in private fields, never in the base config.
    super(STORE_NAME, { ...base, config: {} })
    this.#settings = settings
    this.#sdk = new InfisicalSDK({ siteUrl: settings.siteUrl })
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
      if (byFolder.has(secretPath)) byFolder.get(secretPath)?.push(name)
      else byFolder.set(secretPath, [name])
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
    const target = { ...this.#target(secretPath), secretValue: value }
    let step: 'update' | 'create' | 'folder' = this.#known.get(name) === false ? 'create' : 'update'
    let folderMade = false
    for (let attempt = 1; ; attempt++) {
      try {
        if (step === 'folder') {
          await this.#makeFolder(secretPath)
          folderMade = true
          step = 'create'
          continue
        }
        const method = step === 'update' ? 'updateSecret' : 'createSecret'
        await this.#write(name, (sdk) => sdk.secrets()[method](secretKey, target))
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

  /** Every name below the deepest folder the prefix fully names, in one page, without values: see `listing.ts`. */
  protected override listSecretNamesImpl({ prefix }: SecretNameListing): Promise<SecretNamePage> {
    return listNames(prefix, this.#settings, (call) => this.#call(call))
  }

  /** Deletes the secret; Infisical's 404 means it is gone already. Infisical has no purge: see the README. */
  protected async removeSecretImpl(name: string): Promise<void> {
    const { secretPath, secretKey } = this.#locate(name)
    try {
      await this.#write(name, (sdk) => sdk.secrets().deleteSecret(secretKey, this.#target(secretPath)))
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
    let secret: unknown
    try {
      secret = await this.#call((sdk) =>
        sdk.secrets().getSecret({ ...this.#read(secretPath), secretName: secretKey, type: SecretType.Shared }),
      )
    } catch (err) {
      if (!isMissing(err)) throw err
      this.#learn(name, false)
      return undefined
    }
    // The SDK answers the body's `secret`: absent when the body was not Infisical's.
    const found = asRecord(secret)
    if (found === undefined) throw foreignAnswer()
    return this.#valueOf(name, found)
  }

  /** The folder's secrets by key (not recursive, imports left out); an empty map for a folder that does not exist. */
  async #list(secretPath: string): Promise<Map<string, Record<string, unknown>>> {
    let answer: unknown
    try {
      answer = await this.#call((sdk) => sdk.secrets().listSecrets({ ...this.#read(secretPath), recursive: false }))
    } catch (err) {
      if (isMissing(err)) return new Map()
      throw err
    }
    const secrets = asRecord(answer)?.secrets
    if (!Array.isArray(secrets)) throw foreignAnswer()
    const byKey = new Map<string, Record<string, unknown>>()
    for (const entry of secrets) {
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
    if (typeof secret.secretValue !== 'string') throw foreignAnswer()
    return secret.secretValue
  }

  /** Creates `secretPath` (Infisical creates its missing parents too, and answers an existing folder as it is). */
  async #makeFolder(secretPath: string): Promise<void> {
    const cut = secretPath.lastIndexOf('/')
    const folder = { name: secretPath.slice(cut + 1), path: secretPath.slice(0, cut) || '/' }
    const { projectId, environment } = this.#settings
    const made = await this.#call((sdk) => sdk.folders().create({ projectId, environment, ...folder }))
    if (asRecord(made) === undefined) throw foreignAnswer()
    this.logger.debug({ store: this.name, operation: 'set', event: 'infisical.folder.created' }, 'folder created')
  }

  /** A write to the secret `name`, which Infisical answers with the secret. */
  async #write(name: string, call: SdkCall<unknown>): Promise<void> {
    const answer = await this.#call(call, name)
    if (asRecord(asRecord(answer)?.secret) === undefined) throw foreignAnswer()
  }

  /**
   * One SDK call with the current token, waited for as long as the attempt's signal allows; after Infisical
   * rejected the token, one new login and one retry. A write (`writing` names its secret) first waits for
   * the last write to that secret that the SDK may still be sending, so an abandoned write cannot land
   * after a later one.
   */
  async #call<T>(call: SdkCall<T>, writing?: string): Promise<T> {
    const signal = this.abortSignal
    const earlier = writing === undefined ? undefined : this.#writing.get(writing)
    if (earlier !== undefined) await raceAbort(earlier, signal)
    const token = await this.#auth.token(signal)
    try {
      return await this.#send(call, token, signal, writing)
    } catch (err) {
      if (!isRejectedToken(err)) throw err
      const fresh = await this.#auth.replace(token, signal)
      if (fresh === undefined) throw err
      return this.#send(call, fresh, signal, writing)
    }
  }

  #send<T>(call: SdkCall<T>, token: string, signal: AbortSignal | undefined, writing?: string): Promise<T> {
    // The SDK copies its headers when a call starts, so setting the token right before it is safe under concurrency.
    if (token !== this.#sdkToken) {
      this.#sdk.auth().accessToken(token)
      this.#sdkToken = token
    }
    const sent = call(this.#sdk).catch((err: unknown) => {
      throw new InfisicalCallError('request', err)
    })
    if (writing !== undefined) {
      const settled = sent.then(ignore, ignore)
      this.#writing.set(writing, settled)
      void settled.then(() => this.#writing.get(writing) === settled && this.#writing.delete(writing))
    }
    return raceAbort(sent, signal)
  }

  /** What both reads send: the project, environment and folder, references as configured, imports left out. */
  #read(secretPath: string) {
    const { projectId, environment, expandSecretReferences } = this.#settings
    return { projectId, environment, secretPath, expandSecretReferences, includeImports: false, viewSecretValue: true }
  }

  #target(secretPath: string) {
    const { projectId, environment } = this.#settings
    return { projectId, environment, secretPath, type: SecretType.Shared }
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
