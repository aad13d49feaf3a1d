/**
 * The in-memory Secret Manager behind the fake: secrets, their numbered versions and the rules
 * Secret Manager applies to them. Every operation takes a decoded request and returns a response
 * message, or throws an `RpcError`; nothing here knows about gRPC transport.
 *
 * Modelled as Secret Manager documents it:
 * - secret ids `[A-Za-z0-9_-]{1,255}`; a global secret needs a replication policy (automatic, or
 *   user-managed with at least one replica), a regional one takes none;
 * - versions are numbered from 1 per secret and never reused; `latest` (on Get and Access only) is the
 *   newest version whatever its state, so a disabled or destroyed newest version makes Access of
 *   `latest` fail with FAILED_PRECONDITION rather than fall back to an older one;
 * - payloads of 1 byte to 64 KiB; a given `data_crc32c` is verified (INVALID_ARGUMENT on mismatch)
 *   and one is computed otherwise, and Access always returns it;
 * - etags are quoted strings, renewed by every modification of their own resource (a no-op enable too);
 *   a stale etag fails with FAILED_PRECONDITION;
 * - deleting a secret deletes its versions at once (no soft delete), so a new secret of that name
 *   starts again at version 1;
 * - with `projectNumbers`, names come back with the project number, as real Secret Manager does.
 *
 * Not modelled: labels validation, annotations beyond storing them, TTL/expiry, rotation, topics,
 * version aliases, CMEK, delayed destruction, IAM, UpdateSecret and list filters other than `state:`.
 */

import { grpc } from 'google-gax'
import { crc32c } from './crc32c.js'
import { secretMessage, versionMessage } from './secret-manager-messages.js'
import {
  failedPrecondition,
  formatParent,
  formatSecretName,
  formatVersionName,
  invalidArgument,
  notFound,
  parseParent,
  parseSecretName,
  parseVersionName,
  RpcError,
  SECRET_ID,
  type SecretName,
  type SecretParent,
  type VersionName,
} from './secret-manager-names.js'
import { pageToken, paginate, parseStateFilter, readPageToken, unsupportedFilter } from './secret-manager-paging.js'
import type { IReplication, ISecret, ISecretVersion } from './secret-manager-service.js'

export const MAX_PAYLOAD_BYTES = 64 * 1024

export type VersionState = 'ENABLED' | 'DISABLED' | 'DESTROYED'

export type Replication =
  | { kind: 'automatic' }
  | { kind: 'user-managed'; locations: string[] }
  /** Regional secrets live in their location and have no replication policy. */
  | { kind: 'regional' }

export interface StoredVersion {
  number: number
  state: VersionState
  /** `undefined` once destroyed. */
  data: Buffer | undefined
  crc32c: number
  /** Whether AddSecretVersion carried a `data_crc32c`. */
  clientChecksum: boolean
  createTime: Date
  destroyTime: Date | undefined
  etag: string
}

export interface StoredSecret {
  /** The full resource name, as responses give it. */
  name: string
  replication: Replication
  labels: Record<string, string>
  annotations: Record<string, string>
  createTime: Date
  etag: string
  /** Index `n - 1` holds version `n`. */
  versions: StoredVersion[]
}

export interface ModelOptions {
  /** Project id → project number. Responses name such projects by number; requests may use either. */
  projectNumbers?: Readonly<Record<string, string>>
}

/** Request messages as google-gax decodes them: every field optional, unset messages `null`. */
export interface DecodedRequest {
  parent?: string | null
  name?: string | null
  secretId?: string | null
  secret?: {
    replication?: IReplication | null
    labels?: Record<string, string> | null
    annotations?: Record<string, string> | null
  } | null
  /** `dataCrc32c` is an int64 as a decimal string, present only when the client set it. */
  payload?: { data?: Uint8Array | string | null; dataCrc32c?: string | number | null } | null
  etag?: string | null
  pageSize?: number | null
  pageToken?: string | null
  filter?: string | null
}

export type SecretManagerModel = ReturnType<typeof createSecretManagerModel>

