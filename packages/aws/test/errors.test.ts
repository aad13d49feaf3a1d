/**
 * Error mapping for the cases moto cannot produce (access denied, throttling, server faults, KMS,
 * AWS's wording of deletion errors). The backend here is a fake: a real client whose commands are
 * answered by a script, so these are the only tests that do not talk to a real server.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { inspect } from 'node:util'
import {
  DecryptionFailure,
  InternalServiceError,
  InvalidParameterException,
  InvalidRequestException,
  LimitExceededException,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
  type ServiceInputTypes,
} from '@aws-sdk/client-secrets-manager'
import {
  AccessDeniedError,
  ConfigurationError,
  type SecretStoreError,
  UnavailableError,
  UnknownSecretStoreError,
} from '@secret-store/core'
import { rejectionOf } from '@secret-store/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { mapAwsError } from '../src/errors.js'
import { AWSSecretStore } from '../src/index.js'
import { accessDenied, recordCommands, scriptBackend } from './support/aws.js'

// Every fake AWS message below echoes this, as a worst case; no store error may repeat it.
const VALUE = 'echoed-secret-value-7f3a'
const meta = { httpStatusCode: 400 }
const deletionAws = () =>
  new InvalidRequestException({
    message: `You can't perform this operation on the secret because it was marked for deletion. ${VALUE}`,
    $metadata: meta,
  })
const notFound = () =>
  new ResourceNotFoundException({ message: `not found ${VALUE}`, $metadata: { httpStatusCode: 400 } })
const serviceError = (name: string, $fault: 'client' | 'server', httpStatusCode: number) =>
  new SecretsManagerServiceException({ name, $fault, $metadata: { httpStatusCode }, message: `${name} ${VALUE}` })
const networkError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:1 ${VALUE}`), { code })

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

type ErrorClass = abstract new (...args: never[]) => SecretStoreError

/** Checks the parts every mapped error shares and that nothing of the value shows. */
function expectTyped(error: unknown, type: ErrorClass, secretName: string | undefined): SecretStoreError {
  expect(error).toBeInstanceOf(type)
  const typed = error as SecretStoreError
  expect(typed.store).toBe('AWSSecretStore')
  expect(typed.secretName).toBe(secretName)
  expect(typed.message).not.toContain(VALUE)
  expect(JSON.stringify(typed)).not.toContain(VALUE)
  return typed
}

