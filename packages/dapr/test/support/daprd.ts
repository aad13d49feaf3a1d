/**
 * Starts a throwaway Dapr sidecar (daprd) with local secret stores for integration tests.
 *
 * The binary: env DAPRD_BINARY, else `daprdBinaryPath()` (a cache outside the work tree, by version),
 * built from the Go module proxy by `bash packages/dapr/test/support/build-daprd.sh` (daprd v1.18.2 with
 * only the `local.file` and `local.env` secret stores compiled in). A missing or stale binary fails the start, naming that command.
 * DAPRD_DEBUG=1 copies the sidecar's output to stderr.
 *
 * Each call starts its own daprd in standalone mode, on free loopback ports, with no app, placement,
 * scheduler, metrics or name resolution (mDNS is not compiled in), so no traffic leaves 127.0.0.1.
 * Its resources directory holds three secret stores (names in `DAPRD_STORES`):
 * - `file`: `secretstores.local.file` over the secrets JSON; nested objects become flat keys joined
 *   by `nestedSeparator` (`{"db":{"user":"u"}}` is the secret `db:user` = `{"db:user":"u"}`);
 * - `multiValued`: the same JSON with `multiValued: "true"`; each top-level key is one secret and a
 *   nested object its key/value map (`db` = `{"user":"u"}`);
 * - `env`: `secretstores.local.env`, which reads daprd's own environment: only DAPR_HOST_IP and the
 *   `env` option are set (never the test process's environment), and daprd hides DAPR_* names itself.
 * With `secretScopes`, a Configuration file (`--config`) restricts which secrets a store hands out.
 */
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { freeLoopbackPort, type LocalBackendFailure, startLocalBackend } from '@secret-store/testkit'

/** The contents of the secrets JSON file: string values, nested to any depth. */
export type SecretsJson = { [key: string]: string | SecretsJson }

/** One store's entry in the Configuration's `spec.secrets.scopes`. */
export interface SecretScope {
  /** What a secret named in neither list gets. @default 'allow' (daprd's default) */
  defaultAccess?: 'allow' | 'deny'
  /** Secrets this store hands out even when `defaultAccess` is `'deny'`. */
  allowedSecrets?: string[]
  /** Secrets this store refuses with 403 ERR_PERMISSION_DENIED; also left out of bulk reads. */
  deniedSecrets?: string[]
}

/** The secret store names of every sidecar this module starts. */
export const DAPRD_STORES = {
  /** `secretstores.local.file`: one secret per (flattened) key. */
  file: 'local-file',
  /** `secretstores.local.file` with `multiValued: "true"`: one secret per top-level key. */
  multiValued: 'local-file-multi',
  /** `secretstores.local.env`: daprd's environment. */
  env: 'local-env',
} as const

export type DaprdStoreName = (typeof DAPRD_STORES)[keyof typeof DAPRD_STORES]

export interface DaprdOptions {
  /** The secrets JSON both file stores read. @default {} */
  secrets?: SecretsJson
  /** Joins nested keys in both file stores (`nestedSeparator`). @default ':' */
  nestedSeparator?: string
  /** Environment variables the `env` store sees (daprd gets no others but DAPR_HOST_IP). @default {} */
  env?: Record<string, string>
  /** Secret scoping per store name: written as a Configuration and passed with `--config`. */
  secretScopes?: Partial<Record<DaprdStoreName, SecretScope>>
  /** The app id. @default a unique `secret-store-test-<random>` */
  appId?: string
  /**
   * Require this token in the `dapr-api-token` header of every API call but `/v1.0/healthz`
   * (daprd's `DAPR_API_TOKEN`); a call without it gets 401 with the text body `invalid api token`.
   * @default none: no token is required
   */
  apiToken?: string
}

