import { createHmac, randomBytes } from 'node:crypto'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { type CliIo, line, printJson } from '../io.js'
import { chunked, namesFrom } from '../names.js'
import type { OpenedStore } from '../stores.js'

export interface DiffOptions {
  prefix?: string
  json?: boolean
}

/**
 * Names only in A, only in B, and in both with different values: names listed under `--prefix` in
 * each store (or the names given). Values are compared by an HMAC-SHA-256 under a key made for this run
 * and forgotten after it, so neither values nor comparable digests are ever printed or kept.
 * Exit 1 when the stores differ.
 */
export async function diffCommand(
  io: CliIo,
  a: OpenedStore,
  b: OpenedStore,
  names: string[],
  options: DiffOptions,
): Promise<ExitCode> {
  const key = randomBytes(32)
  const digest = (value: string) => createHmac('sha256', key).update(value, 'utf8').digest('base64')
  const digests = async (opened: OpenedStore) => {
    const out = new Map<string, string>()
    for await (const chunk of chunked(namesFrom(opened.store, names, options.prefix), 100)) {
      const values = await opened.store.getSecretWith({ forceFetch: true }, ...chunk)
      for (const name of chunk) {
        const value = values[name]
        if (value !== undefined) out.set(name, digest(value))
      }
    }
    return out
  }
  const [left, right] = await Promise.all([digests(a), digests(b)])
  const byName = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0)
  const onlyInA = [...left.keys()].filter((name) => !right.has(name)).sort(byName)
  const onlyInB = [...right.keys()].filter((name) => !left.has(name)).sort(byName)
  const shared = [...left.keys()].filter((name) => right.has(name)).sort(byName)
  const differing = shared.filter((name) => left.get(name) !== right.get(name))
  const identical = shared.length - differing.length
  if (options.json) {
    printJson(io, { a: a.label, b: b.label, onlyInA, onlyInB, differing, identical })
  } else {
    for (const name of onlyInA) line(io.stdout, `only in ${a.label}: ${name}`)
    for (const name of onlyInB) line(io.stdout, `only in ${b.label}: ${name}`)
    for (const name of differing) line(io.stdout, `differs: ${name}`)
    line(
      io.stdout,
      `${onlyInA.length} only in ${a.label}, ${onlyInB.length} only in ${b.label}, ${differing.length} differ, ${identical} identical`,
    )
  }
  return onlyInA.length + onlyInB.length + differing.length === 0 ? EXIT.ok : EXIT.findings
}