describe('mapAwsError', () => {
  const context = { store: 'AWSSecretStore', operation: 'get' as const, secretName: 'db/password' }
  const cases: Array<[string, unknown, ErrorClass, boolean]> = [
    ['AccessDeniedException', accessDenied('GetSecretValue'), AccessDeniedError, false],
    [
      'UnrecognizedClientException',
      serviceError('UnrecognizedClientException', 'client', 400),
      AccessDeniedError,
      false,
    ],
    ['ExpiredTokenException', serviceError('ExpiredTokenException', 'client', 400), AccessDeniedError, false],
    [
      'CredentialsProviderError',
      Object.assign(new Error(`no credentials ${VALUE}`), { name: 'CredentialsProviderError' }),
      ConfigurationError,
      false,
    ],
    ['a missing region', new Error('Region is missing'), ConfigurationError, false],
    ['DecryptionFailure', new DecryptionFailure({ message: VALUE, $metadata: meta }), AccessDeniedError, false],
    ['ThrottlingException', serviceError('ThrottlingException', 'client', 400), UnavailableError, true],
    ['TooManyRequestsException', serviceError('TooManyRequestsException', 'client', 429), UnavailableError, true],
    [
      'InternalServiceError',
      new InternalServiceError({ message: VALUE, $metadata: { httpStatusCode: 500 } }),
      UnavailableError,
      true,
    ],
    ['an unmodelled 503', serviceError('ServiceUnavailable', 'server', 503), UnavailableError, true],
    ['an unmodelled 502', serviceError('BadGateway', 'server', 502), UnavailableError, true],
    ['ECONNREFUSED', networkError('ECONNREFUSED'), UnavailableError, true],
    ['ECONNRESET', networkError('ECONNRESET'), UnavailableError, true],
    ['ENOTFOUND', networkError('ENOTFOUND'), UnavailableError, true],
    [
      'ECONNREFUSED inside an AggregateError',
      new AggregateError([networkError('ECONNREFUSED')], VALUE),
      UnavailableError,
      true,
    ],
    [
      'the SDK TimeoutError',
      Object.assign(new Error(`request timed out ${VALUE}`), { name: 'TimeoutError', code: 'ETIMEDOUT' }),
      UnavailableError,
      true,
    ],
    ['ResourceNotFoundException outside a read', notFound(), UnknownSecretStoreError, false],
    ['InvalidRequestException for a deleted secret', deletionAws(), UnknownSecretStoreError, false],
    [
      'InvalidParameterException',
      new InvalidParameterException({ message: VALUE, $metadata: meta }),
      UnknownSecretStoreError,
      false,
    ],
    [
      'LimitExceededException',
      new LimitExceededException({ message: VALUE, $metadata: meta }),
      UnknownSecretStoreError,
      false,
    ],
    ['a plain Error', new Error(VALUE), UnknownSecretStoreError, false],
    ['a thrown string', VALUE, UnknownSecretStoreError, false],
  ]

  it.each(cases)('maps %s', (_label, error, type, retryable) => {
    const mapped = expectTyped(mapAwsError(error, context), type, 'db/password')
    expect(mapped.retryable).toBe(retryable)
    expect(mapped.operation).toBe('get')
    // The cause is a sanitized copy: the error's name and code, never its message, request or response.
    expect((mapped.cause as Error).name).toBe(error instanceof Error ? error.name : 'NonError')
    expect(inspect(mapped.cause, { depth: 8, showHidden: true })).not.toContain(VALUE)
  })

  it('names the deletion state in the message', () => {
    expect(mapAwsError(deletionAws(), { ...context, operation: 'set' }).message).toMatch(/scheduled for deletion/)
    const denied = mapAwsError(accessDenied('RestoreSecret'), {
      ...context,
      operation: 'set',
      scheduledForDeletion: true,
    })
    expect(denied).toBeInstanceOf(AccessDeniedError)
    expect(denied.message).toMatch(/scheduled for deletion/)
  })

  it('passes on how long a throttled caller should wait', () => {
    // The SDK's deserializer attaches the HTTP response after constructing the exception.
    const throttled = Object.assign(serviceError('ThrottlingException', 'client', 400), {
      $response: { statusCode: 400, headers: { 'retry-after': '3', 'x-amzn-requestid': 'req-1' } },
    })
    const mapped = mapAwsError(throttled, context)
    expect(mapped).toBeInstanceOf(UnavailableError)
    expect((mapped as UnavailableError).retryAfterMs).toBe(3000)
  })

  it('takes an error answer without an AWS request id for something in between, never for AWS', () => {
    const page = Object.assign(serviceError('NotFound', 'client', 404), {
      $response: { statusCode: 404, headers: { 'content-type': 'text/html' } },
    })
    const mapped = mapAwsError(page, context)
    expect(mapped).toBeInstanceOf(UnavailableError)
    expect(mapped.message).toContain('not AWS Secrets Manager')
  })
})

type Script = Parameters<typeof scriptBackend>[1]
const fail = (error: unknown) => async (): Promise<object> => {
  throw error
}

/** A store on a real client whose commands the script answers; nothing reaches the network. */
function fakeStore(script: Script) {
  const client = new SecretsManagerClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  })
  const log = recordCommands(client)
  scriptBackend(client, script)
  const store = new AWSSecretStore({ client, enableSet: true, enableRemove: true, cache: false })
  cleanups.push(async () => {
    await store.destroy()
    client.destroy()
  })
  return { store, log }
}

