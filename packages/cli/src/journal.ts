/**
 * The journal that makes `copy` resumable: one JSON line per name whose copy is finished (copied or
 * found identical), appended and flushed as each finishes. Names only, never values. Running the same
 * copy again skips the journaled names; a copy that ends with nothing failed deletes its journal.
 */
import { createHash } from 'node:crypto'
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'

export interface CopyJob {
  from: string
  to: string
  prefix: string | undefined
  names: readonly string[]
}

/** `.secret-store-copy-<hash of the job>.journal` in `cwd`: the same command finds the same journal. */
export function defaultJournalPath(cwd: string, job: CopyJob): string {
  const hash = createHash('sha256').update(JSON.stringify(job)).digest('hex').slice(0, 12)
  return resolve(cwd, `.secret-store-copy-${hash}.journal`)
}

export class CopyJournal {
  readonly #path: string
  readonly done: ReadonlySet<string>

  /** Opens the journal at `path` (its names count as done), or starts an empty one when `restart`. */
  constructor(path: string, job: CopyJob, restart: boolean) {
    this.#path = path
    const header = JSON.stringify({ job })
    const done = new Set<string>()
    if (!restart && existsSync(path)) {
      const [first, ...rest] = readFileSync(path, 'utf8').split('\n')
      if (first !== header)
        throw new Error(`the journal ${path} belongs to another copy: pass --restart or another --journal`)
      for (const entry of rest) {
        if (entry === '') continue
        try {
          done.add((JSON.parse(entry) as { name: string }).name)
        } catch {
          // A line cut short by a crash: that name is simply copied again.
        }
      }
    }
    if (restart || !existsSync(path)) writeFileSync(path, `${header}\n`, { mode: 0o600 })
    this.done = done
  }

  get path(): string {
    return this.#path
  }

  /** Records that `name` is finished. Synchronous, so a crash right after cannot lose it. */
  record(name: string, outcome: 'copied' | 'identical'): void {
    appendFileSync(this.#path, `${JSON.stringify({ name, outcome })}\n`)
  }

  remove(): void {
    rmSync(this.#path, { force: true })
  }
}
