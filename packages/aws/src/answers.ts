import { setTimeout as sleep } from 'node:timers/promises'
/** What AWS answers mean for the store: secret states, values, and answers that cannot be AWS's. */
import { type BatchGetSecretValueCommandOutput, SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager'
import { UnavailableError, type ValueEncoding } from '@secret-store/core'
import { awsErrorName, isNotFound, isScheduledForDeletionError } from './errors.js'

/** `BatchGetSecretValue` accepts at most this many ids per request. */
export const BATCH_GET_MAX_IDS = 20

export const DEFAULT_RECOVERY_WINDOW_IN_DAYS = 30

export const DEFAULT_VERSION_STAGE = 'AWSCURRENT'
// Enough for the longest legitimate path (create raced by a writer, then put on a secret that was
// deleted meanwhile: create, put, restore + put) without letting two racing writers loop forever.
export const MAX_WRITE_ATTEMPTS = 4
/** Tries of one idempotent write request (a token makes repeats harmless). */
export const WRITE_RETRIES = 3

/**
 * Sends a write that carries a `ClientRequestToken`, again on a retryable failure (up to `WRITE_RETRIES`
 * tries, short jittered pauses, never once the attempt was aborted): AWS applies a token once, so a retry
 * after a lost answer cannot write a second version.
 */
export async function sendIdempotent(
  send: () => Promise<unknown>,
  retryable: (error: unknown) => boolean,
  aborted: () => boolean,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await send()
      return
    } catch (err) {
      if (!retryable(err) || attempt + 1 >= WRITE_RETRIES || aborted()) throw err
      await sleep(Math.random() * 100 * 2 ** attempt)
    }
  }
}

export type SecretState = 'missing' | 'scheduledForDeletion' | 'active'

interface SecretPayload {
  SecretString?: string | undefined
  SecretBinary?: Uint8Array | undefined
}

/** A string value as is; a binary value as base64, so binary secrets are never silently dropped. */
export function secretValueOf(payload: SecretPayload): string | undefined {
  if (payload.SecretString !== undefined) return payload.SecretString
  if (payload.SecretBinary !== undefined) return Buffer.from(payload.SecretBinary).toString('base64')
  return undefined
}

/** Ids whose last answer carried `SecretBinary`: their bytes are the base64 value decoded. */
export class BinaryIds {
  readonly #ids = new Set<string>()

  note(id: string, binary: boolean): void {
    if (binary) this.#ids.add(id)
    else this.#ids.delete(id)
  }

  encodingOf(id: string): ValueEncoding {
    return this.#ids.has(id) ? 'base64' : 'utf8'
  }
}

/** Whether the answer carried the value as `SecretBinary` (then base64 in `secretValueOf`'s result). */
export const isBinary = (payload: SecretPayload): boolean =>
  payload.SecretString === undefined && payload.SecretBinary !== undefined

/** An answer that cannot have come from AWS (an empty 200 from a proxy): unavailable, never "missing". */
export function foreignAnswer(store: string, secretName: string | undefined): UnavailableError {
  return new UnavailableError("an answer that is not AWS Secrets Manager's came back (empty body)", {
    store,
    secretName,
    operation: 'get',
  })
}

/** Which state a failed write step reveals, or `undefined` when the error is a real failure. */
export function stateRevealedBy(error: unknown): SecretState | undefined {
  if (isNotFound(error)) return 'missing'
  if (awsErrorName(error) === 'ResourceExistsException') return 'active'
  if (isScheduledForDeletionError(error)) return 'scheduledForDeletion'
  return undefined
}

/**
 * Sorts a `BatchGetSecretValue` answer by the ids asked for: values (an entry answers the id it was asked
 * by, its name or its ARN), per-secret failures as SDK exceptions, and ids the answer left out.
 */
export function readBatchAnswer(output: BatchGetSecretValueCommandOutput, ids: readonly string[]) {
  const asked = new Set(ids)
  const values = new Map<string, string | undefined>()
  /** Ids whose value came as `SecretBinary` (base64 in `values`). */
  const binary = new Set<string>()
  const failures: Array<{ id: string; error: SecretsManagerServiceException }> = []
  const unanswered = new Set(ids)
  for (const entry of output.SecretValues ?? []) {
    for (const id of [entry.Name, entry.ARN]) {
      if (id === undefined || !asked.has(id)) continue
      values.set(id, secretValueOf(entry))
      if (isBinary(entry)) binary.add(id)
      unanswered.delete(id)
    }
  }
  for (const failure of output.Errors ?? []) {
    const id = failure.SecretId
    if (id === undefined || !asked.has(id)) continue
    unanswered.delete(id)
    const error = new SecretsManagerServiceException({
      name: failure.ErrorCode ?? 'UnknownError',
      $fault: 'client',
      $metadata: {},
      message: failure.Message ?? '',
    })
    failures.push({ id, error })
  }
  return { values, binary, failures, unanswered: [...unanswered] }
}
