import { secretNameProblem } from '@secret-store/core'

/**
 * Maps a portable secret name onto an AWS Secrets Manager name.
 *
 * The portable grammar allows `A-Z a-z 0-9 _ - . : /`; AWS allows letters, digits and `/ _ + = . @ -`.
 * The only character AWS lacks is `:`, which becomes `+`. Every other character maps to itself.
 * The mapping is injective because `+` is not in the portable grammar: an AWS name with a `+` can only
 * have come from a `:`, so `fromAwsSecretName` inverts it exactly. Lengths are unchanged (the portable
 * limit of 200 is below AWS's 512).
 *
 * A welcome side effect: a logical name can never be read by AWS as an ARN (`arn:aws:...` becomes
 * `arn+aws+...`), so `SecretId` always addresses a secret by its full name.
 *
 * @throws RangeError when `name` is not a portable secret name (the mapping is only injective on them).
 * @example
 * toAwsSecretName('tenant:acme:stripeApiKey') // 'tenant+acme+stripeApiKey'
 */
export function toAwsSecretName(name: string): string {
  const problem = secretNameProblem(name)
  if (problem !== undefined) throw new RangeError(`not a portable secret name: ${problem}`)
  return name.replaceAll(':', '+')
}

/**
 * The inverse of `toAwsSecretName`: turns an AWS secret name written by this adapter back into
 * its logical name.
 */
export function fromAwsSecretName(awsName: string): string {
  return awsName.replaceAll('+', ':')
}
