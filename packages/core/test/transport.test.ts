import { inspect } from 'node:util'
import { UnavailableError, UnknownSecretStoreError } from '@secret-store/core'
import {
  classifyTransport,
  header,
  parseRetryAfter,
  retryAfterFromHeaders,
  sanitizeCause,
  transportFailure,
  unknownError,
} from '@secret-store/core/adapter'
import { describe, expect, it } from 'vitest'

const VALUE = 'value-that-must-not-leak-7f3a'
const context = { store: 'S', operation: 'get' as const, secretName: 'n', backend: 'Backend' }
const sys = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code, syscall: 'connect' })

describe('transportFailure', () => {
  it.each([
    ['ECONNREFUSED', 'network'],
    ['ECONNRESET', 'network'],
    ['EPIPE', 'network'],
    ['ENOTFOUND', 'dns'],
    ['EAI_AGAIN', 'dns'],
    ['ETIMEDOUT', 'timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['ABORT_ERR', 'abort'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['CERT_HAS_EXPIRED', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
  ])('classifies %s as %s', (code, kind) => {
    expect(transportFailure(sys(code))).toEqual({ kind, code })
  })

  it('looks through causes and AggregateErrors, and by name (TimeoutError, AbortError)', () => {
    expect(transportFailure(new AggregateError([new Error('x'), sys('ECONNREFUSED')]))?.code).toBe('ECONNREFUSED')
    expect(transportFailure(new Error('wrapped', { cause: sys('ECONNRESET') }))?.code).toBe('ECONNRESET')
    expect(transportFailure(Object.assign(new Error('t'), { name: 'TimeoutError' }))?.kind).toBe('timeout')
    expect(transportFailure(Object.assign(new Error('a'), { name: 'AbortError' }))?.kind).toBe('abort')
  })

  it('does not take programming errors or answers for transport failures', () => {
    expect(transportFailure(Object.assign(new TypeError('bad'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBeUndefined()
    expect(transportFailure(new Error('plain'))).toBeUndefined()
    expect(transportFailure('ECONNREFUSED')).toBeUndefined()
  })
})

describe('Retry-After', () => {
  it('reads seconds, fractions and HTTP dates; ignores the rest', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('3', now)).toBe(3_000)
    expect(parseRetryAfter('1.5', now)).toBe(1_500)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0)
    for (const bad of ['-1', 'soon', '', '1e3', undefined, null]) expect(parseRetryAfter(bad, now)).toBeUndefined()
  })

  it('reads a header by name from a Headers object, a plain record in any case, or a list', () => {
    expect(header(new Headers({ 'X-Amzn-RequestId': 'abc' }), 'x-amzn-requestid')).toBe('abc')
    expect(header({ 'X-Amzn-RequestId': 'abc' }, 'x-amzn-requestid')).toBe('abc')
    expect(header({ 'set-cookie': ['a', 'b'] }, 'set-cookie')).toBe('a')
    expect(header({ other: 'x' }, 'x-amzn-requestid')).toBeUndefined()
    expect(header(undefined, 'x')).toBeUndefined()
  })

  it('prefers the millisecond headers, from a Headers object or a plain record', () => {
    expect(retryAfterFromHeaders({ 'Retry-After': '2', 'retry-after-ms': '250' })).toBe(250)
    expect(retryAfterFromHeaders(new Headers({ 'x-ms-retry-after-ms': '40', 'retry-after': '9' }))).toBe(40)
    expect(retryAfterFromHeaders({ 'retry-after': ['1.5'] })).toBe(1_500)
    expect(retryAfterFromHeaders(undefined)).toBeUndefined()
  })
})

describe('classifyTransport', () => {
  it('gives one retryable UnavailableError for every transport failure and retryable status', () => {
    for (const error of [sys('ECONNREFUSED'), sys('ENOTFOUND'), sys('ETIMEDOUT'), sys('CERT_HAS_EXPIRED')]) {
      const mapped = classifyTransport(error, context)
      expect(mapped).toBeInstanceOf(UnavailableError)
      expect(mapped?.retryable).toBe(true)
    }
    for (const status of [408, 429, 500, 502, 503, 504]) {
      const mapped = classifyTransport(new Error('x'), { ...context, status, headers: { 'retry-after': '1.5' } })
      expect(mapped).toBeInstanceOf(UnavailableError)
      expect((mapped as UnavailableError).retryAfterMs).toBe(1_500)
      expect(mapped?.message).toBe(`secret backend unavailable: Backend answered ${status}`)
    }
  })

  it('leaves other answers to the adapter', () => {
    for (const status of [400, 401, 403, 404, 409])
      expect(classifyTransport(new Error('x'), { ...context, status })).toBeUndefined()
    expect(unknownError(new TypeError('x'), context)).toBeInstanceOf(UnknownSecretStoreError)
  })
})

describe('sanitizeCause', () => {
  it('keeps name, code and status, and a system error message, without request, response or value', () => {
    const sdk = Object.assign(new Error(`could not parse body: {"value":"${VALUE}"}`), {
      name: 'RestError',
      code: 'PARSE_ERROR',
      statusCode: 200,
      request: { body: VALUE, headers: { authorization: 'Bearer token' } },
      response: { bodyAsText: VALUE },
    })
    const copy = sanitizeCause(sdk) as Error & { code?: string; status?: number }
    expect(copy).toMatchObject({ name: 'RestError', code: 'PARSE_ERROR', status: 200 })
    for (const form of [inspect(copy, { depth: 9, showHidden: true }), JSON.stringify(copy), String(copy.stack)]) {
      expect(form).not.toContain(VALUE)
      expect(form).not.toContain('Bearer')
    }
    expect(sanitizeCause(sys('ECONNREFUSED'))?.message).toBe('connect ECONNREFUSED 127.0.0.1:1')
    const echoed = Object.assign(new Error(`write EPIPE ${VALUE}`), { code: 'EPIPE', syscall: 'write' })
    expect(sanitizeCause(echoed, [VALUE])?.message).toBe('write EPIPE [redacted]')
  })

  it('sanitizes a cause chain and says what was thrown when it was not an error', () => {
    const chained = new Error('outer', { cause: Object.assign(new Error(VALUE), { code: 'X' }) })
    expect(inspect(sanitizeCause(chained), { depth: 9 })).not.toContain(VALUE)
    expect(sanitizeCause(VALUE)?.message).toBe('non-error thrown: string')
  })
})
