/**
 * A loopback gRPC fake of Google Cloud Secret Manager v1, for tests that drive the official
 * `SecretManagerServiceClient`.
 *
 * It serves the service definition from the SDK's own protos on 127.0.0.1 (plaintext, a free port),
 * with the semantics in `secret-manager-model.ts`. Every RPC of the service is registered: those the
 * fake does not implement answer UNIMPLEMENTED, so a client calling one fails loudly, and is logged.
 *
 * For tests it adds a request log with per-method counts, the peak of calls in flight, fault
 * injection (`failNext`), a response latency, and `corruptNextAccess()` for integrity checks.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { type ClientOptions, grpc } from 'google-gax'
import { LOOPBACK, loopbackClientOptions } from './client-options.js'
import {
  createSecretManagerModel,
  type DecodedRequest,
  type ModelOptions,
  type StoredSecret,
} from './secret-manager-model.js'
import { RpcError } from './secret-manager-names.js'
import { type SecretManagerMethod, secretManagerServiceDefinition } from './secret-manager-service.js'

export interface FakeSecretManagerSettings {
  /** Every call is answered after this many milliseconds. @default 0 */
  latencyMs: number
}

export interface FakeSecretManagerOptions extends ModelOptions, Partial<FakeSecretManagerSettings> {}

/** One call as the fake saw it. */
export interface RecordedCall {
  /** The RPC, e.g. `AccessSecretVersion`. */
  method: string
  /**
   * The resource the call names: `name`, or `parent` (for CreateSecret, the secret to be created),
   * as the client sent it.
   */
  name: string
  /** The gRPC status code of the answer (0 OK, 5 NOT_FOUND, ...); -1 while in flight. */
  code: number
}

/** An error forced onto the next call (to `method`, if given), before the call reaches the state. */
export interface Fault {
  code: grpc.status
  /** The status message. @default a message naming the injected code */
  details?: string
  method?: SecretManagerMethod
}

export interface FakeSecretManager {
  /** `127.0.0.1:<port>` */
  endpoint: string
  port: number
  /** Options for `new SecretManagerServiceClient(...)`: this server, plaintext, no credentials. */
  clientOptions(): ClientOptions
  /** Every call since the last `clearLog()` or `reset()`, in arrival order. */
  readonly requests: readonly RecordedCall[]
  /** How many calls went to `method` (optionally only those answered with `code`). */
  count(method: SecretManagerMethod, code?: number): number
  /** The most calls in flight at once since the last `clearLog()` or `reset()`. */
  readonly peakInFlight: number
  clearLog(): void
  /** Answers the next matching call with `fault.code`; queued faults are used in order. */
  failNext(fault: Fault): void
  /** Changes settings until the next `reset()`. */
  configure(settings: Partial<FakeSecretManagerSettings>): void
  /** The next successful AccessSecretVersion returns a `data_crc32c` that does not match its data. */
  corruptNextAccess(): void
  /** Raw state for assertions, keyed by full secret name. Read it, don't change it. */
  readonly secrets: ReadonlyMap<string, StoredSecret>
  /** Clears the log, the secrets, pending faults and corruption, and the settings. */
  reset(): void
  stop(): Promise<void>
}

type Operation = (request: DecodedRequest) => unknown

const STOP_GRACE_MS = 2_000

