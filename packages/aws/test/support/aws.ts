/**
 * Helpers for tests against moto: client options, the raw-client back door, and SDK middleware that
 * records commands or makes moto behave like AWS where the two differ.
 */
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceNotFoundException,
  RestoreSecretCommand,
  type SecretsManagerClient,
  type SecretsManagerClientConfig,
  SecretsManagerServiceException,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-secrets-manager'
import { acceptedName, type BrownfieldName, type ContractBackdoor } from '@secret-store/testkit'
import { awsSecretId } from '../../src/names.js'

/** The SecretId the store sends for `name`. */
export const awsId = (name: string): string => acceptedName(awsSecretId(name))

/** Client options for a moto server at `endpoint`. */
export const motoClientConfig = (endpoint: string): SecretsManagerClientConfig => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
})

type Input = ServiceInputTypes
type Output = ServiceOutputTypes
// The SDK's initialize-step middleware shape, spelled out to avoid a dependency on its types package.
type Handler = (args: { input: Input }) => Promise<{ output: Output; response: unknown }>
type Middleware = (next: Handler, context: { commandName?: string }) => Handler

/** Command name without the `Command` suffix, e.g. `GetSecretValue`. */
const commandOf = (commandName: string | undefined): string => (commandName ?? 'unknown').replace(/Command$/, '')

/** A secret's state seen through the raw client: its `DeletedDate`, or `'missing'`. */
export async function describe(raw: SecretsManagerClient, awsName: string): Promise<'missing' | 'active' | 'deleted'> {
  try {
    const output = await raw.send(new DescribeSecretCommand({ SecretId: awsName }))
    return output.DeletedDate === undefined ? 'active' : 'deleted'
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return 'missing'
    throw err
  }
}

/**
 * The contract suite's back door on the raw SDK client. It takes the names the store is given and
 * applies the adapter's name mapping itself (only the tenant form changes).
 */
export function createBackdoor(
  raw: SecretsManagerClient,
): Omit<Required<ContractBackdoor>, 'requestStats' | 'resetRequestStats'> {
  return {
    async get(name) {
      try {
        const output = await raw.send(new GetSecretValueCommand({ SecretId: awsId(name) }))
        return output.SecretString
      } catch (err) {
        // Missing, or scheduled for deletion.
        if (err instanceof ResourceNotFoundException || err instanceof InvalidRequestException) return undefined
        throw err
      }
    },
    async set(name, value) {
      const id = awsId(name)
      const state = await describe(raw, id)
      if (state === 'missing') {
        await raw.send(new CreateSecretCommand({ Name: id, SecretString: value }))
        return
      }
      if (state === 'deleted') await raw.send(new RestoreSecretCommand({ SecretId: id }))
      await raw.send(new PutSecretValueCommand({ SecretId: id, SecretString: value }))
    },
    async remove(name) {
      try {
        await raw.send(new DeleteSecretCommand({ SecretId: awsId(name), ForceDeleteWithoutRecovery: true }))
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err
      }
    },
    async isRecoverable(name) {
      return (await describe(raw, awsId(name))) === 'deleted'
    },
  }
}

export interface CommandLog {
  /** Every command sent, in order, without the `Command` suffix (`GetSecretValue`, ...). */
  readonly sent: string[]
  /** The input of every command sent, in the same order. */
  readonly inputs: Array<{ command: string; input: Record<string, unknown> }>
  /** How many `command` requests were sent. */
  count(command: string): number
  /** The most requests that were in flight at the same time. */
  readonly maxInFlight: number
  clear(): void
}

/** Records every command the client sends. Runs first, so it also sees requests other middleware rejects. */
export function recordCommands(client: SecretsManagerClient): CommandLog {
  const sent: string[] = []
  const inputs: Array<{ command: string; input: Record<string, unknown> }> = []
  let inFlight = 0
  let maxInFlight = 0
  const middleware: Middleware = (next, context) => async (args) => {
    const command = commandOf(context.commandName)
    sent.push(command)
    inputs.push({ command, input: { ...(args.input as Record<string, unknown>) } })
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    try {
      return await next(args)
    } finally {
      inFlight--
    }
  }
  client.middlewareStack.add(middleware, { step: 'initialize', priority: 'high', name: 'recordCommands' })
  return {
    sent,
    inputs,
    count: (command) => sent.filter((c) => c === command).length,
    get maxInFlight() {
      return maxInFlight
    },
    clear() {
      sent.length = 0
      inputs.length = 0
      maxInFlight = 0
    },
  }
}

/** AWS's error for a principal without permission for an action (moto cannot produce it). */
export const accessDenied = (action: string) =>
  new SecretsManagerServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: `User: arn:aws:iam::123456789012:user/test is not authorized to perform: secretsmanager:${action}`,
  })

/** Makes the client fail `command` with AccessDeniedException, as for a principal lacking that permission. */
export function denyCommand(client: SecretsManagerClient, command: string): void {
  const middleware: Middleware = (next, context) => async (args) => {
    if (commandOf(context.commandName) === command) throw accessDenied(command)
    return next(args)
  }
  client.middlewareStack.add(middleware, { step: 'initialize', priority: 'low', name: `deny${command}` })
}

