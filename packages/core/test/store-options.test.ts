import type { SecretStoreLogger, StoreBaseOptions } from '@secret-store/core'
import { splitStoreOptions } from '@secret-store/core/adapter'
import { describe, expect, expectTypeOf, it } from 'vitest'

const logger: SecretStoreLogger = { debug() {}, info() {}, warn() {}, error() {} }

type ExampleOptions = StoreBaseOptions & { region?: string } & ({ client: object; url?: never } | { url: string })

describe('splitStoreOptions', () => {
  it('puts the shared options in base and everything else in own', () => {
    const shared: StoreBaseOptions = {
      enableGet: false,
      enableSet: true,
      enableRemove: true,
      logger,
      cache: { ttlMs: 1_000 },
      maxConcurrency: 3,
      logLevel: 'warn',
    }
    const options: ExampleOptions = { ...shared, region: 'eu-west-1', url: 'http://127.0.0.1:1' }
    const { base, own } = splitStoreOptions(options)
    expect(base).toEqual(shared)
    expect(base.logger).toBe(logger)
    expect(own).toEqual({ region: 'eu-west-1', url: 'http://127.0.0.1:1' })
  })

  it('keeps every shared key in base, undefined when not given, and leaves the options untouched', () => {
    const options = { url: 'http://127.0.0.1:1', cache: false as const }
    const { base, own } = splitStoreOptions(options)
    expect(Object.keys(base).sort()).toEqual(
      [
        'cache',
        'cacheTtl',
        'enableCache',
        'enableGet',
        'enableRemove',
        'enableSet',
        'logLevel',
        'logger',
        'maxConcurrency',
        'nameTransform',
        'timeoutMs',
        'attemptTimeoutMs',
        'retry',
      ].sort(),
    )
    expect(base).toEqual({
      enableGet: undefined,
      enableSet: undefined,
      enableRemove: undefined,
      logger: undefined,
      cache: false,
      maxConcurrency: undefined,
      enableCache: undefined,
      cacheTtl: undefined,
      logLevel: undefined,
      nameTransform: undefined,
      timeoutMs: undefined,
      attemptTimeoutMs: undefined,
      retry: undefined,
    })
    expect(own).toEqual({ url: 'http://127.0.0.1:1' })
    expect(options).toEqual({ url: 'http://127.0.0.1:1', cache: false })
  })

  it('copies the own options, including unknown keys, without the shared ones', () => {
    const client = {}
    const options = { client, enableSet: true, extra: 1 } as ExampleOptions
    const { own } = splitStoreOptions(options)
    expect(own).not.toBe(options)
    expect(own).toEqual({ client, extra: 1 })
    expect((own as { client?: object }).client).toBe(client)
    expect('enableSet' in own).toBe(false)
  })

  it('types base as the shared options and own as the rest, one union member at a time', () => {
    const { base, own } = splitStoreOptions({ url: 'x' } as ExampleOptions)
    expectTypeOf(base).toEqualTypeOf<StoreBaseOptions>()
    expectTypeOf(own).toEqualTypeOf<
      | Omit<StoreBaseOptions & { region?: string } & { client: object; url?: never }, keyof StoreBaseOptions>
      | Omit<StoreBaseOptions & { region?: string } & { url: string }, keyof StoreBaseOptions>
    >()
    expectTypeOf(own).not.toHaveProperty('enableGet')
    expectTypeOf(own).not.toHaveProperty('maxConcurrency')
  })
})
