import type { SecretStoreLogger } from '@secret-store/core'
import { AppRoleLoginError, vaultStatus } from './errors.js'
import { encodeSegments } from './names.js'
import type { VaultClient, VaultRequestOptions } from './types.js'

/** Renew (or log in again) when this share of the lease has passed, as Vault's own agents do. */
const RENEW_AT = 2 / 3
/** Background login retries back off from 1 s up to 30 s. */
const RETRY_MIN_MS = 1_000
const RETRY_MAX_MS = 30_000
/** setTimeout fires at once for delays above 2^31 - 1 ms (about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647

export interface AppRoleCredentials {
  roleId: string
  secretId: string
  mountPath: string
}

interface Lease {
  token: string
  /** Seconds; 0 means the token does not expire. */
  leaseSeconds: number
  renewable: boolean
}

/**
 * Holds the token of an AppRole login and keeps it alive:
 *
 * - logs in on first use (concurrent callers share one login);
 * - renews the token at 2/3 of its lease, asking for the lease the login granted;
 * - logs in again instead when renewal is no longer possible: the token is not renewable, a renewal
 *   fails, or Vault grants less than asked because the token nears its max TTL;
 * - when a request fails with 403 and the token turns out to be dead (past its lease, or
 *   `auth/token/lookup-self` also answers 403), logs in once more and lets the caller retry once.
 *
 * The timer is `unref()`ed and cleared by `destroy()`. The token and the secret id live in private
 * fields only and are never logged.
 */
export class AppRoleSession {
  readonly #client: VaultClient
  readonly #roleId: string
  readonly #secretId: string
  readonly #loginPath: string
  readonly #logger: SecretStoreLogger
  readonly #store: string

  #lease: Lease | undefined
  /** When the current token expires (ms since the epoch); Infinity for a non-expiring token. */
  #expiresAt = 0
  /** The lease the last login granted, in seconds: what renewals ask for. */
  #loginLeaseSeconds = 0
  #login: Promise<string> | undefined
  #probe: { token: string; promise: Promise<boolean> } | undefined
  #timer: NodeJS.Timeout | undefined
  #failures = 0
  #destroyed = false

  constructor(client: VaultClient, credentials: AppRoleCredentials, logger: SecretStoreLogger, store: string) {
    this.#client = client
    this.#roleId = credentials.roleId
    this.#secretId = credentials.secretId
    this.#loginPath = `auth/${encodeSegments(credentials.mountPath)}/login`
    this.#logger = logger
    this.#store = store
  }

