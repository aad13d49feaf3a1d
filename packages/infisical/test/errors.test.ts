import { inspect } from 'node:util'
import {
  AccessDeniedError,
  ConfigurationError,
  InvalidSecretValueError,
  type SecretStoreError,
  UnavailableError,
  UnknownSecretStoreError,
} from '@secret-store/core'
import { describe, expect, it } from 'vitest'
import {
  foreignAnswer,
  HiddenValueError,
  InfisicalCallError,
  isFolderMissing,
  isInfisicalStatus,
  isMissing,
  isRejectedToken,
  mapInfisicalError,
  parseSdkError,
  type SdkFailure,
  TrimmedValueError,
} from '../src/errors.js'
import { FAKE_PROJECT_ID } from './support/infisical-fake.js'
import { SDK_ERROR_MESSAGES, SDK_REQUEST_ERROR_PATTERN, type SdkErrorCase } from './support/sdk-error-messages.js'

// The SDK's errors are rebuilt from the captured messages (its classes are not exported): name and message only.
const sdkError = (label: SdkErrorCase) =>
  Object.assign(new Error(SDK_ERROR_MESSAGES[label]), {
    name: SDK_ERROR_MESSAGES[label].startsWith('[URL=') ? 'InfisicalSDKRequestError' : 'InfisicalSDKError',
  })
const request = (label: SdkErrorCase) => new InfisicalCallError('request', sdkError(label))
const context = { store: 'InfisicalSecretStore', operation: 'get' as const, secretName: 'DB_PASSWORD' }
const map = (error: unknown): SecretStoreError => mapInfisicalError(error, context)

/** The server's message of a `[StatusCode=N]` fixture. */
const serverText = (label: SdkErrorCase) => SDK_REQUEST_ERROR_PATTERN.exec(SDK_ERROR_MESSAGES[label])?.[4]
const answer = (status: number, label?: SdkErrorCase): SdkFailure => ({
  kind: 'answer',
  status,
  serverMessage: label === undefined ? undefined : serverText(label),
})
const statusless = (kind: 'network' | 'timeout' | 'other'): SdkFailure => ({
  kind,
  status: undefined,
  serverMessage: undefined,
})

// Every captured message, with what the parser must read from it. Adding a fixture without a line here fails to compile.
const EXPECTED: Record<SdkErrorCase, SdkFailure> = {
  notFound: answer(404, 'notFound'),
  updateNotFound: answer(404, 'updateNotFound'),
  deleteNotFound: answer(404, 'deleteNotFound'),
  folderNotFound: answer(404, 'folderNotFound'),
  listFolderNotFound: answer(404, 'listFolderNotFound'),
  createFolderNotFound: answer(404, 'createFolderNotFound'),
  projectNotFound: answer(404, 'projectNotFound'),
  alreadyExists: answer(400, 'alreadyExists'),
  renameConflict: answer(400, 'renameConflict'),
  unauthenticated: answer(401, 'unauthenticated'),
  forbidden: answer(403, 'forbidden'),
  forbiddenEdit: answer(403, 'forbiddenEdit'),
  tokenExpired: answer(403, 'tokenExpired'),
  loginWithExpiredToken: answer(403, 'loginWithExpiredToken'),
  tokenMalformed: answer(403, 'tokenMalformed'),
  tokenRevoked: answer(401, 'tokenRevoked'),
  invalidCredentials: answer(401, 'invalidCredentials'),
  lockedOut: answer(401, 'lockedOut'),
  renewPastMaxTtl: answer(401, 'renewPastMaxTtl'),
  noTokenToRenew: statusless('other'),
  validation: answer(422),
  serverError: answer(500, 'serverError'),
  rateLimited: answer(429, 'rateLimited'),
  network: statusless('network'),
  timeout: statusless('timeout'),
  htmlNotFound: answer(404),
  htmlForbidden: answer(403),
  badGateway: answer(502),
  emptyServerError: answer(500),
  routeNotFound: answer(404, 'routeNotFound'),
  emptySecretAnswer: statusless('other'),
  emptyFolderAnswer: statusless('other'),
  cutOff: statusless('other'),
}

