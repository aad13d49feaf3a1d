import { expectTenantIsolation } from '@secret-store/testkit'
import { describe, expect, it } from 'vitest'
import { AWS_SECRET_NAME_MAX_LENGTH, awsSecretId } from '../src/index.js'

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf'

describe('awsSecretId', () => {
  it('sends every name AWS accepts verbatim, ARNs included', () => {
    for (const name of [
      '/prod/app/db-password',
      'rds!db-1a2b3c',
      'svc@example',
      'a+b=c.d_e-f/g',
      'x'.repeat(AWS_SECRET_NAME_MAX_LENGTH),
      ARN,
      'arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:db-AbCdEf',
    ]) {
      expect(awsSecretId(name), name).toBe(name)
    }
  })

  it('stores the tenant form as tenant/<tenant>/<name>', () => {
    expect(awsSecretId('tenant:acme:stripeApiKey')).toBe('tenant/acme/stripeApiKey')
    expect(awsSecretId('tenant:acme-corp:db/password')).toBe('tenant/acme-corp/db/password')
  })

  it('refuses what AWS refuses, naming AWS rule', () => {
    for (const name of [
      'a b',
      'a:b',
      'tenant:acme:',
      'tenant:acme:a:b',
      'tenant:a.b:c',
      'ünïcode',
      'x'.repeat(AWS_SECRET_NAME_MAX_LENGTH + 1),
      'arn:aws:s3:::bucket',
    ]) {
      const result = awsSecretId(name)
      expect(typeof result === 'object' ? result.invalid : result, name).toMatch(/^AWS Secrets Manager names are/)
    }
  })

  it('never lets two tenants reach the same secret (10,000 generated cases and their neighbours)', () => {
    expectTenantIsolation({
      backendName: awsSecretId,
      nameAlphabet: 'abAB01/_+=.@!-',
      tricky: '/-_:.',
      cases: 10_000,
      seed: 8,
    })
  })
})
