import type { SecretStoreLogger } from '@secret-store/core'

/** One line a store logged. */
export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error'
  fields: Record<string, unknown>
  message: string
}

/** A logger that keeps every line, to observe what a store did (logins, renewals, warnings). */
export function recordingLogger(): SecretStoreLogger & { lines: LoggedLine[]; count(message: string): number } {
  const lines: LoggedLine[] = []
  const log =
    (level: LoggedLine['level']) =>
    (fields: unknown, message?: unknown): void => {
      lines.push({ level, fields: (fields ?? {}) as Record<string, unknown>, message: String(message) })
    }
  return {
    lines,
    count: (message) => lines.filter((l) => l.message === message).length,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
  }
}