describe('reads through a fake client', () => {
  it('answers not found and AWS-worded deletion errors with undefined', async () => {
    const { store } = fakeStore({
      GetSecretValue: (input) => {
        throw (input as { SecretId: string }).SecretId === 'gone' ? deletionAws() : notFound()
      },
    })
    expect(await store.getSecret('gone')).toEqual({ gone: undefined })
    expect(await store.getSecret('missing')).toEqual({ missing: undefined })
  })

  it('asks DescribeSecret when an InvalidRequestException is worded unexpectedly', async () => {
    const odd = () => new InvalidRequestException({ message: `something new ${VALUE}`, $metadata: meta })
    const deleted = fakeStore({ GetSecretValue: fail(odd()), DescribeSecret: () => ({ DeletedDate: new Date() }) })
    expect(await deleted.store.getSecret('a')).toEqual({ a: undefined })
    expect(deleted.log.sent).toEqual(['GetSecretValue', 'DescribeSecret'])

    const active = fakeStore({ GetSecretValue: fail(odd()), DescribeSecret: () => ({}) })
    expectTyped(await rejectionOf(active.store.getSecret('a')), UnknownSecretStoreError, 'a')
  })

  it.each([
    ['AccessDeniedException', accessDenied('GetSecretValue'), AccessDeniedError],
    ['ThrottlingException', serviceError('ThrottlingException', 'client', 400), UnavailableError],
    [
      'InternalServiceError',
      new InternalServiceError({ message: VALUE, $metadata: { httpStatusCode: 500 } }),
      UnavailableError,
    ],
  ])('maps %s on a single read, naming the secret', async (_label, error, type) => {
    const { store } = fakeStore({ GetSecretValue: fail(error) })
    expectTyped(await rejectionOf(store.getSecret('tenant:acme:key')), type, 'tenant/acme/key')
  })

  it.each([
    ['AccessDeniedException', AccessDeniedError, false],
    ['DecryptionFailure', AccessDeniedError, false],
    ['InternalServiceError', UnavailableError, true],
    ['SomethingNew', UnknownSecretStoreError, false],
  ])(
    'maps a per-secret %s in BatchGetSecretValue Errors[] to a typed error for that name',
    async (code, type, retryable) => {
      const { store } = fakeStore({
        BatchGetSecretValue: () => ({
          SecretValues: [{ Name: 'ok', SecretString: 'fine' }],
          Errors: [
            { SecretId: 'missing', ErrorCode: 'ResourceNotFoundException', Message: VALUE },
            { SecretId: 'tenant/deleted', ErrorCode: 'InvalidRequestException', Message: deletionAws().message },
            { SecretId: 'tenant/bad', ErrorCode: code, Message: VALUE },
          ],
        }),
      })
      const error = expectTyped(
        await rejectionOf(store.getSecret('ok', 'missing', 'tenant/deleted', 'tenant/bad')),
        type,
        'tenant/bad',
      )
      expect(error.retryable).toBe(retryable)
    },
  )

  it('reads undefined for missing and deleted names in Errors[], and asks for an unanswered name alone', async () => {
    const { store, log } = fakeStore({
      BatchGetSecretValue: () => ({
        SecretValues: [{ Name: 'tenant/ok', SecretBinary: new Uint8Array([104, 105]) }],
        Errors: [
          { SecretId: 'missing', ErrorCode: 'ResourceNotFoundException' },
          { SecretId: 'deleted', ErrorCode: 'InvalidRequestException', Message: deletionAws().message },
        ],
      }),
      GetSecretValue: () => ({ Name: 'forgotten', SecretString: 'asked-alone' }),
    })
    expect(await store.getSecret('tenant/ok', 'missing', 'deleted', 'forgotten')).toEqual({
      'tenant/ok': 'aGk=',
      missing: undefined,
      deleted: undefined,
      forgotten: 'asked-alone',
    })
    expect(log.sent).toEqual(['BatchGetSecretValue', 'GetSecretValue'])
  })

  it('maps a throttled batch request to a retryable UnavailableError', async () => {
    const { store } = fakeStore({ BatchGetSecretValue: fail(serviceError('ThrottlingException', 'client', 400)) })
    const error = expectTyped(await rejectionOf(store.getSecret('a', 'b')), UnavailableError, undefined)
    expect(error.retryable).toBe(true)
  })
})

