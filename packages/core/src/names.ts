/**
 * Secret names. A name means what the backend's own console shows: core only checks that a name is
 * safe to handle (a non-empty string of at most `SECRET_NAME_MAX_LENGTH` characters without control
 * characters), and each adapter decides, through its `backendName` hook, which names its backend
 * accepts. Names valid in the backend are sent verbatim.
 *
 * The handbook's tenant form `tenant:<tenant>:<name>` is the one shape every adapter knows: a backend
 * without `:` in its names maps it by one rule that its README documents (see `parseTenantName`).
 */
export const SECRET_NAME_MAX_LENGTH = 1024

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** Returns why `name` is not safe to handle as a secret name, or `undefined` when it is. */
export function secretNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `expected a string, got ${name === null ? 'null' : typeof name}`
  if (name.length === 0) return 'the name is empty'
  if (name.length > SECRET_NAME_MAX_LENGTH) return `longer than ${SECRET_NAME_MAX_LENGTH} characters`
  if (CONTROL_CHARACTER.test(name)) return 'control characters are not allowed'
  return undefined
}

/**
 * For backends whose names are paths (Vault's KV): why `name` is not a clean relative path, or
 * `undefined`. Every `/`-separated segment must name a child: no empty segment (a leading, trailing
 * or doubled `/`), and no `.` or `..`, so a name can never reach outside its mount or prefix.
 */
export function pathNameProblem(name: string): string | undefined {
  for (const segment of name.split('/')) {
    if (segment === '') return 'a path segment is empty (leading, trailing or doubled /)'
    if (segment === '.' || segment === '..') return 'a path segment is . or ..'
  }
  return undefined
}

/** What an adapter's `backendName` hook returns for a name its backend cannot hold. */
export interface InvalidBackendName {
  /** The backend rule the name breaks, as the error message should say it. */
  readonly invalid: string
}

/** The result of a `backendName` hook: the backend's name, or the rule a name breaks. */
export type BackendName = string | InvalidBackendName

/** The tenant ids `bindSecrets` accepts: 1 to 64 letters, digits, `_` and `-`. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

/**
 * Splits the handbook's tenant form `tenant:<tenant>:<name>` (the form `bindSecrets` writes), or
 * returns `undefined` for any other name. The tenant id never contains `:`, so the split is unique.
 *
 * @example
 * parseTenantName('tenant:acme:stripeApiKey') // { tenant: 'acme', name: 'stripeApiKey' }
 */
export function parseTenantName(name: string): { tenant: string; name: string } | undefined {
  if (!name.startsWith('tenant:')) return undefined
  const end = name.indexOf(':', 7)
  if (end < 0) return undefined
  const tenant = name.slice(7, end)
  if (!TENANT_ID_PATTERN.test(tenant)) return undefined
  return { tenant, name: name.slice(end + 1) }
}

/** A name safe to echo in an error message: truncated and without control characters. */
export function printableName(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?')
  return clean.length > 64 ? `${clean.slice(0, 61)}...` : clean
}
