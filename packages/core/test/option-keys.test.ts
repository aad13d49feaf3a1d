import { ConfigurationError, type StoreBaseOptions } from '@secret-store/core'
import {
  checkOptionKeys,
  oneSpelling,
  optionKeys,
  type SplitStoreOptions,
  splitStoreOptions,
} from '@secret-store/core/adapter'
import { describe, expect, it } from 'vitest'

type ExampleOptions = StoreBaseOptions & { region?: string } & ({ client: object; url?: never } | { url: string })
const KEYS = optionKeys<SplitStoreOptions<ExampleOptions>['own']>()(['region', 'client', 'url'])

function thrown(run: () => void): ConfigurationError {
  try {
    run()
  } catch (err) {
    if (err instanceof ConfigurationError) return err
    throw err
  }
  throw new Error('no error thrown')
}

describe('checkOptionKeys', () => {
  it('accepts the shared keys and the listed ones', () => {
    const { own } = splitStoreOptions({ region: 'x', url: 'u', enableSet: true, cacheTtl: 5 } as ExampleOptions)
    expect(() => checkOptionKeys('ExampleStore', own, KEYS)).not.toThrow()
    expect(() => checkOptionKeys('ExampleStore', { enableGet: true, timeoutMs: 5 }, KEYS)).not.toThrow()
  })

  it('names each unknown key, the nearest accepted one, and lists every accepted key', () => {
    const error = thrown(() => checkOptionKeys('ExampleStore', { regoin: 'x', enableCahce: true, zzz: 1 }, KEYS))
    expect(error.code).toBe('CONFIGURATION')
    expect(error.store).toBe('ExampleStore')
    expect(error.retryable).toBe(false)
    expect(error.message).toContain('unknown options "regoin" (did you mean "region"?)')
    expect(error.message).toContain('"enableCahce" (did you mean "enableCache"?)')
    expect(error.message).toMatch(/"zzz"[,;]/)
    expect(error.message).not.toContain('"zzz" (did you mean')
    for (const key of ['region', 'client', 'url', 'enableGet', 'cache', 'timeoutMs', 'logLevel']) {
      expect(error.message).toContain(key)
    }
  })

  it('suggests the accepted key for a case difference', () => {
    expect(thrown(() => checkOptionKeys('ExampleStore', { URL: 'u' }, KEYS)).message).toContain(
      '"URL" (did you mean "url"?)',
    )
  })

  it('a key list must be complete at compile time', () => {
    // @ts-expect-error 'url' is missing from the list
    const incomplete = optionKeys<SplitStoreOptions<ExampleOptions>['own']>()(['region', 'client'])
    // @ts-expect-error 'nope' is not an option
    const wrong = optionKeys<SplitStoreOptions<ExampleOptions>['own']>()(['region', 'client', 'url', 'nope'])
    expect(incomplete).toEqual(['region', 'client'])
    expect(wrong).toHaveLength(4)
  })
})

describe('oneSpelling', () => {
  it('refuses both spellings of one setting, and ignores keys set to undefined', () => {
    const error = thrown(() =>
      oneSpelling(
        'ExampleStore',
        { clientOptions: {}, options: {} },
        ['clientOptions'],
        ['options'],
        'the client options',
      ),
    )
    expect(error.message).toBe(
      'secret store "ExampleStore" is misconfigured: the client options is given twice: pass either clientOptions or options, not both',
    )
    expect(() =>
      oneSpelling('S', { clientOptions: {}, options: undefined }, ['clientOptions'], ['options'], 'x'),
    ).not.toThrow()
    expect(() => oneSpelling('S', { options: {} }, ['clientOptions'], ['options'], 'x')).not.toThrow()
  })
})
