/**
 * A loopback HTTPS fake of the Azure Key Vault secrets REST API, for tests.
 *
 * It speaks to a real `SecretClient` the way Key Vault does:
 * - HTTPS with the testkit's committed throwaway certificate, `TEST_CERTIFICATE` (clients trust it with
 *   `tlsOptions: { ca }`), on 127.0.0.1 and a free port;
 * - challenge authentication: a request without `Authorization: Bearer ...` gets 401 with a
 *   `WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/<tenant>", resource="https://vault.azure.net"`
 *   challenge (clients need `disableChallengeResourceVerification: true` for a local host); any bearer
 *   token is accepted except `deniedToken`, which gets 403 Forbidden;
 * - `api-version` is required (7.x and 2025-* are accepted);
 * - secrets with versions, soft delete (`Recoverable+Purgeable`, 90 days), recover and purge; a
 *   soft-deleted name answers writes with 409 Conflict until it is recovered or purged; names are
 *   `^[0-9a-zA-Z-]{1,127}$` and case-insensitive (kept as first created), values at most 25 KB;
 * - JSON bodies and error bodies (`{"error":{"code","message"}}`) shaped like Key Vault's.
 *
 * For tests it adds a request log with per-route counts, the peak of requests in flight, fault
 * injection (`failNext`), a response latency, and two of Key Vault's eventual-consistency effects:
 * a deleted or recovered secret that shows up only after some polls, and 409s right after a purge.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { TEST_CERTIFICATE } from '@secret-store/testkit'

export interface FakeKeyVaultSettings {
  /** The bearer token that is refused with 403 Forbidden. @default 'denied-token' */
  deniedToken: string
  /**
   * After a delete, `GET /deletedsecrets/{name}` answers 404 this many times before the deleted secret
   * shows; after a recovery, `GET /secrets/{name}` does the same. Exercises the clients' poll loops.
   * @default 0
   */
  visibleAfterPolls: number
  /** After a purge, writes of that name answer 409 Conflict this many times. @default 0 */
  conflictsAfterPurge: number
  /** Every authenticated request is answered after this many milliseconds. @default 0 */
  latencyMs: number
}

export const DEFAULT_SETTINGS: Readonly<FakeKeyVaultSettings> = Object.freeze({
  deniedToken: 'denied-token',
  visibleAfterPolls: 0,
  conflictsAfterPurge: 0,
  latencyMs: 0,
})

/** One request as the fake saw it. */
export interface RecordedRequest {
  method: string
  /** The path without the query string, percent-encoding decoded. */
  path: string
  /** The route template, e.g. `GET /secrets/{name}`; `undefined` for an unknown path. */
  route: string | undefined
  status: number
  /** The bearer token, when the request carried one. */
  token: string | undefined
}

/** An answer forced onto the next matching request(s), after authentication. */
export type Fault =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  /** Destroys the connection without an answer. */
  | { drop: true }

export interface FakeKeyVault {
  /** e.g. `https://127.0.0.1:40123` */
  vaultUrl: string
  /** PEM of the self-signed certificate: pass it as `tlsOptions: { ca }`. */
  ca: string
  /** The tenant named in the challenge. */
  tenantId: string
  /** Every request since the last `clearLog()` or `reset()`, in arrival order. */
  readonly requests: readonly RecordedRequest[]
  /** The most requests in flight at once since the last `clearLog()` or `reset()`. */
  readonly peakInFlight: number
  /** How many authenticated requests went to `route` (optionally only those answered with `status`). */
  count(route: string, status?: number): number
  /** Answers the next `times` authenticated requests (to `route`, if given) with `fault`. */
  failNext(fault: Fault, options?: { times?: number; route?: string }): void
  /** Changes settings until the next `reset()`. */
  configure(settings: Partial<FakeKeyVaultSettings>): void
  /** Clears the request log and the in-flight peak. */
  clearLog(): void
  /** Clears the log, the secrets, pending faults and the settings. */
  reset(): void
  stop(): Promise<void>
}

