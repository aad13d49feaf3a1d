// Core benchmarks: cached read cost, single-flight under a cold stampede, cache memory.
// Run with `pnpm bench` (builds first; needs --expose-gc for the heap figure).
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { arch, cpus, platform } from 'node:os'
import { Bench } from 'tinybench'
import { SecretStoreBaseClass } from '../packages/core/dist/index.js'

const BATCH = 1_000

/** A store over a Map that counts backend reads; `generate` makes fresh values on each read. */
class BenchStore extends SecretStoreBaseClass {
  reads = 0
  constructor(options = {}, values = new Map(), generate = undefined) {
    super('BenchStore', { ...options, config: {} })
    this.values = values
    this.generate = generate
  }
  async getSecretImpl(...names) {
    this.reads++
    return Object.fromEntries(names.map((n) => [n, this.generate ? this.generate(n) : this.values.get(n)]))
  }
  async setSecretImpl() {}
  async removeSecretImpl() {}
}

/** PURISTA 1.11's own in-memory store with its cache on, from the example service's dependencies. */
async function puristaStore() {
  try {
    const require = createRequire(new URL('../examples/purista-service/package.json', import.meta.url))
    const { DefaultSecretStore } = await import(require.resolve('@purista/core'))
    return new DefaultSecretStore({ enableCache: true, logLevel: 'error', config: { paymentApiKey: 'bench-value' } })
  } catch {
    return undefined
  }
}

async function cachedReadRatio() {
  const map = new Map([['paymentApiKey', 'bench-value-0123456789']])
  const store = new BenchStore({}, map)
  await store.getSecret('paymentApiKey')
  const purista = await puristaStore()
  await purista?.getSecret('paymentApiKey')
  const bench = new Bench({ time: 1_500, warmup: true, warmupTime: 300 })
  bench
    .add(`Map lookup + promise (x${BATCH})`, async () => {
      for (let i = 0; i < BATCH; i++) await Promise.resolve(map.get('paymentApiKey'))
    })
    .add(`cached getSecret (x${BATCH})`, async () => {
      for (let i = 0; i < BATCH; i++) await store.getSecret('paymentApiKey')
    })
  if (purista) {
    bench.add(`PURISTA 1.11 DefaultSecretStore getSecret (x${BATCH})`, async () => {
      for (let i = 0; i < BATCH; i++) await purista.getSecret('paymentApiKey')
    })
  }
  await bench.run()
  const [baseline, cached, puristaRead] = bench.tasks.map((t) => t.result.latency.mean)
  return {
    baselineNs: (baseline * 1e6) / BATCH,
    cachedNs: (cached * 1e6) / BATCH,
    ratio: cached / baseline,
    puristaRatio: puristaRead === undefined ? undefined : puristaRead / baseline,
  }
}

async function stampede() {
  const store = new BenchStore({}, new Map([['dbPassword', 'bench-value']]))
  await Promise.all(Array.from({ length: 1_000 }, () => store.getSecret('dbPassword')))
  return store.reads
}

async function cacheHeap() {
  const count = 10_000
  const size = 1_024
  // Values are generated at read time, so after the reads only the cache holds them.
  const store = new BenchStore({ cache: { maxEntries: count } }, new Map(), () => randomBytes(size / 2).toString('hex'))
  const names = Array.from({ length: count }, (_, i) => `service/secret-${i}`)
  globalThis.gc()
  const before = process.memoryUsage().heapUsed
  for (let i = 0; i < count; i += 100) await store.getSecret(...names.slice(i, i + 100))
  globalThis.gc()
  const after = process.memoryUsage().heapUsed
  const raw = count * size
  return { heapBytes: after - before, rawBytes: raw, ratio: (after - before) / raw, keep: store }
}

if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc (pnpm bench does this)')
  process.exit(1)
}

const read = await cachedReadRatio()
const reads = await stampede()
const heap = await cacheHeap()

const verdict = (ok) => (ok ? 'meets target' : 'MISSES target')
console.log(
  `machine: ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}, ${platform()} ${arch()}, Node ${process.version}`,
)
console.log(
  `cached single-name read: ${read.cachedNs.toFixed(0)} ns vs Map lookup + promise ${read.baselineNs.toFixed(0)} ns = ${read.ratio.toFixed(2)}x (target <= 1.5x: ${verdict(read.ratio <= 1.5)})`,
)
console.log(
  read.puristaRatio === undefined
    ? 'PURISTA 1.11 DefaultSecretStore: not installed (run the example install first)'
    : `for comparison, PURISTA 1.11 DefaultSecretStore (enableCache) reads at ${read.puristaRatio.toFixed(2)}x the Map lookup + promise`,
)
console.log(`backend reads for 1,000 concurrent cold reads of one name: ${reads} (target 1: ${verdict(reads === 1)})`)
console.log(
  `heap held by 10,000 cached 1 KB secrets: ${(heap.heapBytes / 1048576).toFixed(1)} MiB for ${(heap.rawBytes / 1048576).toFixed(1)} MiB of data = ${heap.ratio.toFixed(2)}x (target < 2x: ${verdict(heap.ratio < 2)})`,
)