describe('parseSdkError, on the messages @infisical/sdk 5.0.2 threw against the fake', () => {
  for (const label of Object.keys(SDK_ERROR_MESSAGES) as SdkErrorCase[]) {
    it(`reads ${label}`, () => {
      expect(parseSdkError(sdkError(label))).toEqual(EXPECTED[label])
    })
  }

  it('takes the status from the head of the message, not from names, paths or the server text', () => {
    const odd = Object.assign(
      new Error(
        "[URL=https://app.infisical.com/api/v3/secrets/raw/x%5D%20%5BStatusCode%3D200%5D?secretPath=%2Fa%5D] [Method=GET] [StatusCode=404] Folder with path '/a] [StatusCode=500]' not found",
      ),
    )
    expect(parseSdkError(odd)).toEqual({
      kind: 'answer',
      status: 404,
      serverMessage: "Folder with path '/a] [StatusCode=500]' not found",
    })
    expect(parseSdkError(new Error(`prefix ${SDK_ERROR_MESSAGES.notFound}`))).toEqual(statusless('other'))
    expect(parseSdkError(new Error('Request failed with status 4040'))).toEqual(statusless('other'))
    expect(parseSdkError('fetch failed')).toEqual(statusless('other'))
    expect(parseSdkError(undefined)).toEqual(statusless('other'))
  })
})

describe('InfisicalCallError', () => {
  it('carries the status where core finds it, and keeps the server text and the SDK error out of sight', () => {
    const error = request('projectNotFound')
    expect([error.step, error.kind, error.status]).toEqual(['request', 'answer', 404])
    expect(error.message).toBe('Infisical request failed (404)')
    for (const form of [inspect(error, { depth: 5 }), JSON.stringify(error), String(error.cause)]) {
      expect(form).not.toContain('no-such-project')
      expect(form).not.toContain('URL=')
    }
    expect(error.serverMessage).toBe('Project with no-such-project not found')
  })
})

describe('reading what Infisical answered a secret or folder request', () => {
  it('"missing" only for Infisical\'s own 404 for a secret or a folder', () => {
    for (const label of [
      'notFound',
      'updateNotFound',
      'deleteNotFound',
      'folderNotFound',
      'listFolderNotFound',
      'createFolderNotFound',
    ] as const) {
      expect(isMissing(request(label)), label).toBe(true)
    }
    expect(
      ['folderNotFound', 'listFolderNotFound', 'createFolderNotFound'].map((l) =>
        isFolderMissing(request(l as SdkErrorCase)),
      ),
    ).toEqual([true, true, true])
    expect(isFolderMissing(request('notFound'))).toBe(false)
    // A misconfiguration, a foreign page, a wrong siteUrl's JSON, a login's 404: never "missing".
    for (const label of ['projectNotFound', 'htmlNotFound', 'routeNotFound'] as const) {
      expect(isMissing(request(label)), label).toBe(false)
    }
    expect(isMissing(new InfisicalCallError('login', sdkError('notFound')))).toBe(false)
    expect(isMissing(sdkError('notFound'))).toBe(false)
    expect(isMissing(new Error('404'))).toBe(false)
  })

  it("knows Infisical's own status, and no bare one", () => {
    expect(isInfisicalStatus(request('alreadyExists'), 400)).toBe(true)
    expect(isInfisicalStatus(request('htmlForbidden'), 403)).toBe(false)
    expect(isInfisicalStatus(request('forbidden'), 403)).toBe(true)
  })

  it("tells a rejected token (401, 403 token error) from a denial by the identity's role", () => {
    for (const label of ['unauthenticated', 'tokenRevoked', 'tokenExpired', 'tokenMalformed'] as const) {
      expect(isRejectedToken(request(label)), label).toBe(true)
    }
    for (const label of ['forbidden', 'forbiddenEdit', 'htmlForbidden', 'notFound'] as const) {
      expect(isRejectedToken(request(label)), label).toBe(false)
    }
    // The login's own refusal is not a rejected token of a call.
    expect(isRejectedToken(new InfisicalCallError('login', sdkError('invalidCredentials')))).toBe(false)
  })
})

