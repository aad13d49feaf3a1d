/**
 * A loopback HTTP fake of the parts of the Infisical API that `@infisical/sdk` 5 calls, for tests: universal
 * auth login, token renewal, the v3 raw secret routes and folder creation. Point the SDK at it with
 * `new InfisicalSDK({ siteUrl: fake.siteUrl })`.
 *
 * It follows Infisical's server source (see infisical-auth.ts, infisical-secrets.ts, infisical-store.ts):
 * one project whose environments hold folder trees of secrets, JWT access tokens that expire and renew up
 * to a max TTL, every bearer token checked on every route (login and renew included), and error bodies
 * `{ reqId, statusCode, message, error }`. For tests it adds a request log, the peak of requests in flight,
 * fault injection (`failNext`), a response latency, a permission switch and raw access to the secrets.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { type MachineIdentity, TokenAuthority, type TokenSettings } from './infisical-auth.js'
import { folderRoutes } from './infisical-folders.js'
import { ApiError, faultError, ROUTES, requestId, unauthorized } from './infisical-http.js'
import { type Permission, secretRoutes } from './infisical-secrets.js'
import { SecretStore } from './infisical-store.js'

export { ROUTES } from './infisical-http.js'
export type { MachineIdentity, Permission }

export interface InfisicalFakeSettings extends TokenSettings {
  /** Every request is answered after this many milliseconds. */
  latencyMs: number
  /** What the machine identity may not do: 403 `PermissionDenied`, as when its project role lacks it. */
  denied: readonly Permission[]
}

export interface InfisicalFakeOptions extends Partial<InfisicalFakeSettings> {
  /** @default FAKE_PROJECT_ID */
  projectId?: string
  /** Environment slugs that exist from the start, each with its root folder `/`. @default ['dev', 'staging', 'prod'] */
  environments?: readonly string[]
  /** The fake's clock, in epoch milliseconds: token expiry, lockouts, timestamps. @default Date.now */
  now?: () => number
}

/** Infisical's defaults for a universal auth identity: 30-day TTL and max TTL. */
export const DEFAULT_SETTINGS: Readonly<InfisicalFakeSettings> = Object.freeze({
  tokenTtlSeconds: 2_592_000,
  maxTtlSeconds: 2_592_000,
  latencyMs: 0,
  denied: [],
})

/** A fixed project id, so that captured SDK error messages (which quote request URLs) stay stable. */
export const FAKE_PROJECT_ID = '6c1f3a52-9d4e-4b7a-8f21-5e0d3c9b7a14'

/** One request as the fake saw it. */
export interface RecordedRequest {
  method: string
  /** The path without the query string, percent-encoding decoded. */
  path: string
  query: Record<string, string>
  /** The parsed JSON body, if any. */
  body: unknown
  /** The route template, e.g. `GET /api/v3/secrets/raw/{secretName}`; `undefined` for an unknown route. */
  route: string | undefined
  /** The answer's status; -1 for a dropped connection, 0 while in flight. */
  status: number
  /** The bearer token, when the request carried one. */
  token: string | undefined
}

/** An answer forced onto the next matching request(s), after the bearer token (if any) passed. */
export type Fault = ({ status: number; body?: unknown; headers?: Record<string, string> } | { drop: true }) & {
  /** Only requests to this route (a `ROUTES` value). */
  route?: string
  /** @default 1 */
  times?: number
}

export interface SecretSnapshot {
  id: string
  key: string
  /** As stored: references not expanded. */
  value: string
  version: number
  comment: string
}

export interface InfisicalFake {
  /** e.g. `http://127.0.0.1:40123`, for `new InfisicalSDK({ siteUrl })`. */
  siteUrl: string
  projectId: string
  /** Universal auth credentials that log in. */
  machineIdentity: MachineIdentity
  /** Every request since the last `clearLog()` or `reset()`, in arrival order. */
  readonly requests: readonly RecordedRequest[]
  /** The most requests in flight at once since the last `clearLog()` or `reset()`. */
  readonly peakInFlight: number
  /** How many logged requests went to `route` (a `ROUTES` value) or match the predicate. */
  count(match: string | ((request: RecordedRequest) => boolean)): number
  clearLog(): void
  failNext(fault: Fault): void
  /** Changes settings until `reset()`; token TTLs apply to tokens issued afterwards. */
  configure(settings: Partial<InfisicalFakeSettings>): void
  /** Creates or updates (as a new version) a secret, creating the environment and folders as needed. */
  put(env: string, path: string, key: string, value: string): void
  get(env: string, path: string, key: string): SecretSnapshot | undefined
  /** Creates a folder (and its parents and environment). */
  mkdir(env: string, path: string): void
  /** Revokes every access token issued so far: they answer 401 `No identity access token found`. */
  revokeTokens(): void
  /** Clears the log, secrets, tokens, lockouts, pending faults and settings. */
  reset(): void
  stop(): Promise<void>
}

const MAX_BODY_BYTES = 1024 * 1024
const SECRET_ROUTES = new Set<string>([
  ROUTES.list,
  ROUTES.get,
  ROUTES.create,
  ROUTES.update,
  ROUTES.delete,
  ROUTES.createFolder,
])
const RATE_LIMIT_HEADERS = { 'retry-after': '60', 'x-ratelimit-limit': '600', 'x-ratelimit-remaining': '0' }
const RAW = '/api/v3/secrets/raw'

/** The route a request goes to, and its `{secretName}`. */
/** A path without the `/store-<n>` prefix a test may put in front of Infisical's routes. */
export const untagged = (path: string) => path.replace(/^\/store-\d+(?=\/)/, '')

