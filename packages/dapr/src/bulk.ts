/**
 * When one `GET /v1.0/secrets/<store>/bulk` is cheaper than a request per secret.
 *
 * The bulk read answers every secret of the store (that scoping lets through), so its cost grows with
 * the store, not with the names asked for: daprd's local file store serves it from memory, while the
 * Kubernetes, Vault, AWS or Azure components list the backend and fetch every secret in turn. Measured on
 * daprd 1.18.2 with the local file store on a 2-core machine (loopback, one request at a time):
 *
 * | secrets in the store | one secret | bulk    | bulk in single reads |
 * | -------------------- | ---------- | ------- | -------------------- |
 * | 10                   | 0.55 ms    | 0.67 ms | 1.2                  |
 * | 100                  | 0.62 ms    | 1.00 ms | 1.6                  |
 * | 1,000                | 0.37 ms    | 2.0 ms  | 5.6                  |
 * | 5,000                | 0.38 ms    | 11.7 ms | 31                   |
 *
 * So the bulk read costs about `1 + entries / 200` single reads there, and far more on a component
 * that fetches each secret from a remote backend. `auto` therefore measures, per store: it times every
 * single read and every bulk read (moving averages) and takes the bulk read for `n` distinct secrets when
 * it costs less than `n` single reads. Before the first bulk read it tries one from
 * `AUTO_BULK_MIN_SECRETS` secrets on (below that, a wrong guess saves at most one request); before the
 * first single read the bulk read's size stands in for its cost (`1 + entries / 200`). A bulk read the
 * component refuses with a Dapr error of its own (it may not implement it) ends `auto`'s bulk reads.
 */
export type BulkMode = 'auto' | 'never' | 'always'

/** From how many distinct secrets `auto` tries the bulk read before it has measured one. */
export const AUTO_BULK_MIN_SECRETS = 3
/** Bulk entries that cost as much as one single read on the local file store (measured, see above). */
export const BULK_ENTRIES_PER_SINGLE_READ = 200
/** Weight of the newest sample in the moving averages. */
const SMOOTHING = 0.3

const average = (previous: number | undefined, sample: number) =>
  previous === undefined ? sample : previous + SMOOTHING * (sample - previous)

/** The bulk decision of one store, with what it has measured so far. */
export class BulkPolicy {
  readonly mode: BulkMode
  #singleMs: number | undefined
  #bulkMs: number | undefined
  #entries: number | undefined
  #failed = false

  constructor(mode: BulkMode) {
    this.mode = mode
  }

  /** Whether to read `count` distinct secrets with one bulk request. */
  useBulk(count: number): boolean {
    if (this.mode === 'never' || count < 2) return false
    if (this.mode === 'always') return true
    if (this.#failed) return false
    const cost = this.bulkCost
    return cost === undefined ? count >= AUTO_BULK_MIN_SECRETS : cost < count
  }

  /** What one bulk read costs in single reads, as measured; `undefined` before the first bulk read. */
  get bulkCost(): number | undefined {
    if (this.#bulkMs === undefined || this.#entries === undefined) return undefined
    if (this.#singleMs === undefined || this.#singleMs <= 0) return 1 + this.#entries / BULK_ENTRIES_PER_SINGLE_READ
    return this.#bulkMs / this.#singleMs
  }

  /** Records the time of one single read that the sidecar answered. */
  recordSingle(ms: number): void {
    this.#singleMs = average(this.#singleMs, ms)
  }

  /** Records a bulk read the component refused: `auto` does not try it again. */
  recordBulkFailure(): void {
    this.#failed = true
  }

  /** Records the time and size of one bulk read. */
  recordBulk(ms: number, entries: number): void {
    this.#bulkMs = average(this.#bulkMs, ms)
    this.#entries = entries
  }
}
