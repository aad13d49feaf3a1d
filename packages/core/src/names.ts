/**
 * The portable secret-name grammar. Every adapter accepts every name that passes
 * `validateSecretName` and maps it injectively onto its backend's charset.
 *
 * - 1 to 200 characters from `A-Z a-z 0-9 _ - . : /`
 * - starts with a letter, digit or `_`
 * - `/` separates path segments: no empty segment (`a//b`, trailing `/`) and no `.` or `..` segment
 *
 * `:` is the tenant separator of the handbook (`tenant:acme:stripeApiKey`).
 */
export const SECRET_NAME_MAX_LENGTH = 200

const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.:/-]*$/

/** Returns why `name` is not a portable secret name, or `undefined` when it is one. */
export function secretNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `expected a string, got ${name === null ? 'null' : typeof name}`
  if (name.length === 0) return 'the name is empty'
  if (name.length > SECRET_NAME_MAX_LENGTH) return `longer than ${SECRET_NAME_MAX_LENGTH} characters`
  if (!NAME_PATTERN.test(name)) {
    return 'only letters, digits and _ - . : / are allowed, and the first character must be a letter, digit or _'
  }
  if (name.includes('/')) {
    for (const segment of name.split('/')) {
      if (segment === '') return 'empty path segment'
      if (segment === '.' || segment === '..') return 'relative path segment'
    }
  }
  return undefined
}

/** A name safe to echo in an error message: truncated and without control characters. */
export function printableName(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, '?')
  return clean.length > 64 ? `${clean.slice(0, 61)}...` : clean
}