describe('writes and removes through a fake client', () => {
  it('says the secret is scheduled for deletion when restoring it is denied', async () => {
    const { store, log } = fakeStore({
      DescribeSecret: () => ({ DeletedDate: new Date() }),
      RestoreSecret: fail(accessDenied('RestoreSecret')),
    })
    const error = expectTyped(await rejectionOf(store.setSecret('db', VALUE)), AccessDeniedError, 'db')
    expect(error.message).toMatch(/scheduled for deletion/)
    expect(log.sent).toEqual(['DescribeSecret', 'RestoreSecret'])
  })

  it('reports a name AWS has not released after a force delete as retryable', async () => {
    const scheduled = new InvalidRequestException({
      message: "You can't create this secret because a secret with this name is already scheduled for deletion.",
      $metadata: meta,
    })
    const { store, log } = fakeStore({
      DescribeSecret: fail(notFound()),
      CreateSecret: fail(scheduled),
      RestoreSecret: fail(notFound()),
    })
    const error = expectTyped(await rejectionOf(store.setSecret('db', VALUE)), UnavailableError, 'db')
    expect(error.retryable).toBe(true)
    expect(log.sent).toEqual(['DescribeSecret', 'CreateSecret', 'RestoreSecret', 'CreateSecret', 'RestoreSecret'])
  })

  it('never repeats the value, even when AWS echoes it', async () => {
    const { store } = fakeStore({
      DescribeSecret: () => ({}),
      PutSecretValue: fail(serviceError('ThrottlingException', 'client', 400)),
    })
    const error = expectTyped(await rejectionOf(store.setSecret('db', VALUE)), UnavailableError, 'db')
    expect(error.operation).toBe('set')
  })

  it('maps a denied DeleteSecret to AccessDeniedError', async () => {
    const { store } = fakeStore({ DeleteSecret: fail(accessDenied('DeleteSecret')) })
    const error = expectTyped(await rejectionOf(store.removeSecret('db')), AccessDeniedError, 'db')
    expect(error.operation).toBe('remove')
  })

  it('restores, then force-deletes, when AWS refuses to purge a secret scheduled for deletion', async () => {
    const deletes: ServiceInputTypes[] = []
    const { store, log } = fakeStore({
      DeleteSecret: (input) => {
        deletes.push(input)
        if (deletes.length === 1) throw deletionAws()
        return {}
      },
      RestoreSecret: () => ({}),
    })
    await store.removeSecret('db', { purge: true })
    expect(log.sent).toEqual(['DeleteSecret', 'RestoreSecret', 'DeleteSecret'])
    expect(deletes).toEqual([
      { SecretId: 'db', ForceDeleteWithoutRecovery: true },
      { SecretId: 'db', ForceDeleteWithoutRecovery: true },
    ])
  })
})

describe('network failures, for real', () => {
  const listen = (server: Server): Promise<number> =>
    new Promise((resolve) => {
      server.listen(0, '127.0.0.1', () => {
        const address = server.address()
        resolve(typeof address === 'object' && address ? address.port : 0)
      })
    })

  const storeAt = (port: number, requestHandler?: { requestTimeout: number; throwOnRequestTimeout: boolean }) => {
    const store = new AWSSecretStore({
      clientConfig: {
        region: 'us-east-1',
        endpoint: `http://127.0.0.1:${port}`,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
        maxAttempts: 1,
        ...(requestHandler === undefined ? {} : { requestHandler }),
      },
    })
    cleanups.push(() => store.destroy())
    return store
  }

  it('maps a refused connection to a retryable UnavailableError', async () => {
    const server = createServer()
    const port = await listen(server)
    await new Promise((resolve) => server.close(resolve))
    const error = expectTyped(await rejectionOf(storeAt(port).getSecret('db')), UnavailableError, 'db')
    expect(error.retryable).toBe(true)
    expect(error.message).toMatch(/ECONNREFUSED/)
  })

  it('maps a request timeout to a retryable UnavailableError', async () => {
    const sockets = new Set<Socket>()
    // Accepts connections and never answers.
    const server = createServer((socket) => sockets.add(socket))
    const port = await listen(server)
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy()
          server.close(() => resolve())
        }),
    )
    const store = storeAt(port, { requestTimeout: 100, throwOnRequestTimeout: true })
    const error = expectTyped(await rejectionOf(store.getSecret('db')), UnavailableError, 'db')
    expect(error.retryable).toBe(true)
    expect(error.message).toMatch(/did not answer in time/)
  })
})
