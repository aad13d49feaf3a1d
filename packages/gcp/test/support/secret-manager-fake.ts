/**
 * A loopback gRPC fake of Google Cloud Secret Manager v1, for tests that drive the official
 * `SecretManagerServiceClient`.
 *
 * It serves the service definition from the SDK's own protos on 127.0.0.1 (plaintext, a free port),
 * with the semantics in `secret-manager-model.ts`. Every RPC of the service is registered: those the
 * fake does not implement answer UNIMPLEMENTED, so a client calling one fails loudly, and is logged.
 *
 * For tests it adds a request log with per-method counts, the peak of calls in flight, fault
 * injection (`failNext` for a gRPC status; `inject` for the testkit's transport faults, see
 * `secret-manager-faults.ts`), read counts for the contract suite, a response latency, and
 * `corruptNextAccess()` for integrity checks.
 *
 * It listens on two loopback ports with one state: `clientOptions()` is the port the tests observe (log,
 * faults, latency, corruption), `directClientOptions()` a port that bypasses all of that, for back doors
 * that must see and change the real state whatever faults are armed.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Fault, InjectOptions } from '@secret-store/testkit'
import { type ClientOptions, grpc } from 'google-gax'
import { LOOPBACK, loopbackClientOptions } from './client-options.js'
import { effectOf, FaultPlan, isSecretRead, requestView, retryInfoMetadata } from './secret-manager-faults.js'
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
export interface StatusFault {
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
  /** The same state on a second port, never logged, faulted, delayed or corrupted: for back doors. */
  directClientOptions(): ClientOptions
  /** Every call since the last `clearLog()` or `reset()`, in arrival order. */
  readonly requests: readonly RecordedCall[]
  /** How many calls went to `method` (optionally only those answered with `code`). */
  count(method: SecretManagerMethod, code?: number): number
  /** The most calls in flight at once since the last `clearLog()` or `reset()`. */
  readonly peakInFlight: number
  clearLog(): void
  /** Answers the next matching call with `fault.code`; queued faults are used in order. */
  failNext(fault: StatusFault): void
  /** Applies a transport fault (testkit `Fault`) to matching calls from now on, `times` times (default: all). */
  inject(fault: Fault, options?: InjectOptions): void
  /** Removes every injected fault; calls held by `blackhole` or `drip` stay held until their client gives up. */
  clear(): void
  /** AccessSecretVersion calls since `resetRequestStats()`, and the most that were in flight at once. */
  requestStats(): { reads: number; peakReads: number }
  resetRequestStats(): void
  /** Changes settings until the next `reset()`. */
  configure(settings: Partial<FakeSecretManagerSettings>): void
  /**
   * The next successful observed AccessSecretVersion is spoilt: by default its `data_crc32c` does not
   * match its data; `flip-data-bit` changes the data instead, `omit-checksum` leaves the checksum out.
   */
  corruptNextAccess(how?: Corruption): void
  /** Raw state for assertions, keyed by full secret name. Read it, don't change it. */
  readonly secrets: ReadonlyMap<string, StoredSecret>
  /** Clears the log and read counts, the secrets, pending and injected faults, corruption, and the settings. */
  reset(): void
  stop(): Promise<void>
}

type Operation = (request: DecodedRequest) => unknown

/** How `corruptNextAccess` spoils an answer: a checksum that does not match its data, or none at all. */
export type Corruption = 'flip-checksum-bit' | 'flip-data-bit' | 'omit-checksum'
type Call = grpc.ServerUnaryCall<DecodedRequest & RequestNames, unknown>

const STOP_GRACE_MS = 2_000

