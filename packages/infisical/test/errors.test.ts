import {
  AccessDeniedError,
  InvalidSecretValueError,
  type SecretStoreError,
  UnavailableError,
  UnknownSecretStoreError,
} from '@secret-store/core'
import { describe, expect, it } from 'vitest'
import {
  InfisicalAuthError,
  InfisicalHttpError,
  infisicalErrorBody,
  isFolderMissing,
  isMissing,
  isRejectedToken,
  mapInfisicalError,
  parseSdkError,
  type SdkFailure,
} from '../src/errors.js'
import { SDK_ERROR_MESSAGES, type SdkErrorCase } from './support/sdk-error-messages.js'

// The SDK's errors are rebuilt from the captured messages (its classes are not exported): name and message only.
const sdkError = (message: string, name = 'InfisicalSDKRequestError') => Object.assign(new Error(message), { name })
const context = { store: 'InfisicalSecretStore', operation: 'get' as const, secretName: 'DB_PASSWORD' }
const answer = (status: number, withMessage = true): SdkFailure => ({ kind: 'answer', status, withMessage })

// Every captured message, with what the parser must read from it. Adding a fixture without a line here fails to compile.
const EXPECTED: Record<SdkErrorCase, SdkFailure> = {
  notFound: answer(404),
  updateNotFound: answer(404),
  deleteNotFound: answer(404),
  folderNotFound: answer(404),
  listFolderNotFound: answer(404),
  createFolderNotFound: answer(404),
  projectNotFound: answer(404),
  alreadyExists: answer(400),
  renameConflict: answer(400),
  unauthenticated: answer(401),
  forbidden: answer(403),
  forbiddenEdit: answer(403),
  tokenExpired: answer(403),
  loginWithExpiredToken: answer(403),
  tokenMalformed: answer(403),
  tokenRevoked: answer(401),
  invalidCredentials: answer(401),
  lockedOut: answer(401),
  renewPastMaxTtl: answer(401),
  noTokenToRenew: { kind: 'other' },
  validation: answer(422, false),
  serverError: answer(500),
  rateLimited: answer(429),
  network: { kind: 'network' },
  timeout: { kind: 'timeout' },
}

describe('parseSdkError, on the messages @infisical/sdk 5.0.2 threw against the fake', () => {
  for (const [label, message] of Object.entries(SDK_ERROR_MESSAGES)) {
    it(`reads ${label}`, () => {
      expect(parseSdkError(sdkError(message))).toEqual(EXPECTED[label as SdkErrorCase])
    })
  }

  it('takes the status from the head of the message, not from names, paths or the server text', () => {
    const odd =
      "[URL=https://app.infisical.com/api/v3/secrets/raw/x%5D%20%5BStatusCode%3D200%5D?secretPath=%2Fa%5D] [Method=GET] [StatusCode=404] Folder with path '/a] [StatusCode=500]' not found"
    expect(parseSdkError(sdkError(odd))).toEqual(answer(404))
    expect(parseSdkError(sdkError(`prefix ${SDK_ERROR_MESSAGES.notFound}`))).toEqual({ kind: 'other' })
    expect(parseSdkError(sdkError('Request failed with status 4040'))).toEqual({ kind: 'other' })
    expect(parseSdkError('fetch failed')).toEqual({ kind: 'other' })
    expect(parseSdkError(Object.assign(new Error('x'), { name: 'AbortError' }))).toEqual({ kind: 'timeout' })
  })
})

describe('universal auth failures', () => {
  const mapAuth = (label: SdkErrorCase, step: 'login' | 'renewal' = 'login') =>
    mapInfisicalError(new InfisicalAuthError(step, sdkError(SDK_ERROR_MESSAGES[label])), context)

  it('are access denied for refused credentials or a lockout, without the server text or URL', () => {
    for (const label of ['invalidCredentials', 'lockedOut', 'renewPastMaxTtl'] as const) {
      const error = mapAuth(label)
      expect(error).toBeInstanceOf(AccessDeniedError)
      expect(error.message).toContain('(401)')
      expect(error.message).not.toMatch(/Invalid credentials|temporarily locked|URL=|Max TTL|app\.infisical/)
    }
  })

  it('are unavailable when Infisical cannot be reached, times out, throttles or fails', () => {
    const cases: Array<[SdkErrorCase, RegExp]> = [
      ['network', /could not reach Infisical for the universal auth login \(fetch failed\)/],
      ['timeout', /did not answer the universal auth login in time/],
      ['rateLimited', /answered the universal auth login with 429/],
      ['serverError', /with 500/],
    ]
    for (const [label, message] of cases) {
      const error = mapAuth(label)
      expect(error, label).toBeInstanceOf(UnavailableError)
      expect(error.retryable).toBe(true)
      expect(error.message).toMatch(message)
    }
  })

  it('are unknown for a request Infisical found invalid, and keep only a sanitized cause', () => {
    const error = mapAuth('validation')
    expect(error).toBeInstanceOf(UnknownSecretStoreError)
    expect(error.message).toContain('(422)')
    const cause = error.cause as Error & { cause?: Error }
    expect(cause.name).toBe('InfisicalAuthError')
    expect(cause.cause?.name).toBe('InfisicalSDKRequestError')
    expect(cause.cause?.message).toBe('')
  })
})

/** An answer to the store's own fetch. */
function httpError(status: number, body?: unknown, headers: Record<string, string> = {}): InfisicalHttpError {
  return new InfisicalHttpError(status, new Headers(headers), infisicalErrorBody(body, status))
}
const infisicalBody = (status: number, error: string, message: unknown) => ({
  reqId: 'req-abc',
  statusCode: status,
  message,
  error,
})

