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
 * - listing (`GET /secrets?maxresults=N`, 1 to 25, paged by `nextLink` with a `$skiptoken`), without
 *   soft-deleted secrets;
 * - secrets with versions, soft delete (`Recoverable+Purgeable`, 90 days), recover and purge; a
 *   soft-deleted name answers writes with 409 Conflict until it is recovered or purged; names are
 *   `^[0-9a-zA-Z-]{1,127}$` and case-insensitive (kept as first created), values at most 25 KB;
 * - JSON bodies and error bodies (`{"error":{"code","message"}}`) shaped like Key Vault's.
 *
 * For tests it adds a request log with per-route counts, the peak of requests in flight, fault
 * injection (`failNext`), a response latency, and two of Key Vault's eventual-consistency effects:
 * a deleted or recovered secret that shows up only after some polls, and 409s right after a purge.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { TEST_CERTIFICATE } from '@secret-store/testkit'
import { afterAll, afterEach, beforeAll } from 'vitest'
import {
  API_VERSION,
  createVault,
  DEFAULT_SETTINGS,
  type FakeKeyVaultSettings,
  faultBody,
  HttpError,
  MAX_BODY_BYTES,
  NAME,
} from './key-vault-model.js'

export { DEFAULT_SETTINGS, type FakeKeyVaultSettings, ROUTES } from './key-vault-model.js'

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

/** The testkit's throwaway loopback certificate: nothing is generated at test time. */
function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  return Promise.resolve(TEST_CERTIFICATE)
}

export async function startKeyVaultFake(initial: Partial<FakeKeyVaultSettings> = {}): Promise<FakeKeyVault> {
  const { key, cert } = await selfSignedCertificate()
  const tenantId = randomUUID()
  const faults: Array<{ fault: Fault; remaining: number; route: string | undefined }> = []
  const requests: RecordedRequest[] = []
  let settings: FakeKeyVaultSettings = { ...DEFAULT_SETTINGS, ...initial }
  let inFlight = 0
  let peakInFlight = 0

  const { entries, purging, operations } = createVault(() => settings)

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
    const base = settings.publicUrl ?? `https://${req.headers.host ?? 'localhost'}`
    try {
      const [status, answer] = operation({
        name: name ?? '',
        version: matched.version,
        query: url.searchParams,
        body,
        base,
      })
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

/**
 * One fake for the test file that calls it: started before its tests, reset after each (when the stores
 * pushed to `stores` are destroyed) and stopped after the last.
 */
export function useKeyVaultFake<Store extends { destroy(): Promise<void> }>(): {
  readonly fake: FakeKeyVault
  readonly stores: Store[]
} {
  let started: FakeKeyVault | undefined
  const stores: Store[] = []
  beforeAll(async () => {
    started = await startKeyVaultFake()
  })
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.destroy()
    started?.reset()
  })
  afterAll(async () => {
    await started?.stop()
  })
  return {
    stores,
    get fake(): FakeKeyVault {
      if (started === undefined) throw new Error('the Key Vault fake starts in beforeAll')
      return started
    },
  }
}
