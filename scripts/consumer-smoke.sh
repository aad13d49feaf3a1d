#!/usr/bin/env bash
# Installs what a release would publish into a fresh consumer project, with npm, and checks it there, once
# per Node line: ESM import and CommonJS require of every package (testkit is ESM only), TypeScript under
# NodeNext and Bundler resolution with strict and exactOptionalPropertyTypes, and the handbook's AWS and
# Vault samples verbatim with only the import changed.
#   bash scripts/consumer-smoke.sh            Node 22 and 24
#   bash scripts/consumer-smoke.sh 24         one line
# The packages are built and packed with pnpm as a release packs them (workspace ranges rewritten); their
# peer SDKs come from the npm registry at the versions the workspace tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
lines=("$@")
[ ${#lines[@]} -gt 0 ] || lines=(22 24)

say() { printf 'consumer-smoke: %s\n' "$*"; }
die() {
  printf 'consumer-smoke: %s\n' "$*" >&2
  exit 1
}

work="$(mktemp -d "${TMPDIR:-/tmp}/consumer-smoke.XXXXXX")"
trap 'rm -rf "$work"' EXIT

say "building and packing the public packages"
bash scripts/pnpm.sh -r --filter './packages/*' build >/dev/null
mkdir -p "$work/tarballs"
for dir in packages/*/; do
  [ "$(node -p "Boolean(require('./${dir}package.json').private)")" = true ] && continue
  (cd "$dir" && bash "$root/scripts/pnpm.sh" pack --pack-destination "$work/tarballs" >/dev/null)
done
for tarball in "$work"/tarballs/*.tgz; do
  if tar -xzOf "$tarball" package/package.json | grep -q '"workspace:'; then
    die "$(basename "$tarball") still has a workspace: range; it could not be installed"
  fi
done

# The consumer's dependencies: every tarball, and the peers at the versions the workspace tests.
node - "$work" <<'NODE'
const { readdirSync, readFileSync, writeFileSync } = require('node:fs')
const path = require('node:path')
const work = process.argv[2]
const dependencies = {}
for (const file of readdirSync(path.join(work, 'tarballs'))) {
  const name = `@secret-store/${file.replace(/^secret-store-/, '').replace(/-\d+\.\d+\.\d+.*\.tgz$/, '')}`
  dependencies[name] = `file:${path.join(work, 'tarballs', file)}`
}
// The version the workspace installed (and tests), found in the root's or a package's node_modules.
const installed = (pkg) => {
  const places = ['.', ...readdirSync('packages').map((dir) => path.join('packages', dir))]
  for (const place of places) {
    const manifest = path.join(place, 'node_modules', pkg, 'package.json')
    if (require('node:fs').existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).version
  }
  throw new Error(`${pkg} is not installed in the workspace`)
}
for (const peer of [
  '@aws-sdk/client-secrets-manager',
  '@azure/keyvault-secrets',
  '@azure/identity',
  '@google-cloud/secret-manager',
  '@infisical/sdk',
  '@dapr/dapr',
  'node-vault',
  'vitest',
  'typescript',
  '@types/node',
]) {
  dependencies[peer] = installed(peer)
}
writeFileSync(
  path.join(work, 'package.json'),
  JSON.stringify({ name: 'secret-store-consumer', private: true, type: 'module', dependencies }, null, 2),
)
NODE

# What the consumer checks.
mkdir -p "$work/src"
cat >"$work/esm.mjs" <<'JS'
import assert from 'node:assert/strict'
const expected = {
  '@secret-store/core': ['SecretStoreBaseClass', 'DefaultSecretStore', 'bindSecrets', 'withSecrets', 'ConfigurationError'],
  '@secret-store/core/adapter': ['splitStoreOptions', 'checkOptionKeys', 'raceAbort', 'classifyTransport'],
  '@secret-store/testkit': ['registerContractSuite', 'LeakDetector', 'startFaultProxy'],
  '@secret-store/aws': ['AWSSecretStore'],
  '@secret-store/azure': ['AzureSecretStore'],
  '@secret-store/gcp': ['GCPSecretStore', 'GoogleSecretStore'],
  '@secret-store/vault': ['VaultSecretStore'],
  '@secret-store/infisical': ['InfisicalSecretStore'],
  '@secret-store/dapr': ['DaprSecretStore'],
  '@secret-store/cli': ['main', 'defineConfig', 'DotenvSecretStore'],
}
for (const [specifier, names] of Object.entries(expected)) {
  const module = await import(specifier)
  for (const name of names) assert.equal(typeof module[name], 'function', `${specifier} exports ${name}`)
}
const { DefaultSecretStore, bindSecrets } = await import('@secret-store/core')
process.removeAllListeners('warning')
const store = new DefaultSecretStore({ config: { paymentApiKey: 'dev-key-only' } })
const view = bindSecrets(store, { names: ['paymentApiKey'] })
assert.deepEqual(await view.getSecret('paymentApiKey'), { paymentApiKey: 'dev-key-only' })
// One copy of each class across the two entries (errors are compared with instanceof).
const core = await import('@secret-store/core')
const adapter = await import('@secret-store/core/adapter')
assert.equal(Object.getPrototypeOf(core.SecretStoreBaseClass), adapter.SecretStoreHooks)
console.log('ESM import: ok')
JS
cat >"$work/cjs.cjs" <<'JS'
const assert = require('node:assert/strict')
for (const [specifier, name] of [
  ['@secret-store/core', 'SecretStoreBaseClass'],
  ['@secret-store/core/adapter', 'splitStoreOptions'],
  ['@secret-store/aws', 'AWSSecretStore'],
  ['@secret-store/azure', 'AzureSecretStore'],
  ['@secret-store/gcp', 'GoogleSecretStore'],
  ['@secret-store/vault', 'VaultSecretStore'],
  ['@secret-store/infisical', 'InfisicalSecretStore'],
  ['@secret-store/dapr', 'DaprSecretStore'],
]) {
  assert.equal(typeof require(specifier)[name], 'function', `${specifier} exports ${name}`)
}
const pkg = require('@secret-store/testkit/package.json')
assert.equal(pkg.exports['.'].require, undefined, 'testkit is ESM only')
console.log('CommonJS require: ok')
JS
# The handbook's samples, verbatim but for the import; the service and event bridge they use are declared.
cat >"$work/src/globals.d.ts" <<'TS'
import type { SecretStore } from '@secret-store/core'
declare global {
  const eventBridge: unknown
  const userServiceV1Service: {
    getInstance(eventBridge: unknown, options: { secretStore: SecretStore }): Promise<{ start(): Promise<void> }>
  }
}
TS
cat >"$work/src/main.ts" <<'TS'
import { AWSSecretStore } from '@secret-store/aws'

const secretStore = new AWSSecretStore({ region: 'us-east-1' })

const userService = await userServiceV1Service.getInstance(eventBridge, {
  secretStore,
})
await userService.start()
TS
cat >"$work/src/vault.ts" <<'TS'
import { VaultSecretStore } from '@secret-store/vault'

const secretStore = new VaultSecretStore({
  endpoint: 'http://vault:8200',
  token: process.env.VAULT_TOKEN,
  mount: 'secret',
})
TS
# Options straight from the environment, as users pass them, and the typed reads.
cat >"$work/src/options.ts" <<'TS'
import { AWSSecretStore } from '@secret-store/aws'
import { AzureSecretStore } from '@secret-store/azure'
import { bindSecrets, type SecretStore } from '@secret-store/core'
import { DaprSecretStore } from '@secret-store/dapr'
import { GCPSecretStore, GoogleSecretStore } from '@secret-store/gcp'
import { InfisicalSecretStore } from '@secret-store/infisical'
import { VaultSecretStore } from '@secret-store/vault'
import type { StandardSchemaV1 } from '@standard-schema/spec'

const env = process.env
export const stores: SecretStore[] = [
  new AWSSecretStore({ region: env.AWS_REGION, versionStage: env.SECRET_STAGE }),
  new AzureSecretStore({ vaultUrl: env.KEY_VAULT_URL ?? 'https://x.vault.azure.net' }),
  new GCPSecretStore({ projectId: env.GCP_PROJECT ?? 'p', location: env.GCP_LOCATION }),
  new GoogleSecretStore({ project: `projects/${env.GCP_PROJECT ?? 'p'}` }),
  new VaultSecretStore({ endpoint: env.VAULT_ADDR, token: env.VAULT_TOKEN, namespace: env.VAULT_NAMESPACE }),
  new InfisicalSecretStore({
    projectId: env.INFISICAL_PROJECT_ID ?? '',
    environment: 'prod',
    siteUrl: env.INFISICAL_SITE_URL,
    accessToken: env.INFISICAL_TOKEN ?? '',
  }),
  new DaprSecretStore({ secretStoreName: env.DAPR_STORE, daprHost: env.DAPR_HOST, apiToken: env.DAPR_API_TOKEN }),
]
// Any Standard Schema validator types the result (zod, valibot and arktype declare it the same way).
const portSchema: StandardSchemaV1<unknown, number> = {
  '~standard': { version: 1, vendor: 'consumer', validate: (value) => ({ value: Number(value) }) },
}
const view = bindSecrets(stores[0] as SecretStore, { tenant: 'acme' })
export const port: Promise<number | undefined> = view.getSecretJson('db', { schema: portSchema })
TS
for config in nodenext bundler; do
  if [ "$config" = nodenext ]; then resolution='"module": "NodeNext", "moduleResolution": "NodeNext"'; else resolution='"module": "ESNext", "moduleResolution": "Bundler"'; fi
  cat >"$work/tsconfig.$config.json" <<JSON
{
  "compilerOptions": {
    $resolution,
    "target": "ES2023",
    "strict": true,
    "exactOptionalPropertyTypes": true,
    "noEmit": true,
    "skipLibCheck": true,
    "types": ["node"]
  },
  "include": ["src"]
}
JSON
done

npm_cli="$(npm root -g)/npm/bin/npm-cli.js"
[ -f "$npm_cli" ] || die "npm's CLI was not found at $npm_cli"
for line in "${lines[@]}"; do
  node_bin="$(bash scripts/node.sh "$line")"
  say "Node $("$node_bin" --version): npm install of the tarballs"
  rm -rf "$work/node_modules" "$work/package-lock.json"
  (cd "$work" && "$node_bin" "$npm_cli" install --no-audit --no-fund --loglevel=error >/dev/null)
  (cd "$work" && "$node_bin" esm.mjs && "$node_bin" cjs.cjs)
  # The installed `secret-store` binary, on a .env source: exists, and the value only with --reveal.
  (
    cd "$work"
    export PATH="$(dirname "$node_bin"):$PATH"
    printf 'SMOKE_KEY=smoke-value\n' >.env
    printf '{ "stores": { "env": { "adapter": "dotenv", "path": ".env" } } }\n' >secret-store.config.json
    [ "$(node_modules/.bin/secret-store get SMOKE_KEY)" = 'SMOKE_KEY  exists' ] &&
      [ "$(node_modules/.bin/secret-store get SMOKE_KEY --reveal)" = 'smoke-value' ]
  ) || die "the secret-store binary failed on Node $line"
  say "Node $line: secret-store binary: ok"
  for config in nodenext bundler; do
    (cd "$work" && "$node_bin" node_modules/typescript/bin/tsc -p "tsconfig.$config.json") ||
      die "TypeScript ($config, strict, exactOptionalPropertyTypes) failed on Node $line"
    say "Node $line: TypeScript $config: ok"
  done
done
say "passed on Node ${lines[*]}"