export const ROUTES = {
  set: 'PUT /secrets/{name}',
  get: 'GET /secrets/{name}',
  versions: 'GET /secrets/{name}/versions',
  list: 'GET /secrets',
  delete: 'DELETE /secrets/{name}',
  getDeleted: 'GET /deletedsecrets/{name}',
  listDeleted: 'GET /deletedsecrets',
  purge: 'DELETE /deletedsecrets/{name}',
  recover: 'POST /deletedsecrets/{name}/recover',
} as const

const NAME = /^[0-9a-zA-Z-]{1,127}$/
const API_VERSION = /^(7\.\d+|2025-\d{2}-\d{2})(-preview(\.\d+)?)?$/
const MAX_VALUE_BYTES = 25 * 1024
const MAX_BODY_BYTES = 1024 * 1024
const RECOVERABLE_DAYS = 90

interface Version {
  id: string
  value: string
  contentType: string | undefined
  enabled: boolean
  created: number
  updated: number
  tags: Record<string, string> | undefined
}

interface Deletion {
  deletedDate: number
  scheduledPurgeDate: number
  /** GET /deletedsecrets answers 404 this many more times. */
  hiddenPolls: number
}

interface Entry {
  /** As first created; lookups ignore case. */
  name: string
  versions: Version[]
  deleted: Deletion | undefined
  /** After a recovery, GET /secrets answers 404 this many more times. */
  hiddenPolls: number
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** Error bodies as Key Vault sends them for statuses a test forces. */
function faultBody(status: number): unknown {
  const [code, message] =
    status === 429
      ? [
          'Throttled',
          'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached',
        ]
      : status === 503
        ? ['ServiceUnavailable', 'The service is temporarily unavailable. Please retry later.']
        : status >= 500
          ? ['InternalServerError', 'An unexpected error occurred.']
          : ['BadRequest', `The request failed with status ${status}.`]
  return { error: { code, message } }
}

/** The testkit's throwaway loopback certificate: nothing is generated at test time. */
function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  return Promise.resolve(TEST_CERTIFICATE)
}

