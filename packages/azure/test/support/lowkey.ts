/**
 * Starts Lowkey Vault (an Azure Key Vault test double, a Spring Boot jar) for tests.
 *
 * The jar: env LOWKEY_VAULT_JAR, else <repo>/.cache/lowkey-vault/lowkey-vault-app.jar. It is
 * not part of the repository: download `com.github.nagyesta.lowkey-vault:lowkey-vault-app` from
 * Maven Central (or build it from the Lowkey Vault sources with Maven) and point LOWKEY_VAULT_JAR
 * at it. The tests select this backend only when LOWKEY_VAULT_JAR is set.
 * Java: env LOWKEY_VAULT_JAVA (a java binary), else $LOWKEY_VAULT_JAVA_HOME/bin/java,
 * else $JAVA_HOME/bin/java,
 * else `java` on PATH. Lowkey Vault 7.x needs Java 25.
 * Extra JVM options: env LOWKEY_VAULT_JAVA_OPTS (whitespace separated, appended).
 * LOWKEY_VAULT_DEBUG=1 copies the server's output to stderr.
 *
 * Each call starts its own server on a free loopback port with one vault,
 * https://localhost:<port> (alias https://127.0.0.1:<port>), recovery level
 * "Recoverable+Purgeable" (soft delete on, purge allowed: the real Key Vault default).
 * The server accepts any bearer token; use SecretClient with
 * `disableChallengeResourceVerification: true` and `tlsOptions: { ca }`.
 */
import { existsSync } from 'node:fs'
import https from 'node:https'
import path from 'node:path'
import type { TLSSocket } from 'node:tls'
import { fileURLToPath } from 'node:url'
import { type LocalBackendFailure, startLocalBackend } from '@secret-store/testkit'

export interface LowkeyVault {
  /** Vault URL to give SecretClient, e.g. https://localhost:40123 */
  vaultUrl: string
  /** PEM of the server's self-signed certificate: pass as `tlsOptions: { ca }`. */
  ca: string
  /** The HTTPS port. */
  port: number
  /** What the server printed so far (last ~256 KiB). */
  output(): string
  /** SIGTERM, then SIGKILL after 10 s. Safe to call twice. */
  stop(): Promise<void>
}

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const DEFAULT_JAR = path.join(REPO_ROOT, '.cache', 'lowkey-vault', 'lowkey-vault-app.jar')
const JVM_OPTS = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1']
const POLL_MS = 200
const READY_TIMEOUT_MS = 90_000
const STOP_GRACE_MS = 10_000
const OUTPUT_LIMIT = 256 * 1024

function findJar(): string {
  const jar = process.env.LOWKEY_VAULT_JAR || DEFAULT_JAR
  if (!existsSync(jar)) {
    throw new Error(
      `Lowkey Vault jar not found at ${jar}. Download com.github.nagyesta.lowkey-vault:lowkey-vault-app` +
        ' from Maven Central (or build it with Maven) and point LOWKEY_VAULT_JAR at the jar.',
    )
  }
  return jar
}

function findJava(): string {
  const env = process.env
  if (env.LOWKEY_VAULT_JAVA) return env.LOWKEY_VAULT_JAVA
  if (env.LOWKEY_VAULT_JAVA_HOME) return path.join(env.LOWKEY_VAULT_JAVA_HOME, 'bin', 'java')
  if (env.JAVA_HOME) {
    const candidate = path.join(env.JAVA_HOME, 'bin', 'java')
    if (existsSync(candidate)) return candidate
  }
  return 'java'
}

function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? []
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`
}

interface HttpResult {
  status: number
  body: string
  peerCertDer?: Buffer
}

function request(
  port: number,
  method: string,
  urlPath: string,
  options: { ca?: string; body?: string; timeoutMs?: number } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port,
        method,
        path: urlPath,
        agent: false,
        timeout: options.timeoutMs ?? 5_000,
        headers: {
          host: `localhost:${port}`,
          ...(options.body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) }),
        },
        ...(options.ca === undefined ? { rejectUnauthorized: false } : { ca: options.ca }),
      },
      (res) => {
        const socket = res.socket as TLSSocket
        const peerCertDer = socket.getPeerCertificate?.()?.raw
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ...(peerCertDer ? { peerCertDer } : {}),
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath} timed out`)))
    req.on('error', reject)
    req.end(options.body)
  })
}

