/**
 * The test backends of the Azure, GCP, Infisical and Dapr adapters, started as each adapter's contract
 * test starts them, with the store options a config file gives the CLI for each.
 *
 * Infisical and Dapr are configured from plain JSON. Azure and GCP are not: the Key Vault fake needs a
 * `TokenCredential` object (a vault URL alone means `DefaultAzureCredential`, which asks Entra ID for a
 * token), and the Secret Manager fake speaks plaintext gRPC, which only a `grpc.ChannelCredentials`
 * instance (`sslCreds`) turns on. Their stores go into a `secret-store.config.mjs` that builds those
 * objects, as a user's config would.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  type Backend as AzureBackend,
  keyVaultBackdoor,
  rawClient,
  startBackend,
} from '../../../azure/test/support/azure.js'
import { type Daprd, type SecretsJson, startDaprd } from '../../../dapr/test/support/daprd.js'
import { secretManagerBackdoor } from '../../../gcp/test/support/gcp.js'
import { type FakeSecretManager, startSecretManagerFake } from '../../../gcp/test/support/secret-manager-fake.js'
import { type InfisicalFake, startInfisicalFake } from '../../../infisical/test/support/infisical-fake.js'
import type { CliConfig } from '../../src/index.js'

type Options = Record<string, unknown>

export interface AzureBackendUnderTest {
  backend: AzureBackend
  /** A raw `SecretClient` on the backend, for checking what the CLI did. */
  raw: ReturnType<typeof rawClient>
  door: ReturnType<typeof keyVaultBackdoor>
  /** The JSON part of the store options; the `.mjs` config adds the credential. */
  options(extra?: Options): Options
  /** The bearer token the config's credential hands out. */
  token: string
  stop(): Promise<void>
}

/** The Key Vault fake (or Lowkey Vault with LOWKEY_VAULT_JAR), as `azure.contract.test.ts` starts it. */
export async function startAzure(): Promise<AzureBackendUnderTest> {
  const backend = await startBackend()
  const raw = rawClient(backend)
  return {
    backend,
    raw,
    door: keyVaultBackdoor(raw),
    token: 'cli-test-bearer-token-0123456789',
    options: (extra = {}) => ({
      vaultUrl: backend.vaultUrl,
      clientOptions: { tlsOptions: { ca: backend.ca }, disableChallengeResourceVerification: true },
      intervalInMs: 10,
      ...extra,
    }),
    stop: () => backend.stop(),
  }
}

export const GCP_PROJECT = 'cli-project'
const GCP_PROJECT_NUMBER = '123456789012'

export interface GcpBackendUnderTest {
  fake: FakeSecretManager
  door: ReturnType<typeof secretManagerBackdoor>
  /** The JSON part of the store options; the `.mjs` config adds `sslCreds` and `auth`. */
  options(extra?: Options): Options
  stop(): Promise<void>
}

const gcpRequire = createRequire(new URL('../../../gcp/package.json', import.meta.url))
/** google-gax as `@google-cloud/secret-manager` loads it: one copy of grpc-js, so `sslCreds` passes its checks. */
const GAX_URL = pathToFileURL(
  createRequire(gcpRequire.resolve('@google-cloud/secret-manager')).resolve('google-gax'),
).href

/** The loopback Secret Manager fake, as `gcp.contract.test.ts` starts it. */
export async function startGcp(): Promise<GcpBackendUnderTest> {
  const fake = await startSecretManagerFake({ projectNumbers: { [GCP_PROJECT]: GCP_PROJECT_NUMBER } })
  const { SecretManagerServiceClient } = gcpRequire('@google-cloud/secret-manager') as {
    SecretManagerServiceClient: new (options: object) => Parameters<typeof secretManagerBackdoor>[0]
  }
  const raw = new SecretManagerServiceClient(fake.directClientOptions())
  return {
    fake,
    door: secretManagerBackdoor(raw, `projects/${GCP_PROJECT}`),
    options: (extra = {}) => ({
      projectId: GCP_PROJECT,
      clientOptions: { apiEndpoint: '127.0.0.1', port: fake.port },
      ...extra,
    }),
    async stop() {
      await raw.close()
      await fake.stop()
    },
  }
}

export interface InfisicalBackendUnderTest {
  fake: InfisicalFake
  /** Store options: all JSON (universal auth with the fake's machine identity). */
  options(extra?: Options): Options
  stop(): Promise<void>
}

/** The Infisical fake, as `infisical.contract.test.ts` starts it (without its fault proxy). */
export async function startInfisical(): Promise<InfisicalBackendUnderTest> {
  const fake = await startInfisicalFake()
  return {
    fake,
    options: (extra = {}) => ({
      siteUrl: fake.siteUrl,
      projectId: fake.projectId,
      environment: 'dev',
      universalAuth: { ...fake.machineIdentity },
      ...extra,
    }),
    stop: () => fake.stop(),
  }
}

export interface DaprBackendUnderTest {
  daprd: Daprd
  /** Store options: all JSON (the sidecar's address and API token). */
  options(extra?: Options): Options
  stop(): Promise<void>
}

/** A real daprd with the local file secret store over `secrets`, as `dapr.contract.test.ts` starts it. */
export async function startDapr(secrets: SecretsJson, apiToken: string): Promise<DaprBackendUnderTest> {
  const daprd = await startDaprd({ secrets, apiToken })
  return {
    daprd,
    options: (extra = {}) => ({
      secretStoreName: daprd.stores.file,
      daprHost: daprd.host,
      daprPort: daprd.httpPort,
      apiToken,
      ...extra,
    }),
    stop: () => daprd.stop(),
  }
}

/** A fresh directory holding `files` (e.g. `.env`). */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'secret-store-cli-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

/**
 * Writes `secret-store.config.mjs` into `dir`: `config` (JSON) plus, for the store labelled `azure`, a
 * credential object with a fixed token, and for the store labelled `gcp`, plaintext gRPC to the fake
 * and a pass-through auth client (as the GCP tests' `loopbackClientOptions`), so that nothing asks for
 * Application Default Credentials or leaves 127.0.0.1.
 */
export function writeMjsConfig(dir: string, config: CliConfig, azureToken?: string): string {
  const file = join(dir, 'secret-store.config.mjs')
  writeFileSync(
    file,
    `import gax from ${JSON.stringify(GAX_URL)}
const { grpc, GoogleAuth, googleAuthLibrary } = gax
const config = ${JSON.stringify(config, null, 2)}
const azure = config.stores.azure
if (azure) {
  azure.options.credential = {
    async getToken() {
      return { token: ${JSON.stringify(azureToken ?? '')}, expiresOnTimestamp: Date.now() + 3_600_000 }
    },
  }
}
const gcp = config.stores.gcp
if (gcp) {
  Object.assign(gcp.options.clientOptions, {
    sslCreds: grpc.credentials.createInsecure(),
    auth: new GoogleAuth({ authClient: new googleAuthLibrary.PassThroughClient() }),
  })
}
export default config
`,
  )
  return file
}