describe('mapInfisicalError, for secret and folder requests', () => {
  it("maps Infisical's refusals, with statuses and never its text", () => {
    const denied = map(request('forbidden'))
    expect(denied).toBeInstanceOf(AccessDeniedError)
    expect(denied.message).toBe('access denied to "DB_PASSWORD": Infisical answered 403 (permission denied)')
    const token = map(request('tokenExpired'))
    expect(token).toBeInstanceOf(AccessDeniedError)
    expect(token.message).toBe('access denied to "DB_PASSWORD": Infisical answered 403 (the access token was rejected)')
    const project = map(request('projectNotFound'))
    expect(project).toBeInstanceOf(ConfigurationError)
    expect(project.message).toBe(
      'secret store "InfisicalSecretStore" is misconfigured: Infisical answered 404; check projectId and environment',
    )
    const conflict = map(request('alreadyExists'))
    expect(conflict).toBeInstanceOf(UnknownSecretStoreError)
    expect(conflict.message).toBe('secret store error: Infisical request failed (400)')
    // The SDK drops a 422's issue list: what was invalid cannot be told.
    expect(map(request('validation'))).toBeInstanceOf(UnknownSecretStoreError)
  })

  it('maps throttling and server failures as retryable; the SDK drops Retry-After', () => {
    for (const label of ['rateLimited', 'serverError', 'badGateway', 'emptyServerError'] as const) {
      const error = map(request(label)) as UnavailableError
      expect(error, label).toBeInstanceOf(UnavailableError)
      expect(error.retryable).toBe(true)
      expect(error.retryAfterMs).toBeUndefined()
      expect(error.message).toContain(`Infisical answered ${EXPECTED[label].status}`)
    }
  })

  it("maps answers that are not Infisical's as unavailable, never as missing or denied", () => {
    for (const error of [
      request('htmlNotFound'),
      request('htmlForbidden'),
      request('routeNotFound'),
      request('emptySecretAnswer'),
      request('emptyFolderAnswer'),
      request('cutOff'),
      foreignAnswer(),
    ]) {
      const mapped = map(error)
      expect(mapped, error.message).toBeInstanceOf(UnavailableError)
      expect(mapped.retryable).toBe(true)
      expect(mapped.message).toContain("not Infisical's")
    }
  })

  it("maps failures without a status, after the SDK's retries, as unavailable", () => {
    const network = map(request('network'))
    expect(network).toBeInstanceOf(UnavailableError)
    expect(network.message).toContain("could not reach Infisical (fetch failed, after the SDK's retries)")
    const timeout = map(request('timeout'))
    expect(timeout).toBeInstanceOf(UnavailableError)
    expect(timeout.message).toContain('Infisical did not answer in time')
  })

  it('never copies a URL, a project id or server text into a message or cause', () => {
    for (const label of Object.keys(SDK_ERROR_MESSAGES) as SdkErrorCase[]) {
      const mapped = map(request(label))
      const text = serverText(label)
      for (const form of [mapped.message, inspect(mapped.cause, { depth: 5 }), JSON.stringify(mapped)]) {
        expect(form, label).not.toContain('URL=')
        expect(form, label).not.toContain(FAKE_PROJECT_ID)
        if (text !== undefined) expect(form, label).not.toContain(text)
      }
    }
    const cause = map(request('forbidden')).cause as Error & { status?: number; serverMessage?: unknown }
    expect([cause.name, cause.status, cause.serverMessage]).toEqual(['InfisicalCallError', 403, undefined])
  })

  it("maps the store's own refusals and transport failures thrown outside the SDK", () => {
    expect(map(new TrimmedValueError())).toBeInstanceOf(InvalidSecretValueError)
    expect(map(new HiddenValueError())).toBeInstanceOf(AccessDeniedError)
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    })
    const error = map(refused)
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error.message).toContain('ECONNREFUSED')
  })
})

describe('mapInfisicalError, for universal auth', () => {
  const mapAuth = (label: SdkErrorCase, step: 'login' | 'renewal' = 'login') =>
    map(new InfisicalCallError(step, sdkError(label)))

  it('is access denied for refused credentials or a lockout, without the server text or URL', () => {
    for (const label of ['invalidCredentials', 'lockedOut', 'renewPastMaxTtl'] as const) {
      const error = mapAuth(label)
      expect(error).toBeInstanceOf(AccessDeniedError)
      expect(error.message).toContain('universal auth login (401)')
      expect(error.message).not.toMatch(/Invalid credentials|temporarily locked|URL=|Max TTL|app\.infisical/)
    }
  })

  it('is unavailable when Infisical cannot be reached, times out, throttles, fails or answers foreign', () => {
    const cases: Array<[SdkErrorCase, RegExp]> = [
      ['network', /could not reach Infisical for the universal auth login \(fetch failed/],
      ['timeout', /did not answer the universal auth login in time/],
      ['rateLimited', /Infisical \(universal auth login\) answered 429/],
      ['serverError', /answered 500/],
      ['htmlNotFound', /an answer \(404\) to the universal auth login that is not Infisical's/],
      ['noTokenToRenew', /to the universal auth login that is not Infisical's, or a broken one/],
    ]
    for (const [label, message] of cases) {
      const error = mapAuth(label)
      expect(error, label).toBeInstanceOf(UnavailableError)
      expect(error.retryable).toBe(true)
      expect(error.message).toMatch(message)
    }
  })

  it('is unknown for a request Infisical found invalid, and keeps only a sanitized cause', () => {
    const error = mapAuth('validation')
    expect(error).toBeInstanceOf(UnknownSecretStoreError)
    expect(error.message).toContain('(422)')
    const cause = error.cause as Error & { cause?: Error }
    expect(cause.name).toBe('InfisicalCallError')
    expect(cause.cause?.name).toBe('InfisicalSDKError')
    expect(cause.cause?.message).toBe('')
  })
})
