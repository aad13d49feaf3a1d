/**
 * The HTTP vocabulary of the Infisical fake: the routes `@infisical/sdk` calls, error answers shaped like
 * Infisical's error handler (`backend/src/server/plugins/error-handler.ts`), and a small stand-in for the
 * zod request validation that answers 422.
 */
import { randomBytes } from 'node:crypto'

/** Route templates as recorded in the request log, e.g. `fake.count(ROUTES.get)`. */
export const ROUTES = {
  login: 'POST /api/v1/auth/universal-auth/login',
  renew: 'POST /api/v1/auth/token/renew',
  list: 'GET /api/v3/secrets/raw',
  get: 'GET /api/v3/secrets/raw/{secretName}',
  create: 'POST /api/v3/secrets/raw/{secretName}',
  update: 'PATCH /api/v3/secrets/raw/{secretName}',
  delete: 'DELETE /api/v3/secrets/raw/{secretName}',
  createFolder: 'POST /api/v1/folders',
} as const

export type Route = (typeof ROUTES)[keyof typeof ROUTES]

/** One zod issue, as a 422 body lists them. */
export interface Issue {
  code: string
  path: string[]
  message: string
  expected?: string
  values?: string[]
}

/**
 * An error answer. The body is `{ reqId, statusCode, message, error }` (plus `details` for 403s); `message` is
 * the zod issue list for 422, as on the real server.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly detail: string | Issue[],
    readonly details?: unknown,
  ) {
    super(typeof detail === 'string' ? detail : 'ValidationFailure')
  }

  body(reqId: string): Record<string, unknown> {
    const body = { reqId, statusCode: this.status, message: this.detail, error: this.error }
    return this.details === undefined ? body : { ...body, details: this.details }
  }
}

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message)
export const unauthorized = (message: string) => new ApiError(401, 'UnauthorizedError', message)
export const notFound = (message: string, name = 'NotFound') => new ApiError(404, name, message)
/** A bad, expired or forged JWT: Infisical answers `jsonwebtoken` errors with 403 `TokenError`. */
export const tokenError = (message: string) => new ApiError(403, 'TokenError', message)
/** A CASL denial, e.g. `You are not allowed to edit on secrets`. */
export const permissionDenied = (action: string, subject = 'secrets') =>
  new ApiError(403, 'PermissionDenied', `You are not allowed to ${action} on ${subject}`, [])

/** Bodies for statuses a test forces with `failNext`, worded as Infisical words them. */
export function faultError(status: number): ApiError {
  switch (status) {
    case 400:
      return badRequest('The request is invalid')
    case 401:
      return unauthorized('You are not allowed to access this resource')
    case 403:
      return new ApiError(403, 'ForbiddenError', 'You are not allowed to access this resource')
    case 404:
      return notFound('The requested entity is not found')
    case 429:
      return new ApiError(429, 'RateLimitExceeded', 'Rate limit exceeded. Please try again in 60 seconds')
    case 504:
      return new ApiError(504, 'GatewayTimeoutError', 'Timeout error')
    default:
      return new ApiError(status, 'InternalServerError', 'Something went wrong')
  }
}

/** Fastify's request ids as Infisical generates them. */
export const requestId = () => `req-${randomBytes(10).toString('base64url').replace(/[-_]/g, 'x').slice(0, 14)}`

/**
 * Reads request fields the way the routes' zod schemas do (`z.string().trim()`, `"true" | "false"` flags,
 * `z.coerce.number()`), collecting issues; `done()` throws them as a 422.
 */
export class Fields {
  private readonly issues: Issue[] = []

  constructor(private readonly source: Record<string, unknown>) {}

  string(key: string, trim = true): string | undefined {
    const value = this.source[key]
    if (value === undefined || value === null) return undefined
    if (typeof value === 'string') return trim ? value.trim() : value
    this.issues.push(invalidType(key, 'string', value))
    return undefined
  }

  strings(key: string): string[] | undefined {
    const value = this.source[key]
    if (value === undefined) return undefined
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value
    this.issues.push(invalidType(key, 'array', value))
    return undefined
  }

  required(key: string, trim = true): string {
    if (this.source[key] === undefined) this.issues.push(invalidType(key, 'string', undefined))
    return this.string(key, trim) ?? ''
  }

  flag(key: string, fallback: boolean): boolean {
    const value = this.source[key]
    if (value === undefined) return fallback
    if (value === 'true' || value === 'false') return value === 'true'
    this.oneOf(key, ['true', 'false'])
    return fallback
  }

  boolean(key: string): boolean | undefined {
    const value = this.source[key]
    if (value === undefined || value === null || typeof value === 'boolean') return value ?? undefined
    this.issues.push(invalidType(key, 'boolean', value))
    return undefined
  }

  number(key: string): number | undefined {
    const value = this.source[key]
    if (value === undefined) return undefined
    const parsed = Number(value)
    if (Number.isNaN(parsed)) this.issues.push(invalidType(key, 'number', Number.NaN))
    return parsed
  }

  oneOf(key: string, values: string[], fallback?: string): string {
    const value = this.source[key] ?? fallback
    if (typeof value === 'string' && values.includes(value)) return value
    const message = `Invalid option: expected one of ${values.map((v) => `"${v}"`).join('|')}`
    this.issues.push({ code: 'invalid_value', values, path: [key], message })
    return fallback ?? ''
  }

  check(ok: boolean, key: string, message: string): void {
    if (!ok) this.issues.push({ code: 'custom', path: [key], message })
  }

  done(): void {
    if (this.issues.length > 0) throw new ApiError(422, 'ValidationFailure', this.issues)
  }
}

function invalidType(key: string, expected: string, value: unknown): Issue {
  const received = value === undefined ? 'undefined' : Number.isNaN(value) ? 'NaN' : typeof value
  return {
    expected,
    code: 'invalid_type',
    path: [key],
    message: `Invalid input: expected ${expected}, received ${received}`,
  }
}
