/**
 * Listing names on KV: one folder per page, the folders still to walk in the cursor. KV v2 leaves out
 * secrets whose current version is soft-deleted or destroyed (Vault still lists their metadata).
 */
import { type SecretNameListing, type SecretNamePage, UnavailableError } from '@secret-store/core'
import { mapWithConcurrency, pathNameProblem, raceAbort } from '@secret-store/core/adapter'
import { isVaultNotFound, vaultMessages, vaultStatus } from './errors.js'
import { field, kvApiPath } from './names.js'
import type { VaultClient, VaultRequestOptions } from './types.js'

/** What a page needs from the store: its client (with the session's token), paths and limits. */
export interface KvListingContext {
  readonly store: string
  readonly client: VaultClient
  call<T>(request: (options: VaultRequestOptions | undefined) => Promise<T>): Promise<T>
  readonly mountPath: string
  readonly prefixPath: string | undefined
  readonly version: 1 | 2
  readonly maxConcurrency: number
  readonly signal: AbortSignal | undefined
}

/** One folder's answer: the names of live secrets in it and its subfolders (paths relative to the store). */
interface Folder {
  names: string[]
  folders: string[]
}

/**
 * Lists KV names page by page. On KV v2 it asks OpenBao's `detailed-metadata` first (every key with its
 * versions in one request); where that endpoint is missing or denied (Vault), it lists `metadata` and
 * reads each candidate's metadata, at most `maxConcurrency` at a time.
 */
export class KvNameLister {
  #detailed = true
  readonly #onFallback: () => void

  /** `onFallback` runs once, when `detailed-metadata` turns out missing or denied. */
  constructor(onFallback: () => void) {
    this.#onFallback = onFallback
  }

  /**
   * One folder: the cursor holds the folders still to walk (as JSON). The first folder is the deepest
   * one the prefix fully names (`apps/pay` → `apps/`); a subfolder is walked only when it can hold a
   * name with the prefix.
   */
  async page(context: KvListingContext, { prefix, cursor }: SecretNameListing): Promise<SecretNamePage> {
    const pending = cursor === undefined ? firstFolders(prefix) : parseCursor(cursor)
    const [folder, ...rest] = pending
    if (folder === undefined) return { names: [] }
    const { names, folders } = await this.#folder(context, folder, prefix)
    const next = [...rest, ...folders.filter((sub) => sub.startsWith(prefix) || prefix.startsWith(sub))]
    return { names, cursor: next.length === 0 ? undefined : JSON.stringify(next) }
  }

  async #folder(context: KvListingContext, folder: string, prefix: string): Promise<Folder> {
    if (context.version === 1) return split(await list(context, 'metadata', folder), folder, prefix)
    if (this.#detailed) {
      try {
        return await detailedFolder(context, folder, prefix)
      } catch (err) {
        if (!isUnsupported(err)) throw err
        this.#detailed = false
        this.#onFallback()
      }
    }
    return liveNames(context, split(await list(context, 'metadata', folder), folder, prefix), {})
  }
}

/** The folder to start from, or none when the prefix's folder part is no Vault path (no name has it). */
function firstFolders(prefix: string): string[] {
  const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1)
  return folder === '' || pathNameProblem(folder.slice(0, -1)) === undefined ? [folder] : []
}

function parseCursor(cursor: string): string[] {
  const folders: unknown = JSON.parse(cursor)
  if (!Array.isArray(folders) || !folders.every((f) => typeof f === 'string')) throw new TypeError('bad cursor')
  return folders
}

/** The `LIST` of a folder: its keys, and Vault's `key_info` where the endpoint gives it. A 404 is an empty folder. */
async function list(
  context: KvListingContext,
  kind: 'metadata' | 'detailed-metadata',
  folder: string,
): Promise<{ keys: string[]; info: Record<string, unknown> }> {
  const path = kvApiPath(context, kind, folder)
  let body: unknown
  try {
    // Vault's `GET ?list=true` is its `LIST`, under the same `list` capability; unlike the custom verb,
    // it passes every HTTP proxy (Node's own HTTP server refuses `LIST`).
    body = await context.call((options) => raceAbort(context.client.read(`${path}?list=true`, options), context.signal))
  } catch (err) {
    if (isVaultNotFound(err) && vaultMessages(err).length === 0) return { keys: [], info: {} }
    throw err
  }
  const keys = field(field(body, 'data'), 'keys')
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) {
    throw new UnavailableError("an answer that is not Vault's came back (no list of keys)", {
      store: context.store,
      operation: 'list',
    })
  }
  const info = field(field(body, 'data'), 'key_info')
  return { keys, info: typeof info === 'object' && info !== null ? (info as Record<string, unknown>) : {} }
}

/** Splits keys into secret names that start with the prefix and subfolders (`a/`), both relative to the store. */
function split({ keys }: { keys: string[] }, folder: string, prefix: string): Folder {
  const names: string[] = []
  const folders: string[] = []
  for (const key of keys) {
    if (key.endsWith('/')) folders.push(folder + key)
    else if ((folder + key).startsWith(prefix)) names.push(folder + key)
  }
  return { names, folders }
}

async function detailedFolder(context: KvListingContext, folder: string, prefix: string): Promise<Folder> {
  const answer = await list(context, 'detailed-metadata', folder)
  const info = Object.fromEntries(Object.entries(answer.info).map(([key, value]) => [folder + key, value]))
  return liveNames(context, split(answer, folder, prefix), info)
}

/**
 * Keeps the names whose secret is live: by the metadata at hand (`detailed-metadata`'s `key_info`), else
 * by reading each one's metadata, at most `maxConcurrency` at a time.
 */
async function liveNames(context: KvListingContext, found: Folder, info: Record<string, unknown>): Promise<Folder> {
  const now = Date.now()
  const live = await mapWithConcurrency(found.names, context.maxConcurrency, (name) =>
    Object.hasOwn(info, name) ? Promise.resolve(isLive(info[name], now)) : isLiveSecret(context, name),
  )
  return { names: found.names.filter((_, i) => live[i]), folders: found.folders }
}

/** Reads one secret's metadata: whether its current version can be read. Gone meanwhile is not live. */
async function isLiveSecret(context: KvListingContext, name: string): Promise<boolean> {
  const path = kvApiPath(context, 'metadata', name)
  try {
    const body = await context.call((options) => raceAbort(context.client.read(path, options), context.signal))
    return isLive(field(body, 'data'), Date.now())
  } catch (err) {
    if (isVaultNotFound(err)) return false
    throw err
  }
}

/**
 * Whether KV v2 metadata describes a secret `getSecret` reads: a current version that is neither
 * destroyed nor past its `deletion_time`.
 */
export function isLive(metadata: unknown, now: number): boolean {
  const current = field(metadata, 'current_version')
  if (typeof current !== 'number' || current < 1) return false
  const version = field(field(metadata, 'versions'), String(current))
  if (field(version, 'destroyed') === true) return false
  const deletion = field(version, 'deletion_time')
  return typeof deletion !== 'string' || deletion === '' || !(Date.parse(deletion) <= now)
}

/**
 * Whether `detailed-metadata` is not there to use: Vault has no such endpoint (404 with an error, 405),
 * or the policy does not grant it (403). The `metadata` listing then decides.
 */
function isUnsupported(error: unknown): boolean {
  const status = vaultStatus(error)
  return status === 403 || status === 405 || (status === 404 && vaultMessages(error).length > 0)
}