function match(method: string, pathname: string): { route: string; secretName: string } | undefined {
  let template = pathname
  let secretName = ''
  const segment = pathname.startsWith(`${RAW}/`) ? pathname.slice(RAW.length + 1) : undefined
  if (segment !== undefined && !segment.includes('/')) {
    template = `${RAW}/{secretName}`
    secretName = safeDecode(segment)
  }
  const route = `${method} ${template}`
  return (Object.values(ROUTES) as string[]).includes(route) ? { route, secretName } : undefined
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

const asRecord = (body: unknown): Record<string, unknown> =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {}

export async function startInfisicalFake(options: InfisicalFakeOptions = {}): Promise<InfisicalFake> {
  const {
    projectId = FAKE_PROJECT_ID,
    environments = ['dev', 'staging', 'prod'],
    now = () => Date.now(),
    ...overrides
  } = options
  const initial: InfisicalFakeSettings = { ...DEFAULT_SETTINGS, ...overrides }
  let settings = initial
  const identity = { clientId: randomUUID(), clientSecret: randomBytes(32).toString('hex') }
  const auth = new TokenAuthority(identity, now)
  const store = new SecretStore(environments, now)
  const deniedNow = () => new Set(settings.denied)
  const secrets = { ...secretRoutes(store, projectId, deniedNow), ...folderRoutes(store, projectId, deniedNow) }
  const faults: Array<{ fault: Fault; remaining: number }> = []
  const requests: RecordedRequest[] = []
  let inFlight = 0
  let peakInFlight = 0

  const takeFault = (route: string | undefined): Fault | undefined => {
    const index = faults.findIndex(({ fault }) => fault.route === undefined || fault.route === route)
    const pending = faults[index]
    if (pending === undefined) return undefined
    if (--pending.remaining <= 0) faults.splice(index, 1)
    return pending.fault
  }

  const operate = (route: string, secretName: string, query: Record<string, string>, body: unknown): unknown => {
    if (route === ROUTES.login) return auth.login(asRecord(body), settings)
    if (route === ROUTES.renew) return auth.renew(asRecord(body))
    return secrets[route]?.({ secretName, query, body: asRecord(body) })
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', 'http://fake')
    // A store under test may reach the fake at `/store-<n>/...` (an Infisical served below a path): the
    // contract wiring tells stores apart by it. Infisical's routes follow.
    url.pathname = untagged(url.pathname)
    const matched = match(method, url.pathname)
    // Like Infisical's injectIdentity hook: whatever follows "Bearer ".
    const token = req.headers.authorization?.slice(7)
    const text = await readBody(req)
    let body: unknown
    try {
      body = text === '' ? undefined : JSON.parse(text)
    } catch {
      body = text
    }
    const query = Object.fromEntries(url.searchParams)
    const record: RecordedRequest = {
      method,
      path: safeDecode(url.pathname),
      query,
      body,
      route: matched?.route,
      status: 0,
      token,
    }
    requests.push(record)
    inFlight++
    peakInFlight = Math.max(peakInFlight, inFlight)
    res.once('close', () => {
      inFlight--
    })
    const reply = (status: number, answer: unknown, headers: Record<string, string> = {}) => {
      record.status = status
      send(res, status, answer, status === 429 ? { ...RATE_LIMIT_HEADERS, ...headers } : headers)
    }
    if (settings.latencyMs > 0) await sleep(settings.latencyMs)
    const reqId = requestId()
    try {
      if (token !== undefined) auth.verify(token)
      const fault = takeFault(matched?.route)
      if (fault !== undefined && 'drop' in fault) {
        record.status = -1
        req.socket.destroy()
        return
      }
      if (fault !== undefined)
        return reply(fault.status, fault.body ?? faultError(fault.status).body(reqId), fault.headers)
      if (matched === undefined) {
        return reply(404, { message: `Route ${method}:${url.pathname} not found`, error: 'Not Found', statusCode: 404 })
      }
      if (SECRET_ROUTES.has(matched.route) && token === undefined) throw unauthorized('Token missing')
      reply(200, operate(matched.route, matched.secretName, query, body))
    } catch (err) {
      if (!(err instanceof ApiError)) throw err
      reply(err.status, err.body(reqId))
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return res.destroy()
      send(res, 500, { reqId: requestId(), statusCode: 500, message: String(err), error: 'InternalServerError' })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    // Port 0: the kernel picks a free port as it binds, so there is no window for another process to take it.
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  let stopped: Promise<void> | undefined
  return {
    siteUrl: `http://127.0.0.1:${port}`,
    projectId,
    machineIdentity: identity,
    requests,
    get peakInFlight() {
      return peakInFlight
    },
    count: (which) => requests.filter(typeof which === 'string' ? (r) => r.route === which : which).length,
    clearLog: () => {
      requests.length = 0
      peakInFlight = inFlight
    },
    failNext: (fault) => {
      faults.push({ fault, remaining: fault.times ?? 1 })
    },
    configure: (changes) => {
      settings = { ...settings, ...changes }
    },
    put: (env, path, key, value) => {
      const folder = store.mkdir(env, path)
      const existing = folder.get(key)
      if (existing === undefined) store.insert(folder, key, value)
      else store.update(folder, existing, { value })
    },
    get: (env, path, key) => {
      const secret = store.folder(env, path)?.get(key)
      if (secret === undefined) return undefined
      const { id, value, version, comment } = secret
      return { id, key, value, version, comment }
    },
    mkdir: (env, path) => {
      store.mkdir(env, path)
    },
    revokeTokens: () => auth.revokeAll(),
    reset: () => {
      requests.length = 0
      peakInFlight = inFlight
      store.reset()
      auth.reset()
      faults.length = 0
      settings = initial
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

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  })
  res.end(text)
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
