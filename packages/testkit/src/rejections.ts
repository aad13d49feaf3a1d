import { inspect } from 'node:util'
import { SecretStoreError } from '@secret-store/core'
import { expect } from 'vitest'

/** Awaits a call that must fail and returns what it rejected with; throws when the call resolves. */
export function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to reject, but it resolved')
    },
    (err: unknown) => err,
  )
}

/**
 * Awaits a call that must fail with a `SecretStoreError` and returns the error. Each of `hidden`
 * (secret values, tokens) must then show nowhere in the error's `util.inspect` form (hidden fields and
 * causes included) or its JSON form.
 */
export async function secretStoreRejection(
  promise: Promise<unknown>,
  hidden: readonly string[] = [],
): Promise<SecretStoreError> {
  const error = await rejectionOf(promise)
  expect(error).toBeInstanceOf(SecretStoreError)
  if (hidden.length > 0) {
    const text = `${inspect(error, { depth: 10, showHidden: true })}${JSON.stringify(error)}`
    for (const secret of hidden) expect(text).not.toContain(secret)
  }
  return error as SecretStoreError
}
