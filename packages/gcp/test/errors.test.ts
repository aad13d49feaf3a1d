import {
  AccessDeniedError,
  ConfigurationError,
  type SecretStoreError,
  UnavailableError,
  UnknownSecretStoreError,
} from '@secret-store/core'
import { describe, expect, it } from 'vitest'
import { GRPC_STATUS, mapSecretManagerError } from '../src/index.js'

// Errors shaped as the client rejects with them (google-gax GoogleError / grpc-js ServiceError):
// `code`, `details`, and a message that repeats Secret Manager's text. That text must never reach ours.
const BACKEND_TEXT = 'Secret [projects/p/secrets/leaky-name-4f2a] says: the-value-is-hunter2'

function grpcError(code: number, details = BACKEND_TEXT, extra: object = {}): Error {
  const error = Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {}, ...extra })
  error.name = 'Error'
  return error
}

const context = { store: 'GCPSecretStore', operation: 'get' as const, secretName: 'projects/p/secrets/s' }
const map = (error: unknown, extra: object = {}) => mapSecretManagerError(error, { ...context, ...extra })

function expectClean(error: SecretStoreError): void {
  const shown = `${error.message} ${JSON.stringify(error)} ${String((error.cause as Error | undefined)?.message)}`
  expect(shown).not.toContain('hunter2')
  expect(shown).not.toContain('leaky-name')
}

