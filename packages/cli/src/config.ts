/**
 * The config file: which stores exist and how each is built. `secret-store.config.json` (or `.ts`,
 * `.mjs`, `.js` with a default export) in the working directory, or the file given with `--config`.
 *
 * @example
 * {
 *   "defaultStore": "aws",
 *   "stores": {
 *     "aws": { "adapter": "aws", "options": { "region": "eu-west-1" } },
 *     "vault": { "adapter": "vault", "options": { "endpoint": "https://vault:8200", "token": { "$env": "VAULT_TOKEN" }, "enableSet": true } },
 *     "local": { "adapter": "dotenv", "path": ".env" }
 *   }
 * }
 */
import { existsSync, readFileSync } from 'node:fs'
import { extname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CliError } from './exit-codes.js'

export const ADAPTER_NAMES = ['aws', 'azure', 'gcp', 'infisical', 'vault', 'dapr'] as const
export type AdapterName = (typeof ADAPTER_NAMES)[number]

/** A value taken from an environment variable when the config is loaded: `{ "$env": "VAULT_TOKEN" }`. */
export interface EnvReference {
  $env: string
}

/** A store built by one of the adapters, with the options its constructor takes. */
export interface AdapterStoreEntry {
  adapter: AdapterName
  /**
   * The adapter's constructor options, as in code (`enableSet`, `enableRemove`, `timeoutMs` too). Any
   * value may be `{ "$env": "NAME" }`. Credentials not given come from the SDK's own default chain.
   */
  options?: Record<string, unknown>
}

/** A `.env` file as a read-only source (for `copy --from` and `diff`). */
export interface DotenvStoreEntry {
  adapter: 'dotenv'
  /** The file, relative to the config file. */
  path: string
}

export type StoreEntry = AdapterStoreEntry | DotenvStoreEntry

export interface CliConfig {
  /** The store `get`, `set`, `rm` and `check` use without `--store`. @default the only store, when there is one */
  defaultStore?: string
  stores: Record<string, StoreEntry>
}

/** Types a `secret-store.config.ts`: `export default defineConfig({ stores: { ... } })`. */
export function defineConfig(config: CliConfig): CliConfig {
  return config
}

export const CONFIG_FILE_NAMES = [
  'secret-store.config.json',
  'secret-store.config.ts',
  'secret-store.config.mjs',
  'secret-store.config.js',
]

export interface LoadedConfig {
  config: CliConfig
  /** The file it came from. */
  file: string
  /** Where `{ "$env": "NAME" }` values come from. */
  env: Record<string, string | undefined>
}

/** Finds, loads, checks and resolves the config file. Throws `CliError` (usage) saying what is wrong. */
export async function loadConfig(
  explicit: string | undefined,
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<LoadedConfig> {
  const file =
    explicit !== undefined
      ? resolve(cwd, explicit)
      : CONFIG_FILE_NAMES.map((name) => resolve(cwd, name)).find(existsSync)
  if (file === undefined) {
    throw new CliError(`no config file: create ${CONFIG_FILE_NAMES[0]} in ${cwd} or pass --config <file>`)
  }
  if (!existsSync(file)) throw new CliError(`config file not found: ${file}`)
  let raw: unknown
  try {
    if (extname(file) === '.json') raw = JSON.parse(readFileSync(file, 'utf8'))
    else raw = ((await import(pathToFileURL(file).href)) as { default?: unknown }).default
  } catch (err) {
    throw new CliError(`cannot read config file ${file}: ${(err as Error).message}`)
  }
  return { config: checkConfig(raw, file), file, env }
}

/**
 * Replaces every `{ "$env": "NAME" }` in `value` with the variable's value. Done per store when it is
 * opened, so a variable only one store needs is not needed by commands on the others.
 */
export function resolveEnv(value: unknown, env: Record<string, string | undefined>, at: string): unknown {
  if (Array.isArray(value)) return value.map((item, i) => resolveEnv(item, env, `${at}[${i}]`))
  if (typeof value !== 'object' || value === null) return value
  // Only plain objects are looked into: what a .ts or .mjs config built (a credential, a client, gRPC
  // channel credentials) goes to the adapter as it is, since a copy would lose its class and methods.
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return value
  const entries = Object.entries(value)
  if (entries.length === 1 && entries[0]?.[0] === '$env') {
    const name = entries[0][1]
    if (typeof name !== 'string') throw new CliError(`config ${at}: $env takes the name of an environment variable`)
    const resolved = env[name]
    if (resolved === undefined) throw new CliError(`config ${at}: the environment variable ${name} is not set`)
    return resolved
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolveEnv(item, env, at ? `${at}.${key}` : key)]))
}

function checkConfig(raw: unknown, file: string): CliConfig {
  const fail = (reason: string): never => {
    throw new CliError(`invalid config file ${file}: ${reason}`)
  }
  if (typeof raw !== 'object' || raw === null) return fail('expected an object with "stores"')
  const { stores, defaultStore, ...rest } = raw as Record<string, unknown>
  const unknown = Object.keys(rest)
  if (unknown.length > 0) fail(`unknown key ${unknown.map((k) => `"${k}"`).join(', ')} (allowed: stores, defaultStore)`)
  if (typeof stores !== 'object' || stores === null || Object.keys(stores).length === 0) {
    return fail('"stores" must name at least one store')
  }
  for (const [name, entry] of Object.entries(stores)) {
    if (typeof entry !== 'object' || entry === null) fail(`store "${name}" must be an object`)
    const { adapter, options, path, ...extra } = entry as Record<string, unknown>
    const allowed = [...ADAPTER_NAMES, 'dotenv']
    if (typeof adapter !== 'string' || !allowed.includes(adapter)) {
      fail(`store "${name}": "adapter" must be one of ${allowed.join(', ')}`)
    }
    const keys = adapter === 'dotenv' ? ['adapter', 'path'] : ['adapter', 'options']
    const stray = Object.keys(extra).concat(
      adapter === 'dotenv' ? (options === undefined ? [] : ['options']) : path === undefined ? [] : ['path'],
    )
    if (stray.length > 0)
      fail(`store "${name}": unknown key ${stray.map((k) => `"${k}"`).join(', ')} (allowed: ${keys.join(', ')})`)
    if (adapter === 'dotenv' && typeof path !== 'string') fail(`store "${name}": a dotenv store needs "path"`)
    if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
      fail(`store "${name}": "options" must be an object`)
    }
  }
  if (defaultStore !== undefined && (typeof defaultStore !== 'string' || !(defaultStore in stores))) {
    fail(`"defaultStore" must name one of the stores (${Object.keys(stores).join(', ')})`)
  }
  return raw as CliConfig
}
