/**
 * The real test backends the CLI tests run against: moto (AWS Secrets Manager) and an OpenBao dev server
 * (Vault), each behind the testkit's fault proxy, which counts every request the stores make.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { type FaultProxy, startFaultProxy } from '@secret-store/testkit'
import { afterAll, beforeAll } from 'vitest'
import { motoClientConfig } from '../../../aws/test/support/aws.js'
import { type MotoServer, startMoto } from '../../../aws/test/support/moto.js'
import { type OpenBaoServer, startOpenBao } from '../../../vault/test/support/openbao.js'
import { type RawClient, rawClient } from '../../../vault/test/support/vault.js'
import type { CliConfig } from '../../src/index.js'
import { configDir } from './run.js'

export interface Backends {
  moto: MotoServer
  bao: OpenBaoServer
  /** Counts the stores' requests to moto (`x-amz-target` names the action). */
  awsProxy: FaultProxy
  /** Counts the stores' requests to OpenBao. */
  vaultProxy: FaultProxy
  /** Raw clients that bypass the proxies. */
  aws: SecretsManagerClient
  vault: RawClient
  /** Store options for the config file. */
  awsOptions(extra?: Record<string, unknown>): Record<string, unknown>
  vaultOptions(extra?: Record<string, unknown>): Record<string, unknown>
  stop(): Promise<void>
}

export async function startBackends(): Promise<Backends> {
  const [moto, bao] = await Promise.all([startMoto(), startOpenBao()])
  const awsProxy = await startFaultProxy({ target: moto.endpoint, isRead: () => true })
  const vaultProxy = await startFaultProxy({ target: bao.endpoint, isRead: () => true })
  const aws = new SecretsManagerClient(motoClientConfig(moto.endpoint))
  const vault = rawClient(bao.endpoint, bao.rootToken)
  return {
    moto,
    bao,
    awsProxy,
    vaultProxy,
    aws,
    vault,
    awsOptions: (extra = {}) => ({
      region: 'us-east-1',
      clientConfig: { endpoint: awsProxy.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } },
      ...extra,
    }),
    vaultOptions: (extra = {}) => ({ endpoint: vaultProxy.url, token: bao.rootToken, mount: 'secret', ...extra }),
    async stop() {
      aws.destroy()
      await Promise.allSettled([awsProxy.close(), vaultProxy.close()])
      await Promise.allSettled([moto.stop(), bao.stop()])
    },
  }
}

/** The AWS action of a proxied request (`ListSecrets`, `BatchGetSecretValue`...). */
export const awsAction = (request: { headers: Record<string, unknown> }): string =>
  String(request.headers['x-amz-target'] ?? '').replace(/^secretsmanager\./, '')

/** How many proxied requests each AWS action had. */
export function awsActions(proxy: FaultProxy): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const request of proxy.stats.log) counts[awsAction(request)] = (counts[awsAction(request)] ?? 0) + 1
  return counts
}

/** How many proxied Vault requests had each method (`GET`, `POST`, `LIST`...). */
export function vaultMethods(proxy: FaultProxy): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const request of proxy.stats.log) {
    const method = request.method === 'GET' && /[?&]list=true/.test(request.path) ? 'LIST' : request.method
    counts[method] = (counts[method] ?? 0) + 1
  }
  return counts
}

/**
 * The backends for the test file that calls it, and a config directory made from them: started before its
 * tests (after `setup`, which may prepare tokens or policies), stopped after the last.
 */
export function useBackends(config: (backends: Backends) => CliConfig | Promise<CliConfig>): {
  readonly backends: Backends
  readonly dir: string
} {
  let started: { backends: Backends; dir: string } | undefined
  beforeAll(async () => {
    const backends = await startBackends()
    started = { backends, dir: configDir(await config(backends)) }
  }, 120_000)
  afterAll(async () => {
    await started?.backends.stop()
  })
  const get = () => {
    if (started === undefined) throw new Error('the backends start in beforeAll')
    return started
  }
  return {
    get backends() {
      return get().backends
    },
    get dir() {
      return get().dir
    },
  }
}

/** Copying from AWS to Vault: both stores read, Vault also written. */
export const awsToVault = (backends: Backends): CliConfig => ({
  stores: {
    aws: { adapter: 'aws', options: backends.awsOptions() },
    vault: { adapter: 'vault', options: backends.vaultOptions({ enableSet: true }) },
  },
})