  /** Runs one request with the current token; retries it once after a new login when the token was dead. */
  async run<T>(request: (options: VaultRequestOptions) => Promise<T>): Promise<T> {
    const token = await this.#currentToken()
    try {
      return await request(withToken(token))
    } catch (err) {
      if (vaultStatus(err) !== 403 || !(await this.#isDead(token))) throw err
      this.#logger.debug({ store: this.#store, event: 'vault.token.rejected' }, 'Vault rejected the token, logging in')
      return request(withToken(await this.#freshToken(token)))
    }
  }

  /** Stops the renewal timer. Requests still in flight finish; nothing is scheduled afterwards. */
  destroy(): void {
    this.#destroyed = true
    this.#clearTimer()
  }

  async #currentToken(): Promise<string> {
    if (this.#lease !== undefined && Date.now() < this.#expiresAt) return this.#lease.token
    return this.#loginOnce()
  }

  /** A token other than `dead`: the one a concurrent login already got, or a new login's. */
  async #freshToken(dead: string): Promise<string> {
    const current = this.#lease?.token
    if (current !== undefined && current !== dead && Date.now() < this.#expiresAt) return current
    return this.#loginOnce()
  }

  #loginOnce(): Promise<string> {
    this.#login ??= this.#doLogin().finally(() => {
      this.#login = undefined
    })
    return this.#login
  }

  async #doLogin(): Promise<string> {
    let body: unknown
    try {
      body = await this.#client.write(this.#loginPath, { role_id: this.#roleId, secret_id: this.#secretId })
    } catch (err) {
      throw new AppRoleLoginError(err)
    }
    const lease = parseAuth(body)
    if (lease === undefined) throw new AppRoleLoginError(new Error('the login response has no auth.client_token'))
    this.#loginLeaseSeconds = lease.leaseSeconds
    this.#install(lease)
    this.#logger.debug(
      {
        store: this.#store,
        event: 'vault.approle.login',
        leaseSeconds: lease.leaseSeconds,
        renewable: lease.renewable,
      },
      'Vault AppRole login succeeded',
    )
    // A lease that was already capped at login (max TTL shorter than the TTL) cannot be renewed further.
    this.#schedule(lease.renewable ? 'renew' : 'login', lease.leaseSeconds)
    return lease.token
  }

  async #renew(): Promise<void> {
    const token = this.#lease?.token
    if (token === undefined) return
    const body = await this.#client.write(
      'auth/token/renew-self',
      { increment: this.#loginLeaseSeconds },
      withToken(token),
    )
    const lease = parseAuth(body)
    if (lease === undefined) throw new Error('the renewal response has no auth')
    // A login may have replaced the token while the renewal was on the way; keep the newer one.
    if (this.#lease?.token !== token) return
    this.#install({ ...lease, token })
    // Vault grants less than asked only when the token's max TTL caps the lease: renewing again cannot help.
    const capped = lease.leaseSeconds < this.#loginLeaseSeconds
    this.#logger.debug(
      { store: this.#store, event: 'vault.token.renewed', leaseSeconds: lease.leaseSeconds, capped },
      'Vault token renewed',
    )
    this.#schedule(capped || !lease.renewable ? 'login' : 'renew', lease.leaseSeconds)
  }

  #install(lease: Lease): void {
    this.#lease = lease
    this.#expiresAt = lease.leaseSeconds > 0 ? Date.now() + lease.leaseSeconds * 1000 : Number.POSITIVE_INFINITY
    this.#failures = 0
  }

  #schedule(next: 'renew' | 'login', leaseSeconds: number): void {
    if (leaseSeconds <= 0) return
    this.#startTimer(next, leaseSeconds * 1000 * RENEW_AT)
  }

  #startTimer(next: 'renew' | 'login', delayMs: number): void {
    this.#clearTimer()
    if (this.#destroyed) return
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined
        void this.#background(next)
      },
      Math.min(Math.max(0, delayMs), MAX_TIMER_MS),
    )
    this.#timer.unref()
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }

  /** Timer work never throws: failures are logged and retried with backoff. */
  async #background(next: 'renew' | 'login'): Promise<void> {
    if (this.#destroyed) return
    if (next === 'renew') {
      try {
        await this.#renew()
        return
      } catch (err) {
        this.#logger.warn(
          { store: this.#store, event: 'vault.token.renew_failed', reason: reason(err) },
          'Vault token renewal failed, logging in again',
        )
      }
    }
    if (this.#destroyed) return
    try {
      await this.#loginOnce()
    } catch (err) {
      this.#failures++
      const delayMs = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.#failures - 1))
      this.#logger.warn(
        { store: this.#store, event: 'vault.approle.login_failed', reason: reason(err), retryInMs: delayMs },
        'Vault AppRole login failed, retrying',
      )
      this.#startTimer('login', delayMs)
    }
  }

  /**
   * Whether a 403 came from a dead token rather than from the policy: the token was replaced already,
   * is past its lease, or cannot even look itself up. Concurrent callers share one lookup per token.
   */
  async #isDead(token: string): Promise<boolean> {
    if (this.#lease?.token !== token || Date.now() >= this.#expiresAt) return true
    if (this.#probe?.token === token) return this.#probe.promise
    const promise = this.#client.read('auth/token/lookup-self', withToken(token)).then(
      () => false,
      (err: unknown) => vaultStatus(err) === 403,
    )
    const probe = { token, promise }
    this.#probe = probe
    try {
      return await promise
    } finally {
      if (this.#probe === probe) this.#probe = undefined
    }
  }
}

function withToken(token: string): VaultRequestOptions {
  return { headers: { 'X-Vault-Token': token } }
}

function parseAuth(body: unknown): Lease | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const auth = (body as { auth?: unknown }).auth
  if (typeof auth !== 'object' || auth === null) return undefined
  const { client_token, lease_duration, renewable } = auth as Record<string, unknown>
  if (typeof client_token !== 'string' || client_token === '') return undefined
  return {
    token: client_token,
    leaseSeconds: typeof lease_duration === 'number' && lease_duration > 0 ? lease_duration : 0,
    renewable: renewable === true,
  }
}

/** Status or error name, never a message that could echo a request. */
function reason(err: unknown): string {
  if (err instanceof AppRoleLoginError) return `login: ${reason(err.cause)}`
  const status = vaultStatus(err)
  if (status !== undefined) return `status ${status}`
  if (typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string') {
    return (err as { code: string }).code
  }
  return err instanceof Error ? err.name : typeof err
}
