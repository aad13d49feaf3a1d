import { randomUUID } from 'node:crypto'
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import {
  InvalidSecretNameError,
  printableName,
  type RemoveSecretOptions,
  type SecretNameListing,
  type SecretNamePage,
  type SecretOperation,
  SecretStoreBaseClass,
  type SecretStoreError,
  UnavailableError,
  type ValueEncoding,
} from '@secret-store/core'
import { splitStoreOptions } from '@secret-store/core/adapter'
import {
  BATCH_GET_MAX_IDS,
  BinaryIds,
  DEFAULT_VERSION_STAGE,
  foreignAnswer,
  isBinary,
  MAX_WRITE_ATTEMPTS,
  readBatchAnswer,
  type SecretState,
  secretValueOf,
  sendIdempotent,
  stateRevealedBy,
} from './answers.js'
import { awsErrorName, isAccessDenied, isNotFound, isScheduledForDeletionError, mapAwsError } from './errors.js'
import { listSecretsCommand, namePage } from './listing.js'
import { awsSecretId, isSecretArn } from './names.js'
import { type ResolvedAwsOptions, resolveAwsOptions, STORE_NAME } from './options.js'
import type { AWSSecretStoreOptions } from './types.js'

/**
 * A secret store on AWS Secrets Manager.
 *
 * Several names are read with `BatchGetSecretValue` (20 per request, requests in parallel up to
 * `maxConcurrency`); a single name with `GetSecretValue`. Binary secrets come back base64-encoded.
 * Writes restore a secret scheduled for deletion before writing it; removes are recoverable unless
 * `purgeOnRemove` or `removeSecret(name, { purge: true })` says otherwise. Names are sent as the AWS
 * console shows them, ARNs included (see `awsSecretId`); `listSecretNames` pages through `ListSecrets`.
 *
 * @example
 * const secretStore = new AWSSecretStore({ region: 'us-east-1' })
 * const { paymentApiKey } = await secretStore.getSecret('paymentApiKey')
 */
export class AWSSecretStore extends SecretStoreBaseClass<Record<string, never>> {
  readonly #client: SecretsManagerClient
  /** Settled options: version pinning, recovery window, purge default, and whether the store owns the client. */
  readonly #settings: Omit<ResolvedAwsOptions, 'client'>
  // Learnt once per store: the principal may lack permission for the batch call or for DescribeSecret.
  #batchDenied = false
  #describeDenied = false
  readonly #binary = new BinaryIds()

  constructor(options: AWSSecretStoreOptions) {
    const { base, own } = splitStoreOptions(options)
    // The client options (credentials among them) stay in private fields, never in the base config.
    super(STORE_NAME, { ...base, config: {} })

    const { client, ...settings } = resolveAwsOptions(own)
    this.#client = client
    this.#settings = settings
  }