export async function startKeyVaultFake(initial: Partial<FakeKeyVaultSettings> = {}): Promise<FakeKeyVault> {
  const { key, cert } = await selfSignedCertificate()
  const tenantId = randomUUID()
  const entries = new Map<string, Entry>()
  /** Lower-cased name → 409s still due after a purge. */
  const purging = new Map<string, number>()
  const faults: Array<{ fault: Fault; remaining: number; route: string | undefined }> = []
  const requests: RecordedRequest[] = []
  let settings: FakeKeyVaultSettings = { ...DEFAULT_SETTINGS, ...initial }
  let inFlight = 0
  let peakInFlight = 0

  const now = () => Math.floor(Date.now() / 1000)
  const findEntry = (name: string) => entries.get(name.toLowerCase())
  const liveEntry = (name: string) => {
    const entry = findEntry(name)
    return entry !== undefined && entry.deleted === undefined ? entry : undefined
  }
  const notFound = (name: string) =>
    new HttpError(
      404,
      'SecretNotFound',
      `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    )
  const deletedNotFound = (name: string) => new HttpError(404, 'SecretNotFound', `Deleted Secret not found: ${name}`)

  const attributes = (version: Version) => ({
    enabled: version.enabled,
    created: version.created,
    updated: version.updated,
    recoveryLevel: 'Recoverable+Purgeable',
    recoverableDays: RECOVERABLE_DAYS,
  })
  const latest = (entry: Entry) => entry.versions[entry.versions.length - 1] as Version
  const secretId = (base: string, entry: Entry, version?: Version) =>
    `${base}/secrets/${entry.name}${version === undefined ? '' : `/${version.id}`}`
  const bundle = (base: string, entry: Entry, version: Version, withValue: boolean) => ({
    ...(withValue ? { value: version.value } : {}),
    ...(version.contentType === undefined ? {} : { contentType: version.contentType }),
    id: secretId(base, entry, version),
    attributes: attributes(version),
    ...(version.tags === undefined ? {} : { tags: version.tags }),
  })
  const deletedBundle = (base: string, entry: Entry, deletion: Deletion) => ({
    recoveryId: `${base}/deletedsecrets/${entry.name}`,
    deletedDate: deletion.deletedDate,
    scheduledPurgeDate: deletion.scheduledPurgeDate,
    ...bundle(base, entry, latest(entry), false),
  })

  /** Returns [status, body]. */
  const operations: Record<
    string,
    (args: { name: string; version?: string; body: string; base: string }) => [number, unknown]
  > = {
    [ROUTES.set]: ({ name, body, base }) => {
      let parsed: unknown
      try {
        parsed = JSON.parse(body)
      } catch {
        throw new HttpError(400, 'BadParameter', 'The request body is not valid JSON.')
      }
      const { value, contentType, attributes: attrs, tags } = (parsed ?? {}) as Record<string, unknown>
      if (typeof value !== 'string' || value === '') {
        throw new HttpError(400, 'BadParameter', 'Property value is required and must be a non-empty string.')
      }
      if (Buffer.byteLength(value, 'utf8') > MAX_VALUE_BYTES) {
        throw new HttpError(
          400,
          'BadParameter',
          `The secret value exceeds the maximum size of ${MAX_VALUE_BYTES} bytes.`,
        )
      }
      const key = name.toLowerCase()
      let entry = entries.get(key)
      if (entry?.deleted !== undefined) {
        throw new HttpError(
          409,
          'Conflict',
          `Secret ${entry.name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`,
        )
      }
      const conflicts = purging.get(key) ?? 0
      if (conflicts > 0) {
        if (conflicts === 1) purging.delete(key)
        else purging.set(key, conflicts - 1)
        throw new HttpError(409, 'Conflict', `Secret ${name} is currently being deleted.`)
      }
      if (entry === undefined) {
        entry = { name, versions: [], deleted: undefined, hiddenPolls: 0 }
        entries.set(key, entry)
      }
      const at = now()
      const version: Version = {
        id: randomBytes(16).toString('hex'),
        value,
        contentType: typeof contentType === 'string' ? contentType : undefined,
        enabled: (attrs as { enabled?: unknown } | undefined)?.enabled !== false,
        created: at,
        updated: at,
        tags: typeof tags === 'object' && tags !== null ? (tags as Record<string, string>) : undefined,
      }
      entry.versions.push(version)
      return [200, bundle(base, entry, version, true)]
    },

    [ROUTES.get]: ({ name, version, base }) => {
      const entry = liveEntry(name)
      if (entry === undefined) throw notFound(name)
      if (entry.hiddenPolls > 0) {
        entry.hiddenPolls--
        throw notFound(name)
      }
      const found = version ? entry.versions.find((v) => v.id === version) : latest(entry)
      if (found === undefined) throw notFound(`${name}/${version}`)
      if (!found.enabled) {
        throw new HttpError(403, 'Forbidden', 'Operation get is not allowed on a disabled secret.')
      }
      return [200, bundle(base, entry, found, true)]
    },

    [ROUTES.versions]: ({ name, base }) => {
      const entry = liveEntry(name)
      if (entry === undefined) throw notFound(name)
      const value = entry.versions.map((v) => ({ id: secretId(base, entry, v), attributes: attributes(v) }))
      return [200, { value, nextLink: null }]
    },

    [ROUTES.list]: ({ base }) => {
      const value = [...entries.values()]
        .filter((entry) => entry.deleted === undefined)
        .map((entry) => ({ id: secretId(base, entry), attributes: attributes(latest(entry)) }))
      return [200, { value, nextLink: null }]
    },

    [ROUTES.delete]: ({ name, base }) => {
      // An already soft-deleted name answers 404, as on Key Vault.
      const entry = liveEntry(name)
      if (entry === undefined) throw notFound(name)
      const at = now()
      entry.deleted = {
        deletedDate: at,
        scheduledPurgeDate: at + RECOVERABLE_DAYS * 86_400,
        hiddenPolls: settings.visibleAfterPolls,
      }
      entry.hiddenPolls = 0
      return [200, deletedBundle(base, entry, entry.deleted)]
    },

    [ROUTES.getDeleted]: ({ name, base }) => {
      const entry = findEntry(name)
      if (entry?.deleted === undefined) throw deletedNotFound(name)
      if (entry.deleted.hiddenPolls > 0) {
        entry.deleted.hiddenPolls--
        throw deletedNotFound(name)
      }
      return [200, deletedBundle(base, entry, entry.deleted)]
    },

    [ROUTES.listDeleted]: ({ base }) => {
      const value = [...entries.values()].flatMap((entry) =>
        entry.deleted === undefined
          ? []
          : [
              {
                recoveryId: `${base}/deletedsecrets/${entry.name}`,
                deletedDate: entry.deleted.deletedDate,
                scheduledPurgeDate: entry.deleted.scheduledPurgeDate,
                id: secretId(base, entry),
                attributes: attributes(latest(entry)),
              },
            ],
      )
      return [200, { value, nextLink: null }]
    },

    [ROUTES.purge]: ({ name }) => {
      const entry = findEntry(name)
      if (entry?.deleted === undefined) throw deletedNotFound(name)
      entries.delete(name.toLowerCase())
      if (settings.conflictsAfterPurge > 0) purging.set(name.toLowerCase(), settings.conflictsAfterPurge)
      return [204, undefined]
    },

    [ROUTES.recover]: ({ name, base }) => {
      const entry = findEntry(name)
      if (entry?.deleted === undefined) throw deletedNotFound(name)
      entry.deleted = undefined
      entry.hiddenPolls = settings.visibleAfterPolls
      return [200, bundle(base, entry, latest(entry), false)]
    },
  }

  /** Matches a path onto a route and its parameters; `undefined` for an unknown path. */
  const route = (
    method: string,
    segments: string[],
  ): { route: string; name?: string; version?: string } | undefined => {
    const [collection, name, third, fourth] = segments
    const key = (template: string) => `${method} ${template}`
    if (collection === 'secrets') {
      if (segments.length === 1) return { route: key('/secrets') }
      if (segments.length === 2) return { route: key('/secrets/{name}'), name }
      if (segments.length === 3 && third === 'versions') return { route: key('/secrets/{name}/versions'), name }
      if (segments.length === 3) return { route: key('/secrets/{name}'), name, version: third }
    }
    if (collection === 'deletedsecrets') {
      if (segments.length === 1) return { route: key('/deletedsecrets') }
      if (segments.length === 2) return { route: key('/deletedsecrets/{name}'), name }
      if (segments.length === 3 && third === 'recover' && fourth === undefined) {
        return { route: key('/deletedsecrets/{name}/recover'), name }
      }
    }
    return undefined
  }

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = body === undefined ? '' : JSON.stringify(body)
    res.writeHead(status, {
      ...(text === '' ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      'content-length': String(Buffer.byteLength(text)),
      'x-ms-request-id': randomUUID(),
      'x-ms-keyvault-service-version': '1.9.0.0',
      ...headers,
    })
    res.end(text)
  }

  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      let size = 0
      req.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size <= MAX_BODY_BYTES) chunks.push(chunk)
      })
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
      req.on('error', reject)
    })

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', 'https://fake')
    const segments = url.pathname
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent)
    const matched = route(method, segments)
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
    const record: RecordedRequest = { method, path: `/${segments.join('/')}`, route: matched?.route, status: 0, token }
    requests.push(record)
    inFlight++
    peakInFlight = Math.max(peakInFlight, inFlight)
    res.once('close', () => {
      inFlight--
    })
    const reply = (status: number, body: unknown, headers?: Record<string, string>) => {
      record.status = status
      send(res, status, body, headers)
    }
    const body = await readBody(req)

    if (token === undefined) {
      reply(
        401,
        { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } },
        {
          'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${tenantId}", resource="https://vault.azure.net"`,
        },
      )
      return
    }
    if (settings.latencyMs > 0) await sleep(settings.latencyMs)
    if (token === settings.deniedToken) {
      reply(403, {
        error: {
          code: 'Forbidden',
          message: `Caller is not authorized to perform action on resource. If role assignments, deny assignments or role definitions were changed recently, please observe propagation time. Caller: appid=${randomUUID()};oid=${randomUUID()}`,
          innererror: { code: 'ForbiddenByRbac' },
        },
      })
      return
    }
    const faultIndex = faults.findIndex((f) => f.route === undefined || f.route === matched?.route)
    const pending = faults[faultIndex]
    if (pending !== undefined) {
      if (--pending.remaining <= 0) faults.splice(faultIndex, 1)
      const { fault } = pending
      if ('drop' in fault) {
        record.status = -1
        req.socket.destroy()
        return
      }
      reply(fault.status, fault.body ?? faultBody(fault.status), fault.headers)
      return
    }
    const apiVersion = url.searchParams.get('api-version')
    if (apiVersion === null || !API_VERSION.test(apiVersion)) {
      reply(400, {
        error: {
          code: 'BadParameter',
          message:
            apiVersion === null
              ? 'The api-version query parameter is missing.'
              : `The specified version (${apiVersion}) is not recognized.`,
        },
      })
      return
    }
    const operation = matched === undefined ? undefined : operations[matched.route]
    if (matched === undefined || operation === undefined) {
      reply(matched === undefined ? 404 : 405, {
        error: { code: 'BadParameter', message: `No operation ${method} ${url.pathname}.` },
      })
      return
    }
    const name = matched.name
    if (name !== undefined && !NAME.test(name)) {
      reply(400, {
        error: {
          code: 'BadParameter',
          message: `The request URI contains an invalid name: ${name}. Secret names may contain only alphanumeric characters and dashes and must be between 1 and 127 characters.`,
        },
      })
      return
    }
    const base = `https://${req.headers.host ?? 'localhost'}`
    try {
      const [status, answer] = operation({ name: name ?? '', version: matched.version, body, base })
      reply(status, answer)
    } catch (err) {
      if (!(err instanceof HttpError)) throw err
      reply(err.status, { error: { code: err.code, message: err.message } })
    }
  }

  const server: Server = createServer({ key, cert }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        send(res, 500, { error: { code: 'InternalServerError', message: String(err) } })
      } else {
        res.destroy()
      }
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  let stopped: Promise<void> | undefined
  return {
    vaultUrl: `https://127.0.0.1:${port}`,
    ca: cert,
    tenantId,
    requests,
    get peakInFlight() {
      return peakInFlight
    },
    count: (routeName, status) =>
      requests.filter(
        (r) => r.token !== undefined && r.route === routeName && (status === undefined || r.status === status),
      ).length,
    failNext: (fault, options = {}) => {
      faults.push({ fault, remaining: options.times ?? 1, route: options.route })
    },
    configure: (changes) => {
      settings = { ...settings, ...changes }
    },
    clearLog: () => {
      requests.length = 0
      peakInFlight = inFlight
    },
    reset: () => {
      requests.length = 0
      peakInFlight = inFlight
      entries.clear()
      purging.clear()
      faults.length = 0
      settings = { ...DEFAULT_SETTINGS, ...initial }
    },
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return stopped
    },
  }
}