describe('mapSecretManagerError', () => {
  it.each([
    ['PERMISSION_DENIED', GRPC_STATUS.PERMISSION_DENIED, AccessDeniedError, false],
    ['UNAUTHENTICATED', GRPC_STATUS.UNAUTHENTICATED, AccessDeniedError, false],
    ['UNAVAILABLE', GRPC_STATUS.UNAVAILABLE, UnavailableError, true],
    ['DEADLINE_EXCEEDED', GRPC_STATUS.DEADLINE_EXCEEDED, UnavailableError, true],
    ['RESOURCE_EXHAUSTED', GRPC_STATUS.RESOURCE_EXHAUSTED, UnavailableError, true],
    ['INTERNAL', GRPC_STATUS.INTERNAL, UnavailableError, true],
    ['ABORTED', GRPC_STATUS.ABORTED, UnavailableError, true],
    ['CANCELLED', GRPC_STATUS.CANCELLED, UnavailableError, true],
    ['NOT_FOUND', GRPC_STATUS.NOT_FOUND, UnknownSecretStoreError, false],
    ['ALREADY_EXISTS', GRPC_STATUS.ALREADY_EXISTS, UnknownSecretStoreError, false],
    ['FAILED_PRECONDITION', GRPC_STATUS.FAILED_PRECONDITION, UnknownSecretStoreError, false],
    ['INVALID_ARGUMENT', GRPC_STATUS.INVALID_ARGUMENT, UnknownSecretStoreError, false],
    ['UNKNOWN', GRPC_STATUS.UNKNOWN, UnknownSecretStoreError, false],
    ['UNIMPLEMENTED', GRPC_STATUS.UNIMPLEMENTED, UnknownSecretStoreError, false],
  ] as const)('%s (%i) is %O, retryable %s, and says only its status', (name, code, Class, retryable) => {
    const error = map(grpcError(code))
    expect(error).toBeInstanceOf(Class)
    expect(error.retryable).toBe(retryable)
    expect(error.message).toContain(`${name} ${code}`)
    expect(error).toMatchObject(context)
    expectClean(error)
    // The cause is a sanitized copy: the code survives, the text does not.
    expect(error.cause).toBeInstanceOf(Error)
    expect((error.cause as { code?: unknown }).code).toBe(code)
  })

  it('names the endpoint for UNIMPLEMENTED, and the secret for a NOT_FOUND outside the reads', () => {
    expect(map(grpcError(12)).message).toContain('check apiEndpoint')
    expect(map(grpcError(5), { operation: 'set' }).message).toBe(
      'secret store error: Secret Manager request failed (NOT_FOUND 5)',
    )
  })

  it("reports a plain HTTP answer of a proxy (grpc-js's own text) as unavailable, whatever code grpc-js gave it", () => {
    for (const [code, status] of [
      [GRPC_STATUS.UNKNOWN, 500],
      [GRPC_STATUS.UNIMPLEMENTED, 404],
      [GRPC_STATUS.UNAVAILABLE, 502],
      [GRPC_STATUS.PERMISSION_DENIED, 403],
      [GRPC_STATUS.INTERNAL, 400],
    ] as const) {
      const error = map(grpcError(code, `Received HTTP status code ${status}`))
      expect(error, String(status)).toBeInstanceOf(UnavailableError)
      expect(error.message).toContain(`HTTP ${status}`)
    }
    // Only grpc-js's exact text counts: Secret Manager quoting a status is still Secret Manager.
    expect(map(grpcError(13, 'Received HTTP status code 500 from the KMS'))).toBeInstanceOf(UnavailableError)
    expect(map(grpcError(2, 'Received HTTP status code 500 from the KMS'))).toBeInstanceOf(UnknownSecretStoreError)
  })

  it('reports missing Application Default Credentials as a configuration error', () => {
    const error = map(
      grpcError(2, 'Getting metadata from plugin failed with error: Could not load the default credentials'),
    )
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message).toContain('no Google credentials were found (Application Default Credentials)')
  })

  it('reports a credential that produced no token (grpc-js: UNKNOWN, its own text) as unavailable', () => {
    const error = map(grpcError(2, 'Getting metadata from plugin failed with error: metadata server timed out'))
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error.message).toBe(
      "secret backend unavailable: the client's credentials produced no token (UNKNOWN 2); check the credential setup if this persists",
    )
  })

  it('takes retryAfterMs from a RetryInfo status detail (seconds as a number, string or Long, nanos)', () => {
    const withDelay = (retryDelay: object) =>
      map(grpcError(8, 'Quota exceeded', { statusDetails: [{ reason: 'RATE_LIMIT' }, { retryDelay }] }))
    expect((withDelay({ seconds: 1, nanos: 500_000_000 }) as UnavailableError).retryAfterMs).toBe(1_500)
    expect((withDelay({ seconds: '30', nanos: 0 }) as UnavailableError).retryAfterMs).toBe(30_000)
    expect((withDelay({ seconds: { toString: () => '2' } }) as UnavailableError).retryAfterMs).toBe(2_000)
    expect((map(grpcError(14)) as UnavailableError).retryAfterMs).toBeUndefined()
  })

  it("classifies errors without a gRPC code through core's shared rules", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), {
      code: 'ECONNREFUSED',
      syscall: 'connect',
    })
    expect(map(refused)).toBeInstanceOf(UnavailableError)
    const tokenEndpoint = Object.assign(new Error('token endpoint said hunter2'), { status: 503 })
    expect(map(tokenEndpoint)).toBeInstanceOf(UnavailableError)
    const other = map(new TypeError('hunter2 is not a function'))
    expect(other).toBeInstanceOf(UnknownSecretStoreError)
    expect(other.message).toBe('secret store error: Secret Manager request failed (TypeError)')
    expectClean(other)
    // A code out of the gRPC range is not a gRPC status.
    expect(map(Object.assign(new Error('x'), { code: 99 }))).toBeInstanceOf(UnknownSecretStoreError)
  })

  it('keeps an error that is typed already', () => {
    const timeout = new UnavailableError('the backend did not answer within 100 ms', context)
    expect(map(timeout)).toBe(timeout)
  })

  it('scrubs the value being written from every message kept in the cause', () => {
    const value = 'the-written-value-7c1d'
    const system = Object.assign(new Error(`write EPIPE while sending ${value}`), { code: 'EPIPE', syscall: 'write' })
    const error = map(system, { operation: 'set', value })
    expect(error).toBeInstanceOf(UnavailableError)
    expect(String((error.cause as Error).message)).not.toContain(value)
    expect(String((error.cause as Error).message)).toContain('[redacted]')
  })
})