export interface Daprd {
  /** The Dapr HTTP API port (what `DaprClient` with `CommunicationProtocolEnum.HTTP` wants as `daprPort`). */
  httpPort: number
  /** The Dapr gRPC API port. */
  grpcPort: number
  /** `http://127.0.0.1:<httpPort>`; the secrets API is under `/v1.0/secrets/`. */
  httpEndpoint: string
  /** The loopback host to give `DaprClient` as `daprHost`. */
  host: string
  appId: string
  /** The API token daprd requires (`DaprdOptions.apiToken`), if any. */
  apiToken: string | undefined
  /** The secret store names (the same for every sidecar: `DAPRD_STORES`). */
  stores: typeof DAPRD_STORES
  /** The secrets file both file stores read. */
  secretsFile: string
  /** What daprd printed so far (last ~1 MiB). */
  output(): string
  /**
   * Rewrites the secrets JSON and sends SIGHUP: daprd restarts its runtime in-process (the ports close
   * for ~50 ms) and the file stores read the file again. Resolves once the restarted runtime is healthy
   * and serves the stores; rejects with daprd's output when it does not come back within 15 s.
   */
  reload(secrets: SecretsJson): Promise<void>
  /** SIGTERM (daprd exits in well under a second), SIGKILL after 10 s; removes the temp dir. Safe to call twice. */
  stop(): Promise<void>
}

const HOST = '127.0.0.1'
const DAPRD_VERSION = '1.18.2'

/**
 * Where build-daprd.sh puts daprd (its `--print-path`): outside the work tree, by version, so that every
 * checkout shares one build: `${SECRET_STORE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/secret-store}/daprd/v1.18.2/daprd`.
 */
export function daprdBinaryPath(env: NodeJS.ProcessEnv = process.env): string {
  const cache =
    env.SECRET_STORE_CACHE ||
    path.join(env.XDG_CACHE_HOME || path.join(env.HOME || homedir(), '.cache'), 'secret-store')
  return path.join(cache, 'daprd', `v${DAPRD_VERSION}`, 'daprd')
}
const BUILD_COMMAND = 'bash packages/dapr/test/support/build-daprd.sh'
const STARTUP_TIMEOUT_MS = 30_000
const RELOAD_TIMEOUT_MS = 15_000
const STOP_GRACE_MS = 10_000
const OUTPUT_LIMIT = 1024 * 1024
// startLocalBackend tries up to three ports for the HTTP API; each try gets its own two gRPC ports.
const PORT_ATTEMPTS = 3
// daprd prints this line at the end of every (re)start of its runtime.
const INITIALIZED = /dapr initialized\. Status: Running/

const endpointAt = (port: number) => `http://${HOST}:${port}`

