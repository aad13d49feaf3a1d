import { randomBytes } from 'node:crypto'
import { isSecretStoreError, UnknownSecretStoreError } from '@secret-store/core'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { fixFor, type ProbedOperation } from '../hints.js'
import { type CliIo, line, printJson, table } from '../io.js'
import type { OpenedStore } from '../stores.js'

export interface CheckOptions {
  writeProbe?: boolean
  /** An existing name to read, instead of a name that does not exist. */
  name?: string
  json?: boolean
}

type Status = 'ok' | 'failed' | 'skipped' | 'disabled' | 'unsupported'

interface ProbeResult {
  operation: ProbedOperation
  status: Status
  detail: string
  code?: string
  fix?: string
}

/**
 * Probes each operation the config enables, without changing anything: a read (of `--name`, or of a
 * name that does not exist: "missing" is an answer, so connectivity, credentials and the read
 * permission all held), a listing of one name, and only with `--write-probe` a write, read-back and
 * removal of a throwaway canary name. Prints a table with the fix for each failure; exit 1 on any.
 */
export async function checkCommand(io: CliIo, opened: OpenedStore, options: CheckOptions): Promise<ExitCode> {
  const { store, enabled, entry } = opened
  const results: ProbeResult[] = []
  const probe = async (operation: ProbedOperation, run: () => Promise<string>) => {
    try {
      results.push({ operation, status: 'ok', detail: await run() })
    } catch (err) {
      const error = isSecretStoreError(err)
        ? err
        : new UnknownSecretStoreError((err as Error).message ?? String(err), { store: store.name })
      const status: Status = error.code === 'NOT_SUPPORTED' ? 'unsupported' : 'failed'
      results.push({
        operation,
        status,
        detail: error.message,
        code: error.code,
        ...(status === 'failed'
          ? {
              fix: fixFor(
                entry,
                operation,
                error,
                results.some((r) => r.status === 'ok'),
              ),
            }
          : {}),
      })
    }
  }
  const skip = (operation: ProbedOperation, status: Status, detail: string) =>
    results.push({ operation, status, detail })

  if (!enabled.get) skip('get', 'disabled', 'enableGet is false in the config')
  else {
    const name = options.name ?? `secret-store-check-${randomBytes(6).toString('hex')}`
    await probe('get', async () => {
      const values = await store.getSecretWith({ forceFetch: true }, name)
      if (options.name === undefined) return 'read a name that does not exist: the backend answered "missing"'
      return values[name] === undefined
        ? `${name} is missing (the read itself is allowed)`
        : `${name} exists and is readable`
    })
  }

  if (!enabled.get) skip('list', 'disabled', 'listing needs enableGet')
  else if (!store.capabilities.listing) skip('list', 'unsupported', 'this backend cannot list names')
  else {
    await probe('list', async () => {
      for await (const _ of store.listSecretNames({ pageSize: 1 })) return 'listed names'
      return 'listed: the store holds no names'
    })
  }

  const writable = store.capabilities.writes
  const canary = `secret-store-check-${randomBytes(6).toString('hex')}`
  for (const operation of ['set', 'remove'] as const) {
    if (!writable) skip(operation, 'unsupported', 'the backend is read-only')
    else if (!enabled[operation])
      skip(operation, 'disabled', `${operation === 'set' ? 'enableSet' : 'enableRemove'} is false in the config`)
    else if (!options.writeProbe)
      skip(operation, 'skipped', 'not probed: pass --write-probe to write and remove a throwaway canary name')
    else if (operation === 'set') {
      await probe('set', async () => {
        await store.setSecret(canary, randomBytes(16).toString('hex'))
        return `wrote the canary ${canary}`
      })
    } else if (results.find((r) => r.operation === 'set')?.status !== 'ok') {
      skip('remove', 'skipped', 'not probed: the canary could not be written')
    } else {
      await probe('remove', async () => {
        await store.removeSecret(canary, { purge: true })
        return `removed the canary ${canary} for good`
      })
    }
  }

  const failed = results.filter((r) => r.status === 'failed')
  if (options.json) printJson(io, { store: opened.label, adapter: entry.adapter, ok: failed.length === 0, results })
  else {
    const rows = [['OPERATION', 'RESULT', 'DETAIL'], ...results.map((r) => [r.operation, r.status, r.detail])]
    line(io.stdout, table(rows))
    for (const r of failed) line(io.stdout, `\nfix ${r.operation}: ${r.fix}`)
    line(
      io.stdout,
      failed.length === 0
        ? `\n${opened.label}: every enabled operation works`
        : `\n${opened.label}: ${failed.length} probe(s) failed`,
    )
  }
  return failed.length === 0 ? EXIT.ok : EXIT.findings
}
