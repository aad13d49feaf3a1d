import { DefaultSecretStore, SecretFormatError } from '@secret-store/core'
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { type } from 'arktype'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { LeakDetector } from '../src/index.js'

// Validators put the offending input into their issues (valibot's `input`/`received`, arktype's "(was ...)",
// and any hand-written message). getSecretJson must keep all of that out of its error; the leak detector
// proves it, and proves it would notice if the raw issues got through.
const schemas: Array<[string, (secret: string) => { schema: StandardSchemaV1; value: unknown }]> = [
  [
    'zod',
    (secret) => ({
      schema: z.object({
        host: z.string(),
        password: z
          .string()
          .refine((p) => p.length > 100, { error: (issue) => `weak password: ${String(issue.input)}` }),
      }),
      value: { host: 'db', password: secret },
    }),
  ],
  [
    'valibot',
    (secret) => ({ schema: v.object({ host: v.string(), port: v.number() }), value: { host: 'db', port: secret } }),
  ],
  [
    'arktype',
    (secret) => ({
      schema: type({ host: 'string', password: 'string.email' }),
      value: { host: 'db', password: secret },
    }),
  ],
]

describe('getSecretJson with real Standard Schema validators', () => {
  it.each(schemas)(
    '%s: a failing value gives a SecretFormatError the leak detector finds clean',
    async (_name, make) => {
      const detector = new LeakDetector()
      const secret = detector.secret()
      const { schema, value } = make(secret)
      const store = new DefaultSecretStore({ logger: detector.logger, config: { db: JSON.stringify(value) } })
      const error = await store.getSecretJson('db', { schema }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(SecretFormatError)
      detector.scanError('getSecretJson error', error)
      detector.assertNoLeaks()

      // The raw issues of the same validator hold the value: the detector flags them.
      const raw = await schema['~standard'].validate(value)
      expect(raw.issues?.length).toBeGreaterThan(0)
      detector.scan('raw validator issues', raw.issues)
      expect(() => detector.assertNoLeaks()).toThrow()
      await store.destroy()
    },
  )

  it.each(schemas)('%s: a matching value comes back as the schema output, validated once', async (name) => {
    const good: Record<string, [StandardSchemaV1, unknown]> = {
      zod: [z.object({ host: z.string(), port: z.coerce.number() }), { host: 'db', port: '5432' }],
      valibot: [v.object({ host: v.string(), port: v.number() }), { host: 'db', port: 5432 }],
      arktype: [type({ host: 'string', port: 'number' }), { host: 'db', port: 5432 }],
    }
    const [schema, value] = good[name] as [StandardSchemaV1, unknown]
    const store = new DefaultSecretStore({ config: { db: JSON.stringify(value) } })
    const first = await store.getSecretJson('db', { schema })
    expect(first).toEqual({ host: 'db', port: 5432 })
    expect(await store.getSecretJson('db', { schema })).toBe(first)
    await store.destroy()
  })
})