export async function startSecretManagerFake(options: FakeSecretManagerOptions = {}): Promise<FakeSecretManager> {
  const model = createSecretManagerModel(options)
  const initialSettings: FakeSecretManagerSettings = { latencyMs: options.latencyMs ?? 0 }
  let settings = { ...initialSettings }
  const requests: RecordedCall[] = []
  const faults: Fault[] = []
  let corruptAccesses = 0
  let inFlight = 0
  let peakInFlight = 0

  const access = (request: DecodedRequest) => {
    const answer = model.accessSecretVersion(request)
    if (corruptAccesses === 0) return answer
    corruptAccesses--
    // One flipped bit: a checksum that cannot match the data.
    const corrupted = String((Number(answer.payload.dataCrc32c) ^ 1) >>> 0)
    return { ...answer, payload: { ...answer.payload, dataCrc32c: corrupted } }
  }

  const operations: Partial<Record<SecretManagerMethod, Operation>> = {
    CreateSecret: model.createSecret,
    GetSecret: model.getSecret,
    DeleteSecret: model.deleteSecret,
    ListSecrets: model.listSecrets,
    AddSecretVersion: model.addSecretVersion,
    GetSecretVersion: model.getSecretVersion,
    AccessSecretVersion: access,
    ListSecretVersions: model.listSecretVersions,
    DisableSecretVersion: model.disableSecretVersion,
    EnableSecretVersion: model.enableSecretVersion,
    DestroySecretVersion: model.destroySecretVersion,
  }

  const takeFault = (method: string): Fault | undefined => {
    const index = faults.findIndex((f) => f.method === undefined || f.method === method)
    return index < 0 ? undefined : faults.splice(index, 1)[0]
  }

  const answer = async (method: string, request: DecodedRequest): Promise<unknown> => {
    if (settings.latencyMs > 0) await sleep(settings.latencyMs)
    const fault = takeFault(method)
    if (fault) throw new RpcError(fault.code, fault.details ?? `Injected by the fake: ${grpc.status[fault.code]}.`)
    const operation = operations[method as SecretManagerMethod]
    if (operation === undefined) {
      throw new RpcError(grpc.status.UNIMPLEMENTED, `The Secret Manager fake does not implement ${method}.`)
    }
    return operation(request)
  }

  const handler =
    (method: string): grpc.handleUnaryCall<DecodedRequest & RequestNames, unknown> =>
    (call, callback) => {
      const record: RecordedCall = { method, name: calledName(call.request), code: -1 }
      requests.push(record)
      inFlight++
      peakInFlight = Math.max(peakInFlight, inFlight)
      answer(method, call.request).then(
        (response) => {
          inFlight--
          record.code = grpc.status.OK
          callback(null, response)
        },
        (err: unknown) => {
          inFlight--
          const failure = err instanceof RpcError ? err : new RpcError(grpc.status.INTERNAL, String(err))
          record.code = failure.code
          callback({ code: failure.code, details: failure.details })
        },
      )
    }

  const definition = secretManagerServiceDefinition()
  const server = new grpc.Server()
  server.addService(definition, Object.fromEntries(Object.keys(definition).map((method) => [method, handler(method)])))
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${LOOPBACK}:0`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    )
  })

  let stopped: Promise<void> | undefined
  return {
    endpoint: `${LOOPBACK}:${port}`,
    port,
    clientOptions: () => loopbackClientOptions(port),
    requests,
    count: (method, code) =>
      requests.filter((r) => r.method === method && (code === undefined || r.code === code)).length,
    get peakInFlight() {
      return peakInFlight
    },
    clearLog: () => {
      requests.length = 0
      peakInFlight = inFlight
    },
    failNext: (fault) => {
      faults.push(fault)
    },
    configure: (changes) => {
      settings = { ...settings, ...changes }
    },
    corruptNextAccess: () => {
      corruptAccesses++
    },
    secrets: model.secrets,
    reset: () => {
      requests.length = 0
      peakInFlight = inFlight
      faults.length = 0
      corruptAccesses = 0
      settings = { ...initialSettings }
      model.clear()
    },
    stop: () => {
      stopped ??= shutdown(server)
      return stopped
    },
  }
}

/** The request fields that name a resource. */
interface RequestNames {
  name?: string | null
  parent?: string | null
  secretId?: string | null
  /** UpdateSecret names its secret inside the message. */
  secret?: { name?: string | null } | null
  /** The IAM methods. */
  resource?: string | null
}

function calledName(request: RequestNames): string {
  if (request.name) return request.name
  if (request.parent && request.secretId) return `${request.parent}/secrets/${request.secretId}`
  return request.parent || request.secret?.name || request.resource || ''
}

/** Lets calls in flight finish, then cuts whatever is left (e.g. a client that was never closed). */
async function shutdown(server: grpc.Server): Promise<void> {
  const graceful = new Promise<void>((resolve) => server.tryShutdown(() => resolve()))
  const grace = new AbortController()
  const inTime = await Promise.race([
    graceful.then(() => true),
    sleep(STOP_GRACE_MS, false, { signal: grace.signal }).catch(() => false),
  ])
  grace.abort()
  if (!inTime) server.forceShutdown()
}
