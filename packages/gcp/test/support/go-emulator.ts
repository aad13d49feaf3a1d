/**
 * Starts the independent Go Secret Manager emulator
 * (github.com/blackwell-systems/gcp-secret-manager-emulator v0.1.0), which the cross-check test
 * compares the fake with.
 *
 * The binary: <repo>/.cache/gcp-emulator/gcp-secret-manager-emulator-v0.1.0, built by
 * `bash packages/gcp/test/support/build-go-emulator.sh` (about 15-20 s with a cold module cache; Go
 * 1.24+ needed). A missing binary fails the start with that command. GCP_GO_EMULATOR_DEBUG=1 copies
 * its output to stderr.
 *
 * It is started with `--port` alone and listens on all interfaces (`:<port>`; it has no bind-address
 * option): the test binds nothing else there and connects through 127.0.0.1. It is up in about 100 ms
 * and keeps its state in memory, so every start is empty.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SecretManagerServiceClient } from '@google-cloud/secret-manager'
import { startLocalBackend } from '@secret-store/testkit'
import type { ClientOptions } from 'google-gax'
import { LOOPBACK, loopbackClientOptions } from './client-options.js'

export const GO_EMULATOR_VERSION = 'v0.1.0'
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
export const GO_EMULATOR_BINARY = join(
  REPO_ROOT,
  '.cache',
  'gcp-emulator',
  `gcp-secret-manager-emulator-${GO_EMULATOR_VERSION}`,
)
export const GO_EMULATOR_BUILD_COMMAND = 'bash packages/gcp/test/support/build-go-emulator.sh'

const PROBE_TIMEOUT_MS = 1_000
const STARTUP_TIMEOUT_MS = 15_000

export interface GoEmulator {
  /** `127.0.0.1:<port>` */
  endpoint: string
  port: number
  /** Options for `new SecretManagerServiceClient(...)`: this emulator, plaintext, no credentials. */
  clientOptions(): ClientOptions
  /** What it printed so far. */
  output(): string
  /** SIGTERM, then SIGKILL after the grace period. Safe to call twice. */
  stop(): Promise<void>
}

export async function startGoEmulator(): Promise<GoEmulator> {
  const backend = await startLocalBackend({
    name: `Go Secret Manager emulator ${GO_EMULATOR_VERSION}`,
    command: GO_EMULATOR_BINARY,
    args: (port) => ['--port', String(port)],
    installHint: `${GO_EMULATOR_BUILD_COMMAND} (from the repository root; needs Go 1.24+)`,
    healthCheck: isSecretManager,
    startupTimeoutMs: STARTUP_TIMEOUT_MS,
    pollIntervalMs: 50,
    stopGraceMs: 2_000,
    onOutput: process.env.GCP_GO_EMULATOR_DEBUG === '1' ? (chunk) => process.stderr.write(chunk) : undefined,
  })
  return {
    endpoint: `${LOOPBACK}:${backend.port}`,
    port: backend.port,
    clientOptions: () => loopbackClientOptions(backend.port),
    output: backend.output,
    stop: backend.stop,
  }
}

/**
 * Healthy once a GetSecret of a secret that cannot exist answers NOT_FOUND: a trivial gRPC call that
 * also proves the port serves Secret Manager, not just any listener.
 */
async function isSecretManager(port: number): Promise<boolean> {
  const client = new SecretManagerServiceClient(loopbackClientOptions(port))
  try {
    await client.getSecret({ name: 'projects/health-check/secrets/probe' }, { timeout: PROBE_TIMEOUT_MS })
    return true
  } catch (err) {
    return (err as { code?: unknown }).code === 5
  } finally {
    await client.close()
  }
}
