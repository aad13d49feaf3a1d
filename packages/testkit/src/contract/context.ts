import type { SecretStore, SecretStoreCapabilities, StoreBaseOptions } from '@secret-store/core'
import type { Fault, InjectOptions } from '../fault-proxy.js'
import type { LeakDetector } from '../leak-detector.js'

/**
 * Reads, writes and deletes through the backend's own client, bypassing the store under test, so
 * assertions see what really landed. Names are the names given to the store: the back door applies
 * the adapter's name mapping itself.
 */
export interface ContractBackdoor {
  /** The current value, or `undefined` when the secret is missing or deleted. */
  get(name: string): Promise<string | undefined>
  /** Creates or overwrites (restoring a deleted secret first where the backend requires it). */
  set(name: string, value: string): Promise<void>
  /** Deletes irreversibly; resolves when the secret does not exist. */
  remove(name: string): Promise<void>
  /** Whether a deleted secret can still be recovered. Required when the store declares `recoverableDelete`. */
  isRecoverable?(name: string): Promise<boolean>
  /**
   * Read requests the backend received from the stores under test (never the back door's own) since
   * the last `resetRequestStats()`, and the most that were in flight at once. The testkit's
   * `startFaultProxy` counts them for HTTP backends; a fake backend may count them itself.
   */
  requestStats(): { reads: number; peakReads: number }
  resetRequestStats(): void
}

/** Injects faults between the stores under test and the backend (`startFaultProxy` gives one). */
export interface FaultInjector {
  inject(fault: Fault, options?: InjectOptions): void
  clear(): void
}

/** Which requests a fault applies to: read or write requests of the stores under test. */
export interface FaultTargets {
  /** Whether a request is a read. @default GET requests */
  isRead?(request: { method: string; path: string; headers: Record<string, unknown> }): boolean
  /** Whether a request writes a value (not a restore, recover or delete step). @default PUT and POST requests */
  isValueWrite?(request: { method: string; path: string; headers: Record<string, unknown> }): boolean
}

export interface ContractSuiteOptions {
  /** Shown in the suite title. */
  name: string
  /** A fresh store with these options spread into its own. The suite destroys each store it creates. */
  createStore(options: StoreBaseOptions): SecretStore | Promise<SecretStore>
  /** The same store, pointed at a loopback port where nothing listens. */
  createUnreachableStore(options: StoreBaseOptions): SecretStore | Promise<SecretStore>
  /** The raw-client back door, or a function that makes it once the backend is up. */
  backdoor: ContractBackdoor | (() => ContractBackdoor | Promise<ContractBackdoor>)
  /** Faults between the stores and the backend; the reliability and error sections need them. */
  faults: FaultInjector | (() => FaultInjector | Promise<FaultInjector>)
  /** Tells read requests from writes, for faults aimed at one kind. */
  faultTargets?: FaultTargets
  /** Credentials the stores are built with (tokens, keys): they must never show in any output. */
  credentials?: readonly string[] | (() => readonly string[])
  /**
   * Capabilities the store lacks, each with the reason. `writes`: the backend is read-only; `listing`:
   * it cannot list names.
   */
  unsupported?: { writes?: string; listing?: string }
  /** Names as the backend's own users write them, and names the backend refuses. */
  names?: {
    /**
     * Existing-secret names in the backend's own style (paths, `!`, `@`, ARNs...). The suite creates each
     * through the back door, reads it by that name and, where writes are enabled, overwrites and removes it.
     * A name that cannot be made through the back door under that name (an ARN) is `{ label, create }`.
     */
    brownfield?: ReadonlyArray<string | BrownfieldName>
    /** Names that pass core's safety rule but break a backend rule; each must give `InvalidSecretNameError`. */
    invalid?: readonly string[]
  }
  /**
   * The page size of the listing test that crosses pages. A backend whose paging is not stable (an
   * emulator paging an unordered map) passes one that fits a whole listing, and says why in its wiring.
   * @default 2
   */
  listingPageSize?: number
  /** Prefix of every generated name. @default 'contract' */
  namePrefix?: string
  /** Per-test timeout in ms. @default 30000 */
  timeoutMs?: number
}

/** A brownfield name made by the test itself (see `ContractSuiteOptions.names.brownfield`). */
export interface BrownfieldName {
  /** Shown in the test title. */
  label: string
  /** Creates the secret with `value` through the raw client; returns the name the store addresses it by. */
  create(value: string): Promise<string>
}

/** What every section of the suite shares. */
export interface SuiteContext {
  readonly options: ContractSuiteOptions
  readonly detector: LeakDetector
  readonly readOnly: boolean
  /** A store with get, set and remove enabled (and `overrides`), destroyed after the test. */
  store(overrides?: StoreBaseOptions): Promise<SecretStore>
  /** A store with exactly these options (nothing enabled for it), destroyed after the test. */
  bareStore(options: StoreBaseOptions): Promise<SecretStore>
  unreachableStore(overrides?: StoreBaseOptions): Promise<SecretStore>
  door(): Promise<ContractBackdoor>
  faults(): Promise<FaultInjector>
  /** A name every backend accepts verbatim, unique to this test. */
  uniqueName(label?: string): string
  /** Awaits a promise that must reject, scans the error for leaks and returns it. */
  rejection(promise: Promise<unknown>): Promise<unknown>
  /** Whether a proxied request is a read. */
  isRead(request: { method: string; path: string; headers: Record<string, unknown> }): boolean
  /** Whether a proxied request writes a value. */
  isValueWrite(request: { method: string; path: string; headers: Record<string, unknown> }): boolean
}

/** The store's capabilities when it declares them (stores built on the base class do). */
export function capabilitiesOf(store: SecretStore): Partial<SecretStoreCapabilities> {
  return (store as { capabilities?: SecretStoreCapabilities }).capabilities ?? {}
}