  protected override get backendCapabilities() {
    return { recoverableDelete: !this.#settings.purgeOnRemove }
  }

  /** 20 ids per `BatchGetSecretValue`; one name per request when reads pin a version or the batch call is denied. */
  protected override get readBatchSize(): number {
    return this.#pinsVersion() || this.#batchDenied ? 1 : BATCH_GET_MAX_IDS
  }

  /** Destroys the client the store created; an injected client is left to its owner. */
  protected override async closeImpl(): Promise<void> {
    if (this.#settings.owned) this.#client.destroy()
  }

  protected override mapError(
    error: unknown,
    operation: SecretOperation,
    secretName: string | undefined,
  ): SecretStoreError {
    return mapAwsError(error, { store: this.name, operation, secretName })
  }

  protected override backendName(name: string) {
    return awsSecretId(name)
  }

  protected async getSecretImpl(id: string): Promise<string | undefined> {
    return this.#getOne(id)
  }

  protected override async getSecretsImpl(ids: readonly string[]): Promise<Map<string, string | undefined>> {
    const result = new Map<string, string | undefined>()
    if (!this.#batchDenied) {
      try {
        await this.#getBatch(ids, result)
        return result
      } catch (err) {
        if (!isAccessDenied(err)) throw err
        if (!this.#batchDenied) {
          this.#batchDenied = true
          this.logger.warn(
            { store: this.name, operation: 'get' },
            'BatchGetSecretValue was denied; reading one name per GetSecretValue request from now on',
          )
        }
      }
    }
    // One after another: the base already runs up to maxConcurrency of these chunks at once.
    for (const id of ids) result.set(id, await this.#getOne(id))
    return result
  }

  /** Binary secrets (`SecretBinary`) read as base64 text: `getSecretBytes` decodes them. */
  protected override valueEncoding(id: string): ValueEncoding {
    return this.#binary.encodingOf(id)
  }

  /** One `ListSecrets` page of names, filtered by the prefix on AWS's side (see `listSecretsCommand`). */
  protected override async listSecretNamesImpl(listing: SecretNameListing): Promise<SecretNamePage> {
    const command = listSecretsCommand(listing)
    return command === undefined ? { names: [] } : namePage(this.name, await this.#send(command))
  }

  protected async setSecretImpl(id: string, value: string): Promise<void> {
    this.#binary.note(id, false)
    // Describe first: AWS rejects a write to a secret scheduled for deletion, but some emulators accept
    // it and leave the secret deleted. Knowing the state, the write takes the same path everywhere.
    let state = await this.#describeState(id, 'set')
    const seen = new Set<SecretState>([state])
    // One token for the whole write: AWS applies a CreateSecret/PutSecretValue with a token it has seen once.
    const token = randomUUID()
    let restored = false
    for (let attempt = 1; ; attempt++) {
      try {
        if (state === 'missing') {
          if (isSecretArn(id)) {
            throw new InvalidSecretNameError('an ARN addresses an existing secret; create a new secret by its name', {
              store: this.name,
              operation: 'set',
              secretName: printableName(id),
            })
          }
          await this.#sendWrite(
            () => new CreateSecretCommand({ Name: id, SecretString: value, ClientRequestToken: token }),
          )
          return
        }
        if (state === 'scheduledForDeletion') {
          await this.#send(new RestoreSecretCommand({ SecretId: id }))
          restored = true
          state = 'active'
        }
        await this.#sendWrite(
          () => new PutSecretValueCommand({ SecretId: id, SecretString: value, ClientRequestToken: token }),
        )
        return
      } catch (err) {
        // Someone else created, deleted or purged the secret since we looked: continue from the new state.
        const revealed = stateRevealedBy(err)
        if (revealed !== undefined && attempt < MAX_WRITE_ATTEMPTS) {
          state = revealed
          seen.add(revealed)
          continue
        }
        // A secret restored for this write goes back to being deleted: a failed write never revives it.
        // Not under the attempt's signal, which may be what failed the write.
        if (restored) {
          const undo = { SecretId: id, RecoveryWindowInDays: this.#settings.recoveryWindowInDays }
          await this.#client.send(new DeleteSecretCommand(undo)).catch(() => {
            this.logger.warn(
              { store: this.name, operation: 'set' },
              'could not delete again a secret restored for a failed write',
            )
          })
        }
        const context = { store: this.name, operation: 'set' as const, secretName: id }
        if (revealed !== undefined && seen.has('missing') && seen.has('scheduledForDeletion')) {
          // AWS releases a force-deleted name asynchronously: for a few seconds it is neither usable nor gone.
          throw new UnavailableError(
            'the name was force-deleted moments ago and is not free yet; retry shortly',
            context,
          )
        }
        throw mapAwsError(err, { ...context, scheduledForDeletion: seen.has('scheduledForDeletion') })
      }
    }
  }

  protected async removeSecretImpl(id: string, options?: RemoveSecretOptions): Promise<void> {
    const purge = options?.purge ?? this.#settings.purgeOnRemove
    try {
      await this.#delete(id, purge)
    } catch (err) {
      if (isNotFound(err)) return
      if (!(await this.#isScheduledForDeletion(id, err, 'remove'))) throw err
      // Already scheduled for deletion: a recoverable remove is done (the first deletion date stays).
      if (!purge) return
      // AWS force-deletes a scheduled secret directly; should it refuse, restore it first.
      try {
        await this.#send(new RestoreSecretCommand({ SecretId: id }))
        await this.#delete(id, true)
      } catch (inner) {
        if (isNotFound(inner)) return
        throw mapAwsError(inner, {
          store: this.name,
          operation: 'remove',
          secretName: id,
          scheduledForDeletion: true,
        })
      }
    }
  }

  /** Sends a command under the current attempt's abort signal. */
  readonly #send = ((command: Parameters<SecretsManagerClient['send']>[0]) =>
    this.#client.send(command, { abortSignal: this.abortSignal })) as SecretsManagerClient['send']

  /** Sends a write that carries a `ClientRequestToken`, retrying it on retryable failures (see `sendIdempotent`). */
  #sendWrite(command: () => CreateSecretCommand | PutSecretValueCommand): Promise<void> {
    const retryable = (err: unknown) =>
      mapAwsError(err, { store: this.name, operation: 'set', secretName: undefined }).retryable
    return sendIdempotent(
      () => this.#send(command() as never),
      retryable,
      () => this.abortSignal?.aborted === true,
    )
  }

  #pinsVersion(): boolean {
    return (
      this.#settings.versionId !== undefined ||
      (this.#settings.versionStage ?? DEFAULT_VERSION_STAGE) !== DEFAULT_VERSION_STAGE
    )
  }

  async #getOne(id: string): Promise<string | undefined> {
    try {
      const output = await this.#send(
        new GetSecretValueCommand({
          SecretId: id,
          VersionStage: this.#settings.versionStage,
          VersionId: this.#settings.versionId,
        }),
      )
      // AWS always names the secret it answers for; an answer without a name (an empty 200) is not AWS's.
      if (output.Name === undefined && output.ARN === undefined) throw foreignAnswer(this.name, id)
      this.#binary.note(id, isBinary(output))
      return secretValueOf(output)
    } catch (err) {
      if (err instanceof UnavailableError) throw err
      if (isNotFound(err) || (await this.#isScheduledForDeletion(id, err, 'get'))) return undefined
      throw mapAwsError(err, { store: this.name, operation: 'get', secretName: id })
    }
  }

  async #getBatch(ids: readonly string[], into: Map<string, string | undefined>): Promise<void> {
    const output = await this.#send(new BatchGetSecretValueCommand({ SecretIdList: ids.slice() }))
    if (output.SecretValues === undefined && output.Errors === undefined) throw foreignAnswer(this.name, undefined)
    const { values, binary, failures, unanswered } = readBatchAnswer(output, ids)
    for (const [id, value] of values) {
      into.set(id, value)
      this.#binary.note(id, binary.has(id))
    }
    for (const { id, error } of failures) {
      if (!isNotFound(error) && !(await this.#isScheduledForDeletion(id, error, 'get'))) {
        throw mapAwsError(error, { store: this.name, operation: 'get', secretName: id })
      }
      into.set(id, undefined)
    }
    // AWS answers every id in one of the two lists; should one be missing, ask for it alone.
    for (const id of unanswered) into.set(id, await this.#getOne(id))
  }

  /**
   * Whether `error` means the secret is scheduled for deletion. The message says so today; should its
   * wording change, DescribeSecret decides, so a deleted secret still reads as missing.
   */
  async #isScheduledForDeletion(id: string, error: unknown, operation: SecretOperation): Promise<boolean> {
    if (awsErrorName(error) !== 'InvalidRequestException') return false
    if (isScheduledForDeletionError(error)) return true
    return (await this.#describeState(id, operation).catch(() => undefined)) === 'scheduledForDeletion'
  }

  async #describeState(id: string, operation: SecretOperation): Promise<SecretState> {
    if (this.#describeDenied) return 'active'
    try {
      const output = await this.#send(new DescribeSecretCommand({ SecretId: id }))
      return output.DeletedDate === undefined ? 'active' : 'scheduledForDeletion'
    } catch (err) {
      if (isNotFound(err)) return 'missing'
      if (!isAccessDenied(err)) throw err
      // Without DescribeSecret, writes start with PutSecretValue and learn the state from its
      // errors, which AWS raises for both a missing secret and one scheduled for deletion.
      this.#describeDenied = true
      this.logger.warn(
        { store: this.name, operation },
        'DescribeSecret was denied; writes learn the secret state from PutSecretValue errors from now on',
      )
      return 'active'
    }
  }

  #delete(id: string, force: boolean) {
    return this.#send(
      new DeleteSecretCommand(
        force
          ? { SecretId: id, ForceDeleteWithoutRecovery: true }
          : { SecretId: id, RecoveryWindowInDays: this.#settings.recoveryWindowInDays },
      ),
    )
  }
}
