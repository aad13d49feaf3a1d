import { DaprClient } from '@dapr/dapr'
import { raceAbort } from '@secret-store/core/adapter'
import { fromSdkError } from './errors.js'
import { type DaprSidecar, ownClientOptions } from './options.js'
import type { DaprClientLike } from './types.js'

/** `HTTPClient.execute` of `@dapr/dapr`: the request its own wait for the sidecar polls with. */
type Execute = (url: string, params: null, requiresInitialization: boolean) => Promise<unknown>

/**
 * One store's way to Dapr's secrets API through `@dapr/dapr`: every read is `client.secret.get`, and every
 * SDK call is bounded by the signal of the attempt it runs for (the SDK takes no abort signal; when the
 * signal aborts, the call rejects with its reason and the SDK's work is left to finish on its own). SDK
 * rejections come out as `fromSdkError` makes them, for `mapDaprError`.
 */
export class SdkSecrets {
  readonly #client: DaprClientLike
  /** The component name, percent-encoded: the SDK puts it into the path as it is. */
  readonly #store: string
  readonly #metadata: string
  /** The wait for the sidecar in flight, shared by every read that needs it. */
  #starting: Promise<void> | undefined

  constructor(sidecar: DaprSidecar, secretStoreName: string, metadata: string) {
    this.#client =
      'client' in sidecar ? sidecar.client : new DaprClient(ownClientOptions(sidecar.endpoint, sidecar.apiToken))
    this.#store = encodeURIComponent(secretStoreName)
    this.#metadata = metadata
  }

  /**
   * `GET /v1.0/secrets/<store>/<key>?<metadata>` through `client.secret.get`, after `ready()`. `key` must be
   * percent-encoded by the caller (the SDK does not encode it; `bulk` is the bulk read, which this way keeps
   * the metadata that `secret.getBulk` cannot send). Resolves to the SDK's answer: the parsed JSON, or
   * the raw text of a body that is not JSON.
   */
  get(key: string, signal: AbortSignal | undefined): Promise<unknown> {
    return this.#bounded(() => this.#client.secret.get(this.#store, key, this.#metadata), signal)
  }

  /**
   * Resolves once the client has found the sidecar, so that `secret.get` does not start the SDK's own wait
   * (one per call) itself. Concurrent reads share one wait; a wait that failed or outlived an attempt's
   * deadline is dropped, and the next read starts a new one.
   */
  async ready(signal: AbortSignal | undefined): Promise<void> {
    if (this.#client.getIsInitialized()) return
    if (this.#starting === undefined) {
      this.#starting = this.#start()
      // Each read waits for it under its own deadline; a rejection no read waits for is not an unhandled one.
      this.#starting.catch(() => {})
    }
    const starting = this.#starting
    try {
      await this.#bounded(() => starting, signal)
    } catch (err) {
      if (this.#starting === starting) this.#starting = undefined
      throw err
    }
  }

  /**
   * The SDK's `start()` polls `/v1.0/metadata` about 60 times, 500 ms apart, and swallows why each poll
   * failed: a sidecar that refuses connections or an API token it rejects (401) would only ever show as a
   * timeout, with the polling going on for 30 s after the store gave up. So the store sends that poll's
   * request once itself first (`HTTPClient.execute`, uninitialised); it fails with the real reason, and on
   * success `start()` returns after its first poll.
   */
  async #start(): Promise<void> {
    const execute = (this.#client.daprClient as unknown as { execute?: Execute }).execute
    if (typeof execute === 'function') await execute.call(this.#client.daprClient, '/metadata', null, false)
    await this.#client.start()
  }

  async #bounded<T>(call: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    try {
      signal?.throwIfAborted()
      return await raceAbort(call(), signal)
    } catch (err) {
      throw fromSdkError(err)
    }
  }
}