export async function startDaprd(options: DaprdOptions = {}): Promise<Daprd> {
  const binary = findDaprd()
  const appId = options.appId ?? `secret-store-test-${randomUUID().slice(0, 8)}`
  const separator = options.nestedSeparator ?? ':'
  const { apiToken } = options
  const headers: Record<string, string> = apiToken === undefined ? {} : { 'dapr-api-token': apiToken }

  const dir = mkdtempSync(path.join(tmpdir(), 'secret-store-daprd-'))
  const removeDir = () => rmSync(dir, { recursive: true, force: true })
  try {
    const secretsFile = path.join(dir, 'secrets.json')
    const resourcesDir = path.join(dir, 'resources')
    const pidFile = path.join(dir, 'daprd.pid')
    writeSecrets(secretsFile, options.secrets ?? {})
    writeResources(resourcesDir, secretsFile, separator)
    const configFile = options.secretScopes ? writeConfiguration(dir, options.secretScopes) : undefined

    // The gRPC ports of each attempt, drawn before the start: `args` is synchronous.
    // One more than needed, for when the HTTP port startLocalBackend draws is among them.
    const spare = await distinctFreePorts(2 * PORT_ATTEMPTS + 1)
    let grpcPort = 0
    const daprdArgs = (httpPort: number): string[] => {
      const take = (): number => {
        const index = spare.findIndex((port) => port !== httpPort)
        const [port] = index < 0 ? [] : spare.splice(index, 1)
        if (port === undefined) throw new Error('daprd: ran out of spare loopback ports')
        return port
      }
      const grpc = take()
      const internalGrpc = take()
      grpcPort = grpc
      return [
        '--app-id',
        appId,
        '--mode',
        'standalone',
        '--dapr-listen-addresses',
        HOST,
        '--dapr-http-port',
        String(httpPort),
        '--dapr-grpc-port',
        String(grpc),
        '--dapr-internal-grpc-listen-address',
        HOST,
        '--dapr-internal-grpc-port',
        String(internalGrpc),
        // Off: the Prometheus listener (0.0.0.0:9090 by default) and the built-in Kubernetes store.
        '--enable-metrics=false',
        '--disable-builtin-k8s-secret-store',
        '--resources-path',
        resourcesDir,
        ...(configFile ? ['--config', configFile] : []),
      ]
    }

    let initializations = 0
    let pending = ''
    const debug = process.env.DAPRD_DEBUG === '1'
    const onOutput = (chunk: Buffer): void => {
      if (debug) process.stderr.write(chunk)
      const lines = (pending + chunk.toString('utf8')).split('\n')
      pending = lines.pop() ?? ''
      initializations += lines.filter((line) => INITIALIZED.test(line)).length
    }

    const backend = await startLocalBackend({
      name: 'daprd',
      // sh records its pid (which `exec` hands to daprd) for reload's SIGHUP: LocalBackend keeps the child to itself.
      command: 'sh',
      args: (port) => ['-c', 'echo $$ >"$0" && exec "$@"', pidFile, binary, ...daprdArgs(port)],
      installHint: 'a POSIX sh on PATH',
      healthCheck: (port) => isHealthy(endpointAt(port), appId, headers),
      startupTimeoutMs: STARTUP_TIMEOUT_MS,
      stopGraceMs: STOP_GRACE_MS,
      outputLimit: OUTPUT_LIMIT,
      // daprd retries a taken port for 10 s, then exits with "bind: address already in use".
      portInUse: /address already in use/i,
      // Nothing but what daprd needs: the env store hands out every variable it can see.
      env: { DAPR_HOST_IP: HOST, ...options.env, ...(apiToken === undefined ? {} : { DAPR_API_TOKEN: apiToken }) },
      onOutput,
      failureMessage: (failure) => failureMessage(failure, binary),
    })

    const httpEndpoint = endpointAt(backend.port)
    let stopping: Promise<void> | undefined
    const stop = (): Promise<void> => {
      stopping ??= backend.stop().finally(removeDir)
      return stopping
    }
    const fail = async (why: string): Promise<never> => {
      const output = backend.output()
      await stop()
      throw new Error(`daprd: ${why}\n--- daprd output ---\n${output}`)
    }
    const missing = await missingStores(httpEndpoint, headers).catch((err: Error) => [`(metadata: ${err.message})`])
    if (missing.length > 0) await fail(`the secret stores ${missing.join(', ')} are not loaded`)

    const reload = async (secrets: SecretsJson): Promise<void> => {
      const pid = Number(readFileSync(pidFile, 'utf8').trim())
      const before = initializations
      writeSecrets(secretsFile, secrets)
      process.kill(pid, 'SIGHUP')
      const deadline = Date.now() + RELOAD_TIMEOUT_MS
      while (Date.now() < deadline) {
        if (!isRunning(pid)) return fail('exited after SIGHUP')
        const restarted = initializations > before
        if (restarted && (await isHealthy(httpEndpoint, appId, headers).catch(() => false))) {
          const missing = await missingStores(httpEndpoint, headers).catch((err: Error) => [err.message])
          if (missing.length === 0) return
        }
        await delay(50)
      }
      return fail(`not serving again within ${RELOAD_TIMEOUT_MS} ms of SIGHUP`)
    }

    return {
      httpPort: backend.port,
      grpcPort,
      httpEndpoint,
      host: HOST,
      appId,
      apiToken,
      stores: DAPRD_STORES,
      secretsFile,
      output: backend.output,
      reload,
      stop,
    }
  } catch (err) {
    removeDir()
    throw err
  }
}

/** The daprd binary, after checking that it is the version build-daprd.sh builds. */
function findDaprd(): string {
  const binary = process.env.DAPRD_BINARY || daprdBinaryPath()
  if (!existsSync(binary)) {
    throw new Error(
      `daprd not found at ${binary}. Build it (daprd v${DAPRD_VERSION}, ~2 min once) with: ${BUILD_COMMAND}`,
    )
  }
  let version: string
  try {
    version = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim()
  } catch (err) {
    throw new Error(`daprd at ${binary} does not run (${(err as Error).message}). Rebuild it with: ${BUILD_COMMAND}`)
  }
  if (version !== DAPRD_VERSION) {
    throw new Error(
      `daprd at ${binary} is version '${version}', not ${DAPRD_VERSION}. Rebuild it with: ${BUILD_COMMAND}`,
    )
  }
  return binary
}

