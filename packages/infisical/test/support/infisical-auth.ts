/**
 * Universal-auth machine identity and its access tokens, as Infisical's identity-ua and
 * identity-access-token services treat them:
 * - tokens are HS256 JWTs whose `exp` is the TTL; a token past it answers 403 `Your token has expired...`;
 * - a renewal signs a new token (same record, fresh `exp`) unless the new expiry would pass the max TTL
 *   (counted from the first login): then 401, and the token record is deleted, so the old token is dead too;
 * - a wrong client secret answers 401 `Invalid credentials`; 3 failures within 30 s lock the identity for
 *   300 s (Infisical's defaults), during which even the right secret is refused.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { Fields, tokenError, unauthorized } from './infisical-http.js'

export interface MachineIdentity {
  clientId: string
  clientSecret: string
}

export interface TokenSettings {
  /** Access token TTL for tokens issued from now on; 0 = no expiry. */
  tokenTtlSeconds: number
  /** Max TTL a token can be renewed up to, from its first login; 0 = unlimited. */
  maxTtlSeconds: number
}

export interface TokenAnswer {
  accessToken: string
  expiresIn: number
  accessTokenMaxTTL: number
  tokenType: 'Bearer'
}

interface TokenRecord {
  identityId: string
  createdAt: number
  lastRenewedAt: number | undefined
  ttl: number
  maxTtl: number
  revoked: boolean
}

const LOCKOUT = { threshold: 3, counterResetMs: 30_000, durationMs: 300_000 }
const MALFORMED =
  'The provided access token is malformed. Please use a valid token or generate a new one and try again.'

export class TokenAuthority {
  readonly identityId = randomUUID()
  private readonly key = randomBytes(32)
  private readonly tokens = new Map<string, TokenRecord>()
  private lockout: { failures: number; locked: boolean; until: number } | undefined

  constructor(
    readonly identity: MachineIdentity,
    private readonly now: () => number,
  ) {}

  login(body: Record<string, unknown>, settings: TokenSettings): TokenAnswer {
    const fields = new Fields(body)
    const clientId = fields.required('clientId')
    const clientSecret = fields.required('clientSecret')
    fields.done()
    if (clientId !== this.identity.clientId) throw unauthorized('Invalid credentials')
    if (this.lockout !== undefined && this.lockout.until <= this.now()) this.lockout = undefined
    if (this.lockout?.locked) {
      throw unauthorized('This identity auth method is temporarily locked, please try again later')
    }
    if (clientSecret !== this.identity.clientSecret) {
      const failures = (this.lockout?.failures ?? 0) + 1
      const locked = failures >= LOCKOUT.threshold
      this.lockout = { failures, locked, until: this.now() + (locked ? LOCKOUT.durationMs : LOCKOUT.counterResetMs) }
      throw unauthorized('Invalid credentials')
    }
    this.lockout = undefined
    const id = randomUUID()
    const record: TokenRecord = {
      identityId: this.identityId,
      createdAt: this.now(),
      lastRenewedAt: undefined,
      ttl: settings.tokenTtlSeconds,
      maxTtl: settings.maxTtlSeconds,
      revoked: false,
    }
    this.tokens.set(id, record)
    return this.answer(id, record)
  }

  renew(body: Record<string, unknown>): TokenAnswer {
    const fields = new Fields(body)
    const accessToken = fields.required('accessToken')
    fields.done()
    const [id, record] = this.validate(accessToken)
    if (record.maxTtl > 0) {
      const maxExpiry = record.createdAt + record.maxTtl * 1000
      if (this.now() > maxExpiry) {
        this.tokens.delete(id)
        throw unauthorized('Failed to renew MI access token due to Max TTL expiration')
      }
      if (this.now() + record.ttl * 1000 > maxExpiry) {
        this.tokens.delete(id)
        throw unauthorized('Failed to renew MI access token past its Max TTL expiration')
      }
    }
    record.lastRenewedAt = this.now()
    return this.answer(id, record)
  }

  /** Checks a bearer token as Infisical's `injectIdentity` hook does on every request that carries one. */
  verify(token: string): void {
    this.validate(token)
  }

  revokeAll(): void {
    for (const record of this.tokens.values()) record.revoked = true
  }

  reset(): void {
    this.tokens.clear()
    this.lockout = undefined
  }

  private validate(token: string): [string, TokenRecord] {
    const id = this.decode(token)
    const record = this.tokens.get(id)
    if (record === undefined || record.revoked) throw unauthorized('No identity access token found')
    if (record.ttl > 0 && this.now() > (record.lastRenewedAt ?? record.createdAt) + record.ttl * 1000) {
      this.tokens.delete(id)
      throw unauthorized('Failed to renew MI access token due to TTL expiration')
    }
    return [id, record]
  }

  private answer(id: string, record: TokenRecord): TokenAnswer {
    const iat = Math.floor(this.now() / 1000)
    const claims = {
      identityId: record.identityId,
      clientSecretId: this.identityId,
      identityAccessTokenId: id,
      authTokenType: 'identityAccessToken',
      iat,
      ...(record.ttl > 0 ? { exp: iat + record.ttl } : {}),
    }
    const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`
    return {
      accessToken: `${unsigned}.${this.sign(unsigned)}`,
      expiresIn: record.ttl,
      accessTokenMaxTTL: record.maxTtl,
      tokenType: 'Bearer',
    }
  }

  /** `jsonwebtoken.verify`, with its error messages mapped the way Infisical's error handler maps them. */
  private decode(token: string): string {
    const [header, payload, signature, ...rest] = token.split('.')
    if (header === undefined || payload === undefined || signature === undefined || rest.length > 0) {
      throw tokenError(MALFORMED)
    }
    let claims: { identityAccessTokenId?: unknown; exp?: unknown }
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    } catch {
      throw tokenError('invalid token')
    }
    const expected = Buffer.from(this.sign(`${header}.${payload}`))
    const actual = Buffer.from(signature)
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw tokenError('invalid signature')
    if (typeof claims.exp === 'number' && Math.floor(this.now() / 1000) >= claims.exp) {
      throw tokenError('Your token has expired. Please re-authenticate.')
    }
    return String(claims.identityAccessTokenId)
  }

  private sign(unsigned: string): string {
    return createHmac('sha256', this.key).update(unsigned).digest('base64url')
  }
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}
