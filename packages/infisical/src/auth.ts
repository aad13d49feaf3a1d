import { InfisicalSDK } from '@infisical/sdk'
import type { SecretStoreLogger } from '@secret-store/core'
import { raceAbort } from '@secret-store/core/adapter'
import { InfisicalCallError } from './errors.js'

/** Renew when this share of the token's TTL has passed. */
const RENEW_AT = 2 / 3
/** Background refreshes that failed are retried from 1 s, doubling up to 30 s, while the token lasts. */
const RETRY_MIN_MS = 1_000
const RETRY_MAX_MS = 30_000
/** setTimeout fires at once for delays above 2^31 - 1 ms (about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647

/** Where the store's requests get their bearer token. */
export interface TokenSource {
  /** The token to send now. */
  token(signal: AbortSignal | undefined): Promise<string>
  /** After Infisical rejected `token`: another one, or `undefined` when the store cannot log in again. */
  replace(token: string, signal: AbortSignal | undefined): Promise<string | undefined>
  destroy(): void
}

/** An access token given by the caller: sent as it is, never renewed. */
export function staticToken(token: string): TokenSource {
  return { token: async () => token, replace: async () => undefined, destroy() {} }
}

interface Lease {
  token: string
  /** Epoch ms; Infinity for a token without expiry. */
  renewAt: number
  expiresAt: number
}

/**
 * The TTL of an Infisical access token, from its `iat` and `exp` claims (the tokens are JWTs). The SDK
 * drops the login answer's `expiresIn`, so the token is the only place it can be read; the expiry is then
 * counted on this machine's clock from receipt, which keeps clock skew out of it. `undefined`: no expiry.
 */
export function tokenTtlSeconds(token: string): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
    const { iat, exp } = claims as { iat?: unknown; exp?: unknown }
    return typeof iat === 'number' && typeof exp === 'number' && exp > iat ? exp - iat : undefined
  } catch {
    return undefined
  }
}

export interface UniversalAuthSettings {
  siteUrl: string
  clientId: string
  clientSecret: string
  logger: SecretStoreLogger
  store: string
}

/**
 * A machine identity's universal auth session, through `@infisical/sdk`:
 *
 * - logs in on first use; concurrent callers share one login;
 * - renews the token at 2/3 of its TTL on an `unref()`ed timer (or, when the timer is late, on the first
 *   request past that point, without holding the request up);
 * - logs in again when the renewal is refused (past the identity's max TTL Infisical refuses it and
 *   deletes the token) or when Infisical rejects the token (`replace`); every caller holding the
 *   rejected token shares that one login.
 *
 * Each login and renewal uses a new SDK instance: one that holds an expired token still sends it, and
 * Infisical refuses the login. Callers stop waiting when their attempt's signal aborts; the SDK's own
 * retries of a login cannot be stopped, but only one login runs at a time. The credentials and tokens
 * live in private fields only and are never logged.
 */
export class UniversalAuthSession implements TokenSource {
  readonly #settings: UniversalAuthSettings
  #lease: Lease | undefined
  #refreshing: Promise<Lease> | undefined
  #timer: NodeJS.Timeout | undefined
  #failures = 0
  #destroyed = false

  constructor(settings: UniversalAuthSettings) {
    this.#settings = settings
  }