export async function startSecretManagerFake(options: FakeSecretManagerOptions = {}): Promise<FakeSecretManager> {
  const model = createSecretManagerModel(options)
  const initialSettings: FakeSecretManagerSettings = { latencyMs: options.latencyMs ?? 0 }
  let settings = { ...initialSettings }
  const requests: RecordedCall[] = []
  const faults: StatusFault[] = []
  const plan = new FaultPlan()
  const corruptions: Corruption[] = []
  let inFlight = 0
  let peakInFlight = 0
  let reads = 0
  let readsInFlight = 0
  let peakReads = 0

  const access = (request: DecodedRequest) => {
    const answer = model.accessSecretVersion(request)
    const how = corruptions.shift()
    if (how === undefined) return answer
    if (how === 'omit-checksum') return { ...answer, payload: { data: answer.payload.data } }
    // One flipped bit: in the checksum, or in the data, so that the two cannot match.
    if (how === 'flip-data-bit') {
      const data = Buffer.from(answer.payload.data)
      data[0] = (data[0] as number) ^ 1
      return { ...answer, payload: { ...answer.payload, data } }
    }
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
    AccessSecretVersion: model.accessSecretVersion,
    ListSecretVersions: model.listSecretVersions,
    DisableSecretVersion: model.disableSecretVersion,
    EnableSecretVersion: model.enableSecretVersion,
    DestroySecretVersion: model.destroySecretVersion,
  }

  const takeFault = (method: string): StatusFault | undefined => {
    const index = faults.findIndex((f) => f.method === undefined || f.method === method)
    return index < 0 ? undefined : faults.splice(index, 1)[0]
  }

  const operate = (method: string, request: DecodedRequest): unknown => {
    const operation = operations[method as SecretManagerMethod]
    if (operation === undefined) {
      throw new RpcError(grpc.status.UNIMPLEMENTED, `The Secret Manager fake does not implement ${method}.`)
    }
    return operation(request)
  }
  /** What observed calls get: the state, with `corruptNextAccess` applied. */
  const operateObserved = (method: string, request: DecodedRequest): unknown =>
    method === 'AccessSecretVersion' ? access(request) : operate(method, request)

  /** The answer of an observed call: latency, then queued status faults, then injected faults, then the state. */
  const answer = async (call: Call, method: string, cancelled: Promise<void>): Promise<unknown> => {
    if (settings.latencyMs > 0) await sleep(settings.latencyMs)
    const fault = takeFault(method)
    if (fault) throw new RpcError(fault.code, fault.details ?? `Injected by the fake: ${grpc.status[fault.code]}.`)
    const injected = plan.take(requestView(method, call.metadata.getMap()))
    const effect = injected === undefined ? undefined : effectOf(injected, requestView(method, call.metadata.getMap()))
    switch (effect?.kind) {
      case undefined:
        return operateObserved(method, call.request)
      case 'fail': {
        const { code, details, retryDelayMs } = effect
        throw new RpcError(
          code,
          details,
          retryDelayMs === undefined ? undefined : retryInfoMetadata(code, details, retryDelayMs),
        )
      }
      case 'delay':
        await sleep(effect.ms)
        return operateObserved(method, call.request)
      case 'hang':
        if (effect.sendHeaders) call.sendMetadata(new grpc.Metadata())
        await cancelled
        throw new RpcError(grpc.status.CANCELLED, 'Cancelled by the client.')
      case 'before':
        await effect.run()
        return operateObserved(method, call.request)
      case 'lose-answer':
        operateObserved(method, call.request)
        throw new RpcError(grpc.status.UNAVAILABLE, 'Connection dropped.')
    }
  }

  const observed =
    (method: string): grpc.handleUnaryCall<DecodedRequest & RequestNames, unknown> =>
    (call, callback) => {
      const record: RecordedCall = { method, name: calledName(call.request), code: -1 }
      const read = isSecretRead({ path: method })
      requests.push(record)
      inFlight++
      peakInFlight = Math.max(peakInFlight, inFlight)
      if (read) {
        reads++
        readsInFlight++
        peakReads = Math.max(peakReads, readsInFlight)
      }
      let done = false
      const settle = (code: grpc.status) => {
        if (done) return false
        done = true
        inFlight--
        if (read) readsInFlight--
        record.code = code
        return true
      }
      // A client that gives up (deadline, cancel) ends the call here too, even if it was never answered.
      const cancelled = new Promise<void>((resolve) => call.once('cancelled', () => resolve()))
      cancelled.then(() => settle(grpc.status.CANCELLED))
      answer(call, method, cancelled).then(
        (response) => {
          if (settle(grpc.status.OK)) callback(null, response)
        },
        (err: unknown) => {
          const failure = err instanceof RpcError ? err : new RpcError(grpc.status.INTERNAL, String(err))
          if (settle(failure.code)) {
            callback({ code: failure.code, details: failure.details, metadata: failure.metadata })
          }
        },
      )
    }

  const direct =
    (method: string): grpc.handleUnaryCall<DecodedRequest & RequestNames, unknown> =>
    (call, callback) => {
      try {
        callback(null, operate(method, call.request) as never)
      } catch (err) {
        const failure = err instanceof RpcError ? err : new RpcError(grpc.status.INTERNAL, String(err))
        callback({ code: failure.code, details: failure.details })
      }
    }

  const definition = secretManagerServiceDefinition()
  const serve = async (handler: typeof observed) => {
    const server = new grpc.Server()
    server.addService(
      definition,
      Object.fromEntries(Object.keys(definition).map((method) => [method, handler(method)])),
    )
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${LOOPBACK}:0`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
        err ? reject(err) : resolve(bound),
      )
    })
    return { server, port }
  }
  const { server, port } = await serve(observed)
  const { server: directServer, port: directPort } = await serve(direct)

  let stopped: Promise<void> | undefined
  return {
    endpoint: `${LOOPBACK}:${port}`,
    port,
    clientOptions: () => loopbackClientOptions(port),
    directClientOptions: () => loopbackClientOptions(directPort),
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
    inject: (fault, injectOptions) => plan.inject(fault, injectOptions),
    clear: () => plan.clear(),
    requestStats: () => ({ reads, peakReads }),
    resetRequestStats: () => {
      reads = 0
      peakReads = readsInFlight
    },
    configure: (changes) => {
      settings = { ...settings, ...changes }
    },
    corruptNextAccess: (how = 'flip-checksum-bit') => {
      corruptions.push(how)
    },
    secrets: model.secrets,
    reset: () => {
      requests.length = 0
      peakInFlight = inFlight
      faults.length = 0
      plan.clear()
      reads = 0
      peakReads = readsInFlight
      corruptions.length = 0
      settings = { ...initialSettings }
      model.clear()
    },
    stop: () => {
      stopped ??= Promise.all([shutdown(server), shutdown(directServer)]).then(() => {})
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