/** Runs `hook` before the first (only the first) `command` the client sends, e.g. to stage a race. */
export function beforeFirst(
  client: SecretsManagerClient,
  command: string,
  hook: (input: Input) => Promise<void>,
): void {
  let done = false
  const middleware: Middleware = (next, context) => async (args) => {
    if (!done && commandOf(context.commandName) === command) {
      done = true
      await hook(args.input)
    }
    return next(args)
  }
  // High priority: the staged change must land before middleware that inspects the backend (AWS rules).
  client.middlewareStack.add(middleware, { step: 'initialize', priority: 'high', name: `beforeFirst${command}` })
}

// AWS's wording; moto's differs ("...a secret that's currently marked deleted").
const AWS_MARKED_FOR_DELETION = "You can't perform this operation on the secret because it was marked for deletion."
const AWS_CREATE_SCHEDULED =
  "You can't create this secret because a secret with this name is already scheduled for deletion."

const invalidRequest = (message: string) => new InvalidRequestException({ message, $metadata: { httpStatusCode: 400 } })

/**
 * Makes moto follow AWS where it is laxer or words things differently: PutSecretValue on a secret
 * scheduled for deletion fails, CreateSecret of such a name fails with InvalidRequestException (moto:
 * ResourceExistsException), and deletion errors carry AWS's message. `raw` checks the state.
 */
export function emulateAwsDeletionRules(client: SecretsManagerClient, raw: SecretsManagerClient): void {
  const middleware: Middleware = (next, context) => async (args) => {
    const command = commandOf(context.commandName)
    const input = args.input as { SecretId?: string; Name?: string }
    if (command === 'PutSecretValue' && input.SecretId !== undefined) {
      if ((await describe(raw, input.SecretId)) === 'deleted') throw invalidRequest(AWS_MARKED_FOR_DELETION)
    }
    if (command === 'CreateSecret' && input.Name !== undefined) {
      if ((await describe(raw, input.Name)) === 'deleted') throw invalidRequest(AWS_CREATE_SCHEDULED)
    }
    try {
      return await next(args)
    } catch (err) {
      if (err instanceof InvalidRequestException && /marked deleted/.test(err.message)) {
        throw invalidRequest(AWS_MARKED_FOR_DELETION)
      }
      throw err
    }
  }
  client.middlewareStack.add(middleware, { step: 'initialize', priority: 'low', name: 'emulateAwsDeletionRules' })
}

/**
 * A fake backend for error-mapping tests: answers each command from `script` (return an output or
 * throw), and fails any command the script does not cover, so nothing reaches the network.
 */
export function scriptBackend(
  client: SecretsManagerClient,
  script: Partial<Record<string, (input: Input) => Promise<object> | object>>,
): void {
  const middleware: Middleware = (_next, context) => async (args) => {
    const command = commandOf(context.commandName)
    const answer = script[command]
    if (answer === undefined) throw new Error(`unexpected command ${command}`)
    const output = { $metadata: {}, ...(await answer(args.input)) } as Output
    return { output, response: undefined }
  }
  client.middlewareStack.add(middleware, { step: 'initialize', priority: 'low', name: 'scriptBackend' })
}

/**
 * Whether a request through the fault proxy is a read: of secret values (`GetSecretValue`,
 * `BatchGetSecretValue`) or of names (`ListSecrets`, which `listSecretNames` runs as a read).
 */
export const isAwsRead = (request: { headers: Record<string, unknown> }): boolean =>
  /^secretsmanager\.((Batch)?GetSecretValue|ListSecrets)$/.test(String(request.headers['x-amz-target'] ?? ''))

/** Whether a request writes a value (`PutSecretValue`, `CreateSecret`), not a restore or delete step. */
export const isAwsValueWrite = (request: { headers: Record<string, unknown> }): boolean =>
  /^secretsmanager\.(PutSecretValue|CreateSecret)$/.test(String(request.headers['x-amz-target'] ?? ''))

/** Names as AWS users write them, for the contract suite's brownfield section. */
export function awsBrownfieldNames(raw: () => SecretsManagerClient): Array<string | BrownfieldName> {
  return [
    '/prod/app/db-password',
    'rds!db-1a2b3c',
    'svc@example',
    'prod/payments/api_key+v2=x.y',
    '__proto__',
    {
      label: 'a full secret ARN',
      async create(value) {
        const name = `brownfield/arn-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
        const output = await raw().send(new CreateSecretCommand({ Name: name, SecretString: value }))
        if (output.ARN === undefined) throw new Error('CreateSecret returned no ARN')
        return output.ARN
      },
    },
  ]
}

/** Names that pass core's safety rule but not AWS's. */
export const AWS_INVALID_NAMES = ['a b', 'a:b', 'x'.repeat(513), 'ünïcode', 'tenant:acme:', 'a#b']
