/**
 * The CLI walkthrough's backends: moto (AWS Secrets Manager) and an OpenBao dev server (Vault) on free
 * loopback ports, a few demo secrets in AWS, and `.local/secret-store.config.json` describing them.
 * Runs until Ctrl-C (or, with --once, prints the config path and keeps running until stdin closes).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { motoClientConfig } from '../../aws/test/support/aws.js'
import { startMoto } from '../../aws/test/support/moto.js'
import { startOpenBao } from '../../vault/test/support/openbao.js'
import { createPolicy, createToken, rawClient } from '../../vault/test/support/vault.js'

const dir = fileURLToPath(new URL('../../../.local/', import.meta.url))
const [moto, bao] = await Promise.all([startMoto(), startOpenBao()])
const stop = async () => {
  await Promise.allSettled([moto.stop(), bao.stop()])
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)

const aws = new SecretsManagerClient(motoClientConfig(moto.endpoint))
for (const [name, value] of Object.entries({
  'demo/db-password': 'correct horse battery staple',
  'demo/stripe-api-key': 'sk_test_walkthrough',
  'demo/jwt-signing-key': 'walkthrough-signing-key',
})) {
  await aws.send(new CreateSecretCommand({ Name: name, SecretString: value }))
}
aws.destroy()

// A token whose policy reads secrets but was never given `list`: `check` finds it and prints the fix.
const admin = rawClient(bao.endpoint, bao.rootToken)
await createPolicy(admin, 'read-only-no-list', 'path "secret/data/*" { capabilities = ["read"] }')
const readToken = await createToken(admin, ['read-only-no-list'])

mkdirSync(dir, { recursive: true })
const awsOptions = { region: 'us-east-1', clientConfig: { endpoint: moto.endpoint } }
writeFileSync(
  `${dir}secret-store.config.json`,
  `${JSON.stringify(
    {
      defaultStore: 'aws',
      stores: {
        aws: { adapter: 'aws', options: awsOptions },
        vault: {
          adapter: 'vault',
          options: {
            endpoint: bao.endpoint,
            token: { $env: 'VAULT_TOKEN' },
            mount: 'secret',
            enableSet: true,
            enableRemove: true,
          },
        },
        'vault-reader': { adapter: 'vault', options: { endpoint: bao.endpoint, token: readToken, mount: 'secret' } },
      },
    },
    null,
    2,
  )}\n`,
)
writeFileSync(
  `${dir}env.sh`,
  `export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing VAULT_TOKEN=${bao.rootToken}\n`,
)
console.log(`moto at ${moto.endpoint}, OpenBao at ${bao.endpoint}`)
console.log(`config: ${dir}secret-store.config.json; credentials for this shell: source ${dir}env.sh`)
console.log('ready (Ctrl-C stops both)')
