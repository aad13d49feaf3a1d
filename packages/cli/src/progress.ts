/**
 * Progress of a long command: a bar on stderr when it is a terminal, one plain line per name on stdout
 * otherwise (for logs and pipes), nothing per name with `--json`. Lines carry names and outcomes only.
 */
import { Presets, SingleBar } from 'cli-progress'
import { type CliIo, line } from './io.js'

export interface Progress {
  /** More names are known: the total grows (names stream in from a listing). */
  grow(count: number): void
  /** One name is finished with this outcome; `detail` is shown in plain lines. */
  done(name: string, outcome: string, detail?: string): void
  stop(): void
}

export function progressFor(io: CliIo, label: string, json: boolean): Progress {
  if (json) return { grow() {}, done() {}, stop() {} }
  if (!io.stderr.isTTY) {
    return {
      grow() {},
      done: (name, outcome, detail) => line(io.stdout, `${outcome} ${name}${detail ? ` (${detail})` : ''}`),
      stop() {},
    }
  }
  const counts: Record<string, number> = {}
  const bar = new SingleBar({
    stream: io.stderr,
    format: `${label} {bar} {value}/{total} names | {counts}`,
    barsize: 30,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 50,
    fps: 10,
    barCompleteChar: Presets.shades_classic.barCompleteChar,
    barIncompleteChar: Presets.shades_classic.barIncompleteChar,
  })
  let total = 0
  let value = 0
  let started = false
  const summary = () =>
    Object.entries(counts)
      .map(([outcome, n]) => `${outcome} ${n}`)
      .join(', ')
  return {
    grow(count) {
      total += count
      // Started once the first names are known, so the bar never shows 0/0.
      if (!started) bar.start(total, 0, { counts: '' })
      else bar.setTotal(total)
      started = true
    },
    done(_name, outcome) {
      counts[outcome] = (counts[outcome] ?? 0) + 1
      value++
      bar.update(value, { counts: summary() })
    },
    stop() {
      if (!started) return
      bar.update(value, { counts: summary() })
      bar.stop()
    },
  }
}