/** The message of every failed start: why, the command line and the last 60 lines of output. */
function startFailure(why: string, command: string, args: string[], output: string): string {
  const tail = output.split('\n').slice(-60).join('\n')
  return `Lowkey Vault did not start: ${why}\ncommand: ${command} ${args.join(' ')}\n--- output (tail) ---\n${tail}`
}

export async function startLowkeyVault(): Promise<LowkeyVault> {
  const jar = findJar()
  const java = findJava()
  const extraOpts = (process.env.LOWKEY_VAULT_JAVA_OPTS ?? '').split(/\s+/).filter(Boolean)
  const args = (port: number) => [
    ...JVM_OPTS,
    ...extraOpts,
    '-jar',
    jar,
    `--server.port=${port}`,
    // Second (plain HTTP) connector for the managed-identity token endpoint; default 8080.
    '--app.token.port=0',
    // No auto-registered vaults: we create our own, purgeable one below.
    '--LOWKEY_VAULT_NAMES=-',
    '--spring.main.banner-mode=off',
  ]

  // The ping that proves the server is up also hands over its certificate.
  let certDer: Buffer | undefined
  let lastError = ''
  const ping = async (port: number): Promise<boolean> => {
    try {
      const res = await request(port, 'GET', '/ping', { timeoutMs: 2_000 })
      if (res.status === 200 && res.peerCertDer) certDer = res.peerCertDer
      else lastError = `HTTP ${res.status}`
    } catch (err) {
      lastError = (err as Error).message
    }
    return certDer !== undefined
  }
  const why = (failure: Exclude<LocalBackendFailure, { reason: 'missing' }>): string => {
    if (failure.reason === 'timeout') return `not ready after ${READY_TIMEOUT_MS / 1000} s (last probe: ${lastError})`
    return failure.spawnError
      ? `could not run ${java}: ${failure.spawnError.message}`
      : `process exited (code ${failure.code}, signal ${failure.signal})`
  }

  const server = await startLocalBackend({
    name: 'Lowkey Vault',
    command: java,
    args,
    installHint: 'Lowkey Vault 7.x needs Java 25: set LOWKEY_VAULT_JAVA or LOWKEY_VAULT_JAVA_HOME, or put java on PATH',
    healthCheck: ping,
    startupTimeoutMs: READY_TIMEOUT_MS,
    pollIntervalMs: POLL_MS,
    stopGraceMs: STOP_GRACE_MS,
    outputLimit: OUTPUT_LIMIT,
    portInUse: /already in use|BindException/i,
    env: process.env,
    onOutput: process.env.LOWKEY_VAULT_DEBUG === '1' ? (chunk) => process.stderr.write(chunk) : undefined,
    failureMessage: (failure) =>
      failure.reason === 'missing'
        ? `Lowkey Vault did not start: could not run ${java}: not found. ${failure.installHint}`
        : startFailure(why(failure), java, failure.args, failure.output),
  })

  const { port } = server
  const fail = async (reason: string): Promise<never> => {
    await server.stop()
    throw new Error(startFailure(reason, java, args(port), server.output()))
  }
  if (certDer === undefined) return fail('no certificate from /ping')
  const ca = toPem(certDer)
  const vaultUrl = `https://localhost:${port}`
  try {
    // Also proves that trusting `ca` works for the https://localhost:<port> URL.
    const res = await request(port, 'POST', '/management/vault', {
      ca,
      body: JSON.stringify({
        baseUri: vaultUrl,
        recoveryLevel: 'Recoverable+Purgeable',
        recoverableDays: 90,
        aliases: [`https://127.0.0.1:${port}`],
      }),
    })
    if (res.status !== 200) return fail(`creating the vault gave HTTP ${res.status}: ${res.body}`)
  } catch (err) {
    return fail(`creating the vault failed: ${(err as Error).message}`)
  }

  return { vaultUrl, ca, port, output: server.output, stop: server.stop }
}