  async token(signal: AbortSignal | undefined): Promise<string> {
    const lease = this.#lease
    const now = Date.now()
    if (lease !== undefined && now < lease.expiresAt) {
      if (now >= lease.renewAt && this.#refreshing === undefined) void this.#background()
      return lease.token
    }
    return (await raceAbort(this.#refresh('login'), signal)).token
  }

  async replace(rejected: string, signal: AbortSignal | undefined): Promise<string> {
    const lease = this.#lease
    if (lease !== undefined && lease.token !== rejected && Date.now() < lease.expiresAt) return lease.token
    if (lease?.token === rejected) this.#lease = undefined
    this.#log('debug', 'infisical.token.rejected', 'Infisical rejected the access token, logging in again')
    return (await raceAbort(this.#refresh('login'), signal)).token
  }

  /** Stops the renewal timer. A login already under way finishes, and nothing is scheduled after it. */
  destroy(): void {
    this.#destroyed = true
    this.#clearTimer()
  }

  /** One renewal or login at a time; a caller asking meanwhile gets its outcome. */
  #refresh(mode: 'renew' | 'login'): Promise<Lease> {
    this.#refreshing ??= this.#doRefresh(mode).finally(() => {
      this.#refreshing = undefined
    })
    return this.#refreshing
  }

  async #doRefresh(mode: 'renew' | 'login'): Promise<Lease> {
    const current = this.#lease
    if (mode === 'renew' && current !== undefined) {
      try {
        return this.#install(await this.#renew(current.token), 'renewed')
      } catch (err) {
        const { status } = err as InfisicalCallError
        // Refused (past the max TTL, or revoked): Infisical has deleted the token, so it is of no use any more.
        if ((status === 401 || status === 403) && this.#lease === current) this.#lease = undefined
        this.#log('debug', 'infisical.token.renewal_failed', 'Infisical token renewal failed, logging in again', {
          reason: reason(err),
        })
      }
    }
    return this.#install(await this.#login(), 'login')
  }

  async #login(): Promise<string> {
    const { siteUrl, clientId, clientSecret } = this.#settings
    try {
      const sdk = await new InfisicalSDK({ siteUrl }).auth().universalAuth.login({ clientId, clientSecret })
      return tokenOf(sdk)
    } catch (err) {
      throw new InfisicalCallError('login', err)
    }
  }

  async #renew(token: string): Promise<string> {
    try {
      const sdk = await new InfisicalSDK({ siteUrl: this.#settings.siteUrl })
        .auth()
        .accessToken(token)
        .auth()
        .universalAuth.renew()
      return tokenOf(sdk)
    } catch (err) {
      throw new InfisicalCallError('renewal', err)
    }
  }

  #install(token: string, event: 'login' | 'renewed'): Lease {
    const ttl = tokenTtlSeconds(token)
    const now = Date.now()
    const lease: Lease =
      ttl === undefined
        ? { token, renewAt: Number.POSITIVE_INFINITY, expiresAt: Number.POSITIVE_INFINITY }
        : { token, renewAt: now + ttl * 1000 * RENEW_AT, expiresAt: now + ttl * 1000 }
    this.#lease = lease
    this.#failures = 0
    const message = event === 'login' ? 'Infisical universal auth login succeeded' : 'Infisical access token renewed'
    this.#log('debug', `infisical.token.${event}`, message, { ttlSeconds: ttl ?? 0 })
    if (Number.isFinite(lease.renewAt)) this.#startTimer(lease.renewAt - now)
    return lease
  }

  /** Timer work never throws: failures are logged and retried with backoff while the token lasts. */
  async #background(): Promise<void> {
    if (this.#destroyed) return
    try {
      await this.#refresh('renew')
    } catch (err) {
      this.#failures++
      const delayMs = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.#failures - 1))
      const lease = this.#lease
      const retry = lease !== undefined && Date.now() + delayMs < lease.expiresAt
      this.#log('warn', 'infisical.token.refresh_failed', 'Infisical token refresh failed', {
        reason: reason(err),
        retryInMs: retry ? delayMs : undefined,
      })
      // Without a usable token the next request logs in itself.
      if (retry) this.#startTimer(delayMs)
    }
  }

  #startTimer(delayMs: number): void {
    this.#clearTimer()
    if (this.#destroyed) return
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined
        void this.#background()
      },
      Math.min(Math.max(0, delayMs), MAX_TIMER_MS),
    )
    this.#timer.unref()
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #log(level: 'debug' | 'warn', event: string, message: string, fields: Record<string, unknown> = {}): void {
    this.#settings.logger[level]({ store: this.#settings.store, event, ...fields }, message)
  }
}

function tokenOf(sdk: InfisicalSDK): string {
  const token = sdk.auth().getAccessToken()
  if (token === null || token === '') throw new Error('the answer carried no access token')
  return token
}

/** A status or a failure kind for log lines, never a message (the SDK's quotes URLs). */
function reason(error: unknown): string {
  if (!(error instanceof InfisicalCallError)) return 'other'
  return error.status === undefined ? error.kind : `status ${error.status}`
}
