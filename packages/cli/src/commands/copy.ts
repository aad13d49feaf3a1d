import { resolve } from 'node:path'
import { mapWithConcurrency } from '@secret-store/core/adapter'
import { describeError, errorJson, exitCodeOf } from '../errors.js'
import { CliError, EXIT, type ExitCode } from '../exit-codes.js'
import { type CliIo, line, printJson } from '../io.js'
import { CopyJournal, defaultJournalPath } from '../journal.js'
import { chunked, namesFrom } from '../names.js'
import { progressFor } from '../progress.js'
import type { OpenedStore } from '../stores.js'

export interface CopyOptions {
  prefix?: string
  dryRun?: boolean
  overwrite?: boolean
  concurrency?: number
  journal?: string
  restart?: boolean
  json?: boolean
}

/** Names per round: read from both stores in one call each (batched where the backend batches). */
const CHUNK = 100

type Outcome = 'copied' | 'identical' | 'differs' | 'missing' | 'failed' | 'would copy' | 'would overwrite'

/**
 * Copies secrets from one store to another: names given, or listed under `--prefix`. A name already
 * holding the same value is skipped; a differing one is left alone unless `--overwrite`. Reads go in
 * rounds of 100 names, writes at most `--concurrency` at a time. Finished names go to a journal, so an
 * interrupted copy resumes where it stopped when run again.
 */
export async function copyCommand(
  io: CliIo,
  from: OpenedStore,
  to: OpenedStore,
  names: string[],
  options: CopyOptions,
): Promise<ExitCode> {
  if (names.length > 0 && options.prefix !== undefined) throw new CliError('give names or --prefix, not both')
  if (from.label === to.label) throw new CliError('--from and --to name the same store')
  const concurrency = options.concurrency ?? 8
  const job = { from: from.label, to: to.label, prefix: options.prefix, names }
  const journal = options.dryRun
    ? undefined
    : new CopyJournal(
        options.journal === undefined ? defaultJournalPath(io.cwd, job) : resolve(io.cwd, options.journal),
        job,
        options.restart === true,
      )
  if (journal !== undefined && journal.done.size > 0 && !options.json) {
    line(io.stderr, `resuming: ${journal.done.size} name(s) already done (journal ${journal.path})`)
  }
  const results = new Map<Outcome, string[]>()
  const failures: Array<{ name: string; code: string; message: string }> = []
  let resumed = 0
  const progress = progressFor(io, `copy ${from.label} -> ${to.label}`, options.json === true)
  const finish = (name: string, outcome: Outcome, detail?: string) => {
    const names = results.get(outcome)
    if (names === undefined) results.set(outcome, [name])
    else names.push(name)
    progress.done(name, outcome, detail)
  }
  const fail = (name: string, error: unknown) => {
    failures.push({ name, ...errorJson(error) })
    finish(name, 'failed', describeError(error))
  }
  const interrupted = () => io.signal?.aborted === true
  /** A listing that failed for good: the copy stops there and says so. */
  let listingError: unknown

  try {
    for await (const chunk of chunked(namesFrom(from.store, names, options.prefix), CHUNK)) {
      if (interrupted()) break
      const todo = chunk.filter((name) => !journal?.done.has(name))
      resumed += chunk.length - todo.length
      progress.grow(todo.length)
      if (todo.length === 0) continue
      let source: Record<string, string | undefined>
      let target: Record<string, string | undefined>
      try {
        ;[source, target] = await Promise.all([
          from.store.getSecretWith({ forceFetch: true }, ...todo),
          to.store.getSecretWith({ forceFetch: true }, ...todo),
        ])
      } catch (error) {
        for (const name of todo) fail(name, error)
        continue
      }
      const writes: string[] = []
      for (const name of todo) {
        const value = source[name]
        if (value === undefined) finish(name, 'missing', `not in ${from.label}`)
        else if (target[name] === value) {
          journal?.record(name, 'identical')
          finish(name, 'identical')
        } else if (target[name] !== undefined && !options.overwrite)
          finish(name, 'differs', 'use --overwrite to replace it')
        else if (options.dryRun) finish(name, target[name] === undefined ? 'would copy' : 'would overwrite')
        else writes.push(name)
      }
      await mapWithConcurrency(writes, concurrency, async (name) => {
        if (interrupted()) return
        try {
          await to.store.setSecret(name, source[name] as string)
          journal?.record(name, 'copied')
          finish(name, 'copied')
        } catch (error) {
          fail(name, error)
        }
      })
    }
  } catch (error) {
    // Reads and writes fail per name above; what reaches here is the source's listing failing.
    listingError = error
  } finally {
    progress.stop()
  }

  const list = (outcome: Outcome) => results.get(outcome) ?? []
  const stopped = interrupted()
  const clean =
    !stopped &&
    listingError === undefined &&
    failures.length === 0 &&
    list('differs').length === 0 &&
    list('missing').length === 0
  if (clean) journal?.remove()
  if (options.json) {
    printJson(io, {
      from: from.label,
      to: to.label,
      dryRun: options.dryRun === true,
      copied: list('copied'),
      identical: list('identical'),
      differs: list('differs'),
      missing: list('missing'),
      failed: failures,
      wouldCopy: list('would copy'),
      wouldOverwrite: list('would overwrite'),
      resumed,
      interrupted: stopped,
      listingError: listingError === undefined ? null : errorJson(listingError),
      journal: clean ? null : (journal?.path ?? null),
    })
  } else {
    const counts = (['copied', 'identical', 'differs', 'missing', 'failed', 'would copy', 'would overwrite'] as const)
      .filter((outcome) => outcome === 'copied' || list(outcome).length > 0)
      .map((outcome) => `${list(outcome).length} ${outcome}`)
    if (resumed > 0) counts.push(`${resumed} done before (resumed)`)
    line(io.stdout, `${options.dryRun ? 'dry run: ' : ''}${counts.join(', ')}`)
    if (listingError !== undefined) line(io.stderr, `listing ${from.label} failed: ${describeError(listingError)}`)
    if (stopped) line(io.stderr, `interrupted: run the same command again to resume (journal ${journal?.path})`)
    else if (!clean && journal !== undefined)
      line(io.stderr, `run the same command again to retry what is left (journal ${journal.path})`)
  }
  if (stopped) return EXIT.interrupted
  if (listingError !== undefined) return exitCodeOf(listingError)
  return clean ? EXIT.ok : EXIT.findings
}
