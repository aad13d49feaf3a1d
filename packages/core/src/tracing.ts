/**
 * OpenTelemetry spans for store operations: one span per call, named per operation, with the store,
 * the operation, the number of names and cache hits, and on failure the error code. Never a value.
 */
import { ProxyTracerProvider, type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api'
import { SecretStoreError } from './errors.js'
import type { SecretOperation } from './types.js'

export const SPAN_NAMES = {
  get: 'secret-store.get',
  set: 'secret-store.set',
  remove: 'secret-store.remove',
  list: 'secret-store.list',
} as const satisfies Record<SecretOperation, string>

export const SPAN_ATTRIBUTES = {
  store: 'secret_store.name',
  operation: 'secret_store.operation',
  nameCount: 'secret_store.names.count',
  cacheHits: 'secret_store.cache.hits',
  errorCode: 'secret_store.error.code',
} as const

const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate()
let checkedAt = Number.NEGATIVE_INFINITY
let active = false

/**
 * Whether a tracer provider has been registered. Without one every span is a no-op, so the cached-read
 * fast path skips creating it. Re-checked at most once a second.
 */
function tracingActive(now: number): boolean {
  if (now - checkedAt >= 1_000 || now < checkedAt) {
    checkedAt = now
    const provider = trace.getTracerProvider()
    active = !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NOOP_TRACER_PROVIDER
  }
  return active
}

export class StoreTracer {
  readonly #store: string
  readonly #tracer: Tracer = trace.getTracer('@secret-store/core')

  constructor(store: string) {
    this.#store = store
  }

  /** A read answered entirely from the cache: a span only when someone records spans. */
  cachedRead(now: number): void {
    if (!tracingActive(now)) return
    const span = this.#tracer.startSpan(SPAN_NAMES.get)
    if (span.isRecording()) this.#describe(span, 'get', 1, 1)
    span.end()
  }

  /** Runs `fn` inside a span for `operation`; marks the span with the error code when it throws. */
  async traced<T>(operation: SecretOperation, nameCount: number, fn: (span: Span) => Promise<T>): Promise<T> {
    const span = this.#tracer.startSpan(SPAN_NAMES[operation])
    if (span.isRecording()) this.#describe(span, operation, nameCount, undefined)
    try {
      return await fn(span)
    } catch (err) {
      if (span.isRecording()) {
        const code = err instanceof SecretStoreError ? err.code : 'UNKNOWN'
        span.setAttribute(SPAN_ATTRIBUTES.errorCode, code)
        span.setStatus({ code: SpanStatusCode.ERROR, message: code })
      }
      throw err
    } finally {
      span.end()
    }
  }

  #describe(span: Span, operation: SecretOperation, nameCount: number, cacheHits: number | undefined): void {
    span.setAttribute(SPAN_ATTRIBUTES.store, this.#store)
    span.setAttribute(SPAN_ATTRIBUTES.operation, operation)
    span.setAttribute(SPAN_ATTRIBUTES.nameCount, nameCount)
    if (cacheHits !== undefined) span.setAttribute(SPAN_ATTRIBUTES.cacheHits, cacheHits)
  }
}