async function isHealthy(endpoint: string, appId: string, headers: Record<string, string>): Promise<boolean> {
  // The per-request timeouts stop a half-open listener from stalling the poll loop past its deadline.
  const health = await fetch(`${endpoint}/v1.0/healthz`, { signal: AbortSignal.timeout(1_000) })
  await health.body?.cancel()
  // 204 once the runtime has initialized its components; before that 500.
  if (health.status !== 204) return false
  // The app id proves the port is this daprd's, not another sidecar's that won a port race.
  const metadata = await fetch(`${endpoint}/v1.0/metadata`, { headers, signal: AbortSignal.timeout(1_000) })
  return metadata.ok && ((await metadata.json()) as { id?: unknown }).id === appId
}

/** The stores of DAPRD_STORES that daprd's metadata does not list. */
async function missingStores(endpoint: string, headers: Record<string, string>): Promise<string[]> {
  const res = await fetch(`${endpoint}/v1.0/metadata`, { headers, signal: AbortSignal.timeout(2_000) })
  const body = (await res.json()) as { components?: { name?: unknown }[] }
  const names = new Set((body.components ?? []).map((component) => component.name))
  return Object.values(DAPRD_STORES).filter((name) => !names.has(name))
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    // ESRCH: gone.
    return false
  }
}

/** Written to a temp name and renamed, so daprd never reads a half-written file. */
function writeAtomically(file: string, text: string): void {
  const partial = `${file}.partial`
  writeFileSync(partial, text)
  renameSync(partial, file)
}

function writeSecrets(file: string, secrets: SecretsJson): void {
  writeAtomically(file, JSON.stringify(secrets, null, 2))
}

// Manifests are written as JSON, which daprd's YAML reader accepts, so no value needs YAML quoting.
function component(name: string, type: string, metadata: Record<string, string>): string {
  return JSON.stringify(
    {
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Component',
      metadata: { name },
      spec: { type, version: 'v1', metadata: Object.entries(metadata).map(([key, value]) => ({ name: key, value })) },
    },
    null,
    2,
  )
}

function writeResources(dir: string, secretsFile: string, nestedSeparator: string): void {
  mkdirSync(dir, { recursive: true })
  const file = { secretsFile, nestedSeparator }
  const manifests: [string, string][] = [
    [DAPRD_STORES.file, component(DAPRD_STORES.file, 'secretstores.local.file', file)],
    [
      DAPRD_STORES.multiValued,
      component(DAPRD_STORES.multiValued, 'secretstores.local.file', { ...file, multiValued: 'true' }),
    ],
    [DAPRD_STORES.env, component(DAPRD_STORES.env, 'secretstores.local.env', {})],
  ]
  for (const [name, text] of manifests) writeAtomically(path.join(dir, `${name}.yaml`), text)
}

function writeConfiguration(dir: string, scopes: Partial<Record<DaprdStoreName, SecretScope>>): string {
  const entries = Object.entries(scopes).map(([storeName, scope]) => {
    for (const name of [...(scope?.allowedSecrets ?? []), ...(scope?.deniedSecrets ?? [])]) {
      // daprd runs the Configuration file through os.ExpandEnv before parsing it.
      if (name.includes('$')) throw new Error(`daprd: a scoped secret name cannot contain '$': ${name}`)
    }
    return { storeName, ...scope }
  })
  const configuration = {
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'Configuration',
    metadata: { name: 'secret-scopes' },
    spec: { secrets: { scopes: entries } },
  }
  const file = path.join(dir, 'configuration.yaml')
  writeAtomically(file, JSON.stringify(configuration, null, 2))
  return file
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>()
  while (ports.size < count) ports.add(await freeLoopbackPort())
  return [...ports]
}

function failureMessage(failure: LocalBackendFailure, binary: string): string {
  switch (failure.reason) {
    case 'missing':
      return `daprd: 'sh' not found on PATH (the launcher runs ${binary} through it)`
    case 'exited':
      return `daprd exited during startup (${failure.exit}).\ncommand: ${failure.args.slice(3).join(' ')}\n--- daprd output ---\n${failure.output}`
    case 'timeout':
      return `daprd at ${endpointAt(failure.port)} did not become healthy within ${failure.timeoutMs} ms.\ncommand: ${failure.args.slice(3).join(' ')}\n--- daprd output ---\n${failure.output}`
  }
}
