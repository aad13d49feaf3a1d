import { inspect } from 'node:util'
import type { SecretStoreLogger } from '@secret-store/core'

export interface LeakFinding {
  /** Where the value turned up, e.g. `logger.warn` or `error message`. */
  where: string
  /** Which tracked value (by its index in tracking order); never the value itself. */
  valueIndex: number
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const

/**
 * Remembers every secret value a test seeds and scans everything a store emits (log lines,
 * console output, errors, spans, inspect and JSON output) for them. A finding names the place,
 * never the value, so the report itself does not leak.
 */
export class LeakDetector {
  readonly #values: string[] = []
  readonly #findings: LeakFinding[] = []
  readonly #restore: Array<() => void> = []

  /** Registers a secret value to look for and returns it. */
  track<V extends string>(value: V): V {
    if (value.length < 8)
      throw new RangeError('LeakDetector: tracked values must be at least 8 characters long to avoid false alarms')
    this.#values.push(value)
    return value
  }

  /** A fresh random value, already tracked. */
  secret(label = 'secret'): string {
    const random = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join(
      '',
    )
    return this.track(`${label}-${random}`)
  }

  /** Scans text for any tracked value. */
  scanText(where: string, text: string): void {
    this.#values.forEach((value, valueIndex) => {
      if (text.includes(value)) this.#findings.push({ where, valueIndex })
    })
  }

  /** Scans anything: its `util.inspect` form (with causes and hidden fields) and its JSON form. */
  scan(where: string, thing: unknown): void {
    if (typeof thing === 'string') {
      this.scanText(where, thing)
      return
    }
    this.scanText(`${where} (inspect)`, inspect(thing, { depth: 8, showHidden: true, getters: false }))
    let json: string | undefined
    try {
      json = JSON.stringify(thing)
    } catch {
      json = undefined
    }
    if (json !== undefined) this.scanText(`${where} (JSON)`, json)
  }

  /** Scans an error: message, stack, its causes, inspect and JSON forms. */
  scanError(where: string, error: unknown): void {
    let current: unknown = error
    for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
      if (current instanceof Error) {
        this.scanText(`${where} message`, current.message)
        this.scanText(`${where} stack`, current.stack ?? '')
        current = (current as Error & { cause?: unknown }).cause
      } else {
        break
      }
    }
    this.scan(where, error)
  }

  /** A logger that records every line it is given and scans it. */
  readonly logger: SecretStoreLogger = {
    debug: (...args: unknown[]) => this.#logged('debug', args),
    info: (...args: unknown[]) => this.#logged('info', args),
    warn: (...args: unknown[]) => this.#logged('warn', args),
    error: (...args: unknown[]) => this.#logged('error', args),
  }

  /** Scans everything written through `console` until `release()` is called. */
  watchConsole(): void {
    for (const method of CONSOLE_METHODS) {
      const original = console[method]
      console[method] = (...args: unknown[]) => {
        this.#logged(`console.${method}`, args)
        original.apply(console, args)
      }
      this.#restore.push(() => {
        console[method] = original
      })
    }
  }

  /** Undoes `watchConsole()`. */
  release(): void {
    for (const restore of this.#restore.splice(0)) restore()
  }

  get findings(): readonly LeakFinding[] {
    return this.#findings
  }

  /** Throws when any tracked value was seen, naming where (never what). */
  assertNoLeaks(): void {
    if (this.#findings.length === 0) return
    const places = [...new Set(this.#findings.map((f) => f.where))].join(', ')
    throw new Error(`secret value leaked (${this.#findings.length} finding(s)) in: ${places}`)
  }

  /** Forgets findings and tracked values (between tests). */
  reset(): void {
    this.#values.length = 0
    this.#findings.length = 0
  }

  #logged(where: string, args: unknown[]): void {
    for (const arg of args) {
      if (arg instanceof Error) this.scanError(where, arg)
      else this.scan(where, arg)
    }
  }
}