export function createSecretManagerModel(options: ModelOptions = {}) {
  const secrets = new Map<string, StoredSecret>()
  // Etags only have to differ from every earlier one; a clock-seeded counter does that.
  let etagCounter = Date.now() * 1000

  const nextEtag = () => `"${(++etagCounter).toString(16)}"`
  const canonical = <T extends SecretParent>(name: T): T => ({
    ...name,
    project: options.projectNumbers?.[name.project] ?? name.project,
  })
  const secretKey = (name: SecretName) => formatSecretName(canonical(name))

  function findSecret(name: SecretName): StoredSecret {
    const key = secretKey(name)
    const secret = secrets.get(key)
    if (secret === undefined) throw notFound(`Secret [${key}] not found.`)
    return secret
  }

  /** The version a name points at; `latest` only where the API documents the alias. */
  function findVersion(name: VersionName, allowLatest: boolean): { secret: StoredSecret; version: StoredVersion } {
    const key = secretKey(name)
    const secret = secrets.get(key)
    const ref = name.version
    if (ref.kind === 'latest') {
      if (!allowLatest) {
        throw invalidArgument('The latest alias is accepted only by GetSecretVersion and AccessSecretVersion.')
      }
      const newest = secret?.versions.at(-1)
      if (secret === undefined || newest === undefined) throw notFound(`Secret [${key}] not found or has no versions.`)
      return { secret, version: newest }
    }
    if (secret === undefined) throw notFound(`Secret [${key}] not found or has no versions.`)
    const version = ref.kind === 'number' ? secret.versions[ref.number - 1] : undefined
    const id = ref.kind === 'number' ? String(ref.number) : ref.alias
    if (version === undefined) throw notFound(`Secret Version [${key}/versions/${id}] not found.`)
    return { secret, version }
  }

  function checkEtag(etag: string | null | undefined, current: string, what: string): void {
    if (etag && etag !== current) {
      throw failedPrecondition(`The etag provided for ${what} does not match the current etag.`)
    }
  }

  function setState(request: DecodedRequest, state: VersionState) {
    const { secret, version } = findVersion(parseVersionName(request.name), false)
    const name = formatVersionName(secret.name, version.number)
    checkEtag(request.etag, version.etag, `Secret Version [${name}]`)
    if (version.state === 'DESTROYED') throw failedPrecondition(`Secret Version [${name}] is in DESTROYED state.`)
    version.state = state
    version.etag = nextEtag()
    if (state === 'DESTROYED') {
      version.data = undefined
      version.destroyTime = new Date()
    }
    return versionMessage(secret, version)
  }

  return {
    /** Raw state for assertions, keyed by the full secret name (project numbers applied). */
    secrets: secrets as ReadonlyMap<string, StoredSecret>,

    clear(): void {
      secrets.clear()
    },

    createSecret(request: DecodedRequest): ISecret {
      const parent = canonical(parseParent(request.parent))
      const secretId = request.secretId ?? ''
      if (!SECRET_ID.test(secretId)) {
        throw invalidArgument(`Invalid secret id [${secretId}]: it must match [a-zA-Z0-9_-]{1,255}.`)
      }
      const name = formatSecretName({ ...parent, secretId })
      const replication = parseReplication(request.secret?.replication, parent)
      if (secrets.has(name)) throw new RpcError(grpc.status.ALREADY_EXISTS, `Secret [${name}] already exists.`)
      const secret: StoredSecret = {
        name,
        replication,
        labels: { ...request.secret?.labels },
        annotations: { ...request.secret?.annotations },
        createTime: new Date(),
        etag: nextEtag(),
        versions: [],
      }
      secrets.set(name, secret)
      return secretMessage(secret)
    },

    getSecret(request: DecodedRequest): ISecret {
      return secretMessage(findSecret(parseSecretName(request.name)))
    },

    deleteSecret(request: DecodedRequest): Record<string, never> {
      const secret = findSecret(parseSecretName(request.name))
      checkEtag(request.etag, secret.etag, `Secret [${secret.name}]`)
      secrets.delete(secret.name)
      return {}
    },

    listSecrets(request: DecodedRequest) {
      const parent = formatParent(canonical(parseParent(request.parent)))
      if (request.filter) throw unsupportedFilter(request.filter)
      const all = [...secrets.values()].filter((s) => s.name.startsWith(`${parent}/secrets/`))
      all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      const after = readPageToken(request.pageToken, parent)
      const start = after === undefined ? 0 : all.findIndex((s) => s.name > after)
      const page = paginate(start < 0 ? [] : all.slice(start), request.pageSize)
      const last = page.items.at(-1)
      return {
        secrets: page.items.map(secretMessage),
        nextPageToken: page.more && last ? pageToken(parent, last.name) : '',
        totalSize: all.length,
      }
    },

    addSecretVersion(request: DecodedRequest): ISecretVersion {
      const secret = findSecret(parseSecretName(request.parent))
      const payload = request.payload
      if (payload === null || payload === undefined) throw invalidArgument('Field [payload] is required.')
      const data = toBuffer(payload.data)
      if (data.length === 0) throw invalidArgument('Secret Payload cannot be empty.')
      if (data.length > MAX_PAYLOAD_BYTES) {
        throw invalidArgument(`Secret Payload cannot be larger than ${MAX_PAYLOAD_BYTES} bytes (got ${data.length}).`)
      }
      const checksum = crc32c(data)
      const given = payload.dataCrc32c
      const clientChecksum = given !== undefined && given !== null
      if (clientChecksum && String(given) !== String(checksum)) {
        throw invalidArgument('Checksum mismatch: data_crc32c does not match the CRC32C of the payload data.')
      }
      const version: StoredVersion = {
        number: secret.versions.length + 1,
        state: 'ENABLED',
        data,
        crc32c: checksum,
        clientChecksum,
        createTime: new Date(),
        destroyTime: undefined,
        etag: nextEtag(),
      }
      secret.versions.push(version)
      return versionMessage(secret, version)
    },

    getSecretVersion(request: DecodedRequest): ISecretVersion {
      const { secret, version } = findVersion(parseVersionName(request.name), true)
      return versionMessage(secret, version)
    },

    /** The payload with its CRC32C (as an int64 string), and the resolved version name. */
    accessSecretVersion(request: DecodedRequest) {
      const { secret, version } = findVersion(parseVersionName(request.name), true)
      const name = formatVersionName(secret.name, version.number)
      if (version.state !== 'ENABLED' || version.data === undefined) {
        throw failedPrecondition(`Secret Version [${name}] is in ${version.state} state.`)
      }
      return { name, payload: { data: version.data, dataCrc32c: String(version.crc32c) } }
    },

    listSecretVersions(request: DecodedRequest) {
      const secret = findSecret(parseSecretName(request.parent))
      const state = parseStateFilter(request.filter)
      // Newest first, as the API documents.
      const all = secret.versions.filter((v) => state === undefined || v.state === state).reverse()
      const after = readPageToken(request.pageToken, secret.name)
      const start = after === undefined ? 0 : all.findIndex((v) => v.number < Number(after))
      const page = paginate(start < 0 ? [] : all.slice(start), request.pageSize)
      const last = page.items.at(-1)
      return {
        versions: page.items.map((v) => versionMessage(secret, v)),
        nextPageToken: page.more && last ? pageToken(secret.name, String(last.number)) : '',
        totalSize: all.length,
      }
    },

    disableSecretVersion: (request: DecodedRequest) => setState(request, 'DISABLED'),
    enableSecretVersion: (request: DecodedRequest) => setState(request, 'ENABLED'),
    destroySecretVersion: (request: DecodedRequest) => setState(request, 'DESTROYED'),
  }
}

function parseReplication(replication: IReplication | null | undefined, parent: SecretParent): Replication {
  if (parent.location !== undefined) {
    if (replication) throw invalidArgument('Regional secrets do not take a replication policy.')
    return { kind: 'regional' }
  }
  if (replication?.automatic) return { kind: 'automatic' }
  const replicas = replication?.userManaged?.replicas
  if (replicas) {
    const locations = replicas.map((r) => r.location ?? '')
    if (locations.length === 0 || locations.some((l) => l === '')) {
      throw invalidArgument('A user-managed replication policy needs at least one replica, each with a location.')
    }
    return { kind: 'user-managed', locations }
  }
  throw invalidArgument('Secret.replication is required for a global secret.')
}

function toBuffer(data: Uint8Array | string | null | undefined): Buffer {
  if (data === null || data === undefined) return Buffer.alloc(0)
  return typeof data === 'string' ? Buffer.from(data, 'base64') : Buffer.from(data)
}
