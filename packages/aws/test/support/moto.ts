/**
 * Starts a throwaway moto server (an AWS emulator, in memory) for integration tests.
 * Requires `moto_server` on PATH, e.g. via `pip install 'moto[server]'`.
 */
import { type LocalBackendFailure, startLocalBackend } from '@secret-store/testkit'

export interface MotoServer {
  /** `http://127.0.0.1:<port>`, for the SDK client's `endpoint`. */
  endpoint: string
  stop(): Promise<void>
}

const HOST = '127.0.0.1'
const endpointAt = (port: number) => `http://${HOST}:${port}`

export async function startMoto(): Promise<MotoServer> {
  const moto = await startLocalBackend({
    name: 'moto_server',
    command: 'moto_server',
    args: (port) => ['-H', HOST, '-p', String(port)],
    installHint: "pip install 'moto[server]'",
    healthCheck: (port) => isHealthy(endpointAt(port)),
    startupTimeoutMs: 30_000,
    portInUse: /address already in use|is in use by another program/i,
    failureMessage,
  })
  return { endpoint: endpointAt(moto.port), stop: moto.stop }
}

async function isHealthy(endpoint: string): Promise<boolean> {
  // moto's own API: answers only once the server is up, and proves the port is moto's, not another program's.
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(1_000) })
  await res.body?.cancel()
  return res.status === 200
}

function failureMessage(failure: LocalBackendFailure): string {
  switch (failure.reason) {
    case 'missing':
      return `moto_server not found on PATH. Install it with: ${failure.installHint}`
    case 'exited':
      return `moto_server exited during startup (${failure.exit}).\n--- moto output ---\n${failure.output}`
    case 'timeout':
      return `moto_server at ${endpointAt(failure.port)} did not become healthy within ${failure.timeoutMs} ms.\n--- moto output ---\n${failure.output}`
  }
}