describe("the store's own requests", () => {
  it("know Infisical's error body by its shape and status", () => {
    expect(infisicalErrorBody(infisicalBody(404, 'NotFound', 'Secret not found'), 404)).toBeDefined()
    expect(infisicalErrorBody(infisicalBody(422, 'ValidationFailure', [{ path: ['x'] }]), 422)).toBeDefined()
    // Fastify's own route-not-found answer has no reqId; a proxy may say anything.
    expect(infisicalErrorBody({ message: 'Route GET:/x not found', error: 'Not Found', statusCode: 404 }, 404)).toBe(
      undefined,
    )
    expect(infisicalErrorBody(infisicalBody(404, 'NotFound', 'x'), 502)).toBeUndefined()
    expect(infisicalErrorBody('<html>404</html>', 404)).toBeUndefined()
  })

  it('read only Infisical\'s 404 for a secret or folder as "missing"', () => {
    expect(isMissing(httpError(404, infisicalBody(404, 'NotFound', "Secret with name 'A' not found")))).toBe(true)
    const folder = httpError(404, infisicalBody(404, 'GetSecretByName', "Folder with path '/a' in environment ..."))
    expect([isMissing(folder), isFolderMissing(folder)]).toEqual([true, true])
    expect(isFolderMissing(httpError(404, infisicalBody(404, 'NotFound', 'Secret not found')))).toBe(false)
    expect(isMissing(httpError(404, infisicalBody(404, 'NotFound', 'Project with x not found')))).toBe(false)
    expect(isMissing(httpError(404, infisicalBody(404, 'NotFound', "Environment with slug 'qa' not found")))).toBe(
      false,
    )
    expect(isMissing(httpError(404, { message: 'Route GET:/x not found', error: 'Not Found', statusCode: 404 }))).toBe(
      false,
    )
    expect(isMissing(httpError(404))).toBe(false)
    expect(isMissing(new Error('404'))).toBe(false)
  })

  it('tell a rejected token (401, 403 TokenError) from a denial by the role (403 PermissionDenied)', () => {
    expect(isRejectedToken(httpError(401, infisicalBody(401, 'UnauthorizedError', 'x')))).toBe(true)
    expect(isRejectedToken(httpError(403, infisicalBody(403, 'TokenError', 'x')))).toBe(true)
    expect(isRejectedToken(httpError(403, infisicalBody(403, 'PermissionDenied', 'x')))).toBe(false)
    expect(isRejectedToken(httpError(401))).toBe(false)
  })

  const map = (error: unknown): SecretStoreError => mapInfisicalError(error, context)

  it("map Infisical's own answers, with its error name and never its text", () => {
    const denied = map(httpError(403, infisicalBody(403, 'PermissionDenied', 'You are not allowed to readValue')))
    expect(denied).toBeInstanceOf(AccessDeniedError)
    expect(denied.message).toBe('access denied to "DB_PASSWORD": Infisical answered 403 PermissionDenied')
    const value = map(httpError(422, infisicalBody(422, 'ValidationFailure', [{ path: ['secretValue'], code: 'x' }])))
    expect(value).toBeInstanceOf(InvalidSecretValueError)
    expect(map(httpError(422, infisicalBody(422, 'ValidationFailure', [{ path: ['tagIds'] }])))).toBeInstanceOf(
      UnknownSecretStoreError,
    )
    const project = map(httpError(404, infisicalBody(404, 'NotFound', 'Project with secret-project-x not found')))
    expect(project).toBeInstanceOf(UnknownSecretStoreError)
    expect(project.message).not.toContain('secret-project-x')
    const conflict = map(httpError(400, infisicalBody(400, 'BadRequest', 'Secret with the new name already exists')))
    expect(conflict).toBeInstanceOf(UnknownSecretStoreError)
    expect(conflict.message).toBe('secret store error: Infisical request failed (400 BadRequest)')
    // An error name that is not an identifier is left out.
    expect(map(httpError(400, infisicalBody(400, 'Bad <b>thing</b>', 'x'))).message).toContain('(400)')
  })

  it('map throttling and server failures as unavailable, with Retry-After', () => {
    const throttled = map(httpError(429, infisicalBody(429, 'RateLimitExceeded', 'x'), { 'retry-after': '60' }))
    expect(throttled).toBeInstanceOf(UnavailableError)
    expect((throttled as UnavailableError).retryAfterMs).toBe(60_000)
    const gateway = map(httpError(502, '<html>Bad Gateway</html>'))
    expect(gateway).toBeInstanceOf(UnavailableError)
    expect(gateway.message).toContain('Infisical answered 502')
  })

  it("map answers that are not Infisical's as unavailable, never as missing or denied", () => {
    for (const error of [
      httpError(404, '<html>Not Found</html>'),
      httpError(404, { message: 'Route GET:/x not found', error: 'Not Found', statusCode: 404 }),
      httpError(403, '<html>Forbidden by proxy</html>'),
      new InfisicalHttpError(200, new Headers(), undefined, 'an empty body'),
    ]) {
      const mapped = map(error)
      expect(mapped).toBeInstanceOf(UnavailableError)
      expect(mapped.message).toContain("that is not Infisical's")
    }
  })

  it('map transport failures through core, with a sanitized cause', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    })
    const error = map(refused)
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error.message).toContain('ECONNREFUSED')
    const cause = map(httpError(403, infisicalBody(403, 'PermissionDenied', 'text'))).cause as Error & {
      status?: number
      body?: unknown
    }
    expect(cause.status).toBe(403)
    expect(cause.body).toBeUndefined()
  })
})
