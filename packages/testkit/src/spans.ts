import { trace } from '@opentelemetry/api'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'

let exporter: InMemorySpanExporter | undefined

/**
 * Installs (once per process) a global tracer provider that keeps finished spans in memory,
 * so the suite can check span names and attributes. Returns `undefined` when the process
 * already has another global provider, in which case span checks are skipped with a reason.
 */
export function captureSpans(): InMemorySpanExporter | undefined {
  if (exporter !== undefined) return exporter
  const candidate = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(candidate)] })
  if (!trace.setGlobalTracerProvider(provider)) return undefined
  exporter = candidate
  return exporter
}
