/**
 * A backend for in-memory stores (maps, local clients) that plays the contract suite's part of a real
 * one: it counts reads and injects faults at the map's methods, the way a network client would raise
 * them (connection errors with Node's codes, errors carrying an HTTP status).
 */
import type { ContractBackdoor, FaultInjector } from './contract/context.js'
import type { Fault, InjectOptions } from './fault-proxy.js'

export interface MemoryBackend {
  /** The map to give the store: reads are counted, and faults raised, in `get`, `set` and `delete`. */
  readonly map: Map<string, string>
  /** A map whose every use fails like a connection to a port where nothing listens. */
  readonly unreachableMap: Map<string, string>
  readonly backdoor: ContractBackdoor
  readonly faults: FaultInjector
}

const connectionError = (code: string) =>
  Object.assign(new Error(`connect ${code} 127.0.0.1`), { code, syscall: 'connect' })

const statusError = (fault: Extract<Fault, { kind: 'status' }>) =>
  Object.assign(new Error(`backend answered ${fault.status}`), { status: fault.status, headers: fault.headers ?? {} })

/** A map-backed backend with read counts and faults. */
export function memoryBackend(): MemoryBackend {
  const values = new Map<string, string>()
  let armed: Array<{ fault: Fault; left: number; match: InjectOptions['match'] }> = []
  let reads = 0
  let inFlight = 0
  let peakReads = 0

  const take = (method: string, name: string) => {
    const request = { method, path: `/${encodeURIComponent(name)}`, headers: {} }
    const entry = armed.find((a) => a.left > 0 && (a.match === undefined || a.match(request)))
    if (entry === undefined) return undefined
    entry.left--
    return entry.fault
  }

  /** Runs `op` under the fault armed for it: a thrown error, a delay, or no answer at all. */
  const faulted = <T>(method: string, name: string, op: () => T): T => {
    const fault = take(method, name)
    if (fault === undefined) return op()
    switch (fault.kind) {
      case 'reset':
      case 'cut':
        throw connectionError('ECONNRESET')
      case 'status':
        throw statusError(fault)
      case 'blackhole':
      case 'drip':
        // An answer that never comes: the caller awaits it like a client's promise.
        return new Promise(() => {}) as T
      case 'delay':
        return new Promise((resolve) => setTimeout(() => resolve(op()), fault.ms)) as T
      case 'before':
        return Promise.resolve(fault.run({ method, path: name, headers: {} })).then(op) as T
    }
  }

  class CountingMap extends Map<string, string> {
    override get(name: string): string | undefined {
      reads++
      inFlight++
      peakReads = Math.max(peakReads, inFlight)
      try {
        const answer: unknown = faulted('GET', name, () => values.get(name))
        // A delayed answer is a promise: count it in flight until it settles.
        if (answer instanceof Promise) {
          inFlight++
          answer.finally(() => inFlight--).catch(() => {})
        }
        return answer as string | undefined
      } finally {
        inFlight--
      }
    }
    override set(name: string, value: string): this {
      // `super` is not set up yet while Map's constructor runs; no entries are passed to it.
      faulted('PUT', name, () => values.set(name, value))
      return this
    }
    override delete(name: string): boolean {
      return faulted('DELETE', name, () => values.delete(name))
    }
    override has(name: string): boolean {
      return values.has(name)
    }
    override get size(): number {
      return values.size
    }
    override values(): MapIterator<string> {
      return values.values()
    }
    /** A listing: a status or connection fault armed for it is thrown here, like a client's failed request. */
    override keys(): MapIterator<string> {
      const fault = take('LIST', '')
      if (fault?.kind === 'status') throw statusError(fault)
      if (fault?.kind === 'reset' || fault?.kind === 'cut') throw connectionError('ECONNRESET')
      return values.keys()
    }
    override entries(): MapIterator<[string, string]> {
      return values.entries()
    }
    override [Symbol.iterator](): MapIterator<[string, string]> {
      return values.entries()
    }
    override forEach(callback: (value: string, key: string, map: Map<string, string>) => void): void {
      for (const [key, value] of values) callback(value, key, this)
    }
    override clear(): void {
      values.clear()
    }
  }

  class UnreachableMap extends Map<string, string> {
    override get(): string | undefined {
      throw connectionError('ECONNREFUSED')
    }
    override set(): this {
      throw connectionError('ECONNREFUSED')
    }
    override delete(): boolean {
      throw connectionError('ECONNREFUSED')
    }
    override keys(): MapIterator<string> {
      throw connectionError('ECONNREFUSED')
    }
  }

  return {
    map: new CountingMap(),
    unreachableMap: new UnreachableMap(),
    backdoor: {
      get: async (name) => values.get(name),
      set: async (name, value) => void values.set(name, value),
      remove: async (name) => void values.delete(name),
      requestStats: () => ({ reads, peakReads }),
      resetRequestStats: () => {
        reads = 0
        peakReads = inFlight
      },
    },
    faults: {
      inject(fault, options = {}) {
        armed.push({ fault, left: options.times ?? Number.POSITIVE_INFINITY, match: options.match })
      },
      clear() {
        armed = []
      },
    },
  }
}
