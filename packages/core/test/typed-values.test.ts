import { bindSecrets, DefaultSecretStore, SecretFormatError, type SecretStore } from '@secret-store/core'
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { describe, expect, it, vi } from 'vitest'

class CountingMap extends Map<string, string> {
  reads = 0
  override get(name: string): string | undefined {
    this.reads++
    return super.get(name)
  }
}

/** A hand-written Standard Schema validator: `{ host: string, port: number }`, its output with a default `tls`. */
function dbSchema(validate = vi.fn()) {
  const schema: StandardSchemaV1<unknown, { host: string; port: number; tls: boolean }> = {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate(value) {
        validate(value)
        const v = value as Record<string, unknown>
        const issues: StandardSchemaV1.Issue[] = []
        if (typeof v?.host !== 'string')
          issues.push({ message: `host must be a string, got ${JSON.stringify(v?.host)}`, path: ['host'] })
        if (typeof v?.port !== 'number')
          issues.push({ message: `port must be a number, got ${JSON.stringify(v?.port)}`, path: [{ key: 'port' }] })
        if (issues.length > 0) return { issues }
        return { value: { host: v.host as string, port: v.port as number, tls: v.tls === true } }
      },
    },
  }
  return { schema, validate }
}

function setup() {
  const map = new CountingMap()
  const store = new DefaultSecretStore({ map, enableSet: true })
  return { map, store }
}

describe('getSecretJson', () => {
  it('parses once per value, freezes the result deeply, and reads a missing secret as undefined', async () => {
    const { map, store } = setup()
    map.set('db', '{"host":"db.internal","port":5432,"options":{"ssl":true}}')
    const parse = vi.spyOn(JSON, 'parse')
    try {
      const first = await store.getSecretJson('db')
      const second = await store.getSecretJson('db')
      expect(first).toEqual({ host: 'db.internal', port: 5432, options: { ssl: true } })
      expect(second).toBe(first)
      expect(parse).toHaveBeenCalledTimes(1)
      expect(Object.isFrozen(first)).toBe(true)
      expect(Object.isFrozen((first as { options: object }).options)).toBe(true)
    } finally {
      parse.mockRestore()
    }
    expect(await store.getSecretJson('missing')).toBeUndefined()
  })

  it('parses a new value after a write or a fresh read', async () => {
    const { map, store } = setup()
    map.set('db', '{"port":1}')
    expect(await store.getSecretJson('db')).toEqual({ port: 1 })
    map.set('db', '{"port":2}') // rotated behind the store's back
    expect(await store.getSecretJson('db')).toEqual({ port: 1 })
    expect(await store.getSecretJson('db', { forceFetch: true })).toEqual({ port: 2 })
    await store.setSecret('db', '{"port":3}')
    expect(await store.getSecretJson('db')).toEqual({ port: 3 })
  })

  it('refuses a value that is not JSON without quoting it', async () => {
    const { map, store } = setup()
    const value = 'hunter2-not-json-{'
    map.set('db', value)
    const error = await store.getSecretJson('db').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SecretFormatError)
    expect((error as SecretFormatError).code).toBe('INVALID_FORMAT')
    expect((error as SecretFormatError).message).toBe('secret "db" is not valid JSON')
    expect((error as Error).cause).toBeUndefined()
    expect(JSON.stringify(error)).not.toContain('hunter2')
  })

  it('validates with a Standard Schema once per value and schema, returning its output', async () => {
    const { map, store } = setup()
    map.set('db', '{"host":"db.internal","port":5432}')
    const { schema, validate } = dbSchema()
    const db = await store.getSecretJson('db', { schema })
    expect(db).toEqual({ host: 'db.internal', port: 5432, tls: false })
    // Typed by the schema's output.
    const port: number | undefined = db?.port
    expect(port).toBe(5432)
    expect(await store.getSecretJson('db', { schema })).toBe(db)
    expect(validate).toHaveBeenCalledTimes(1)
    expect(Object.isFrozen(db)).toBe(true)
  })

  it('names the failing paths but never the validator messages, which echo the value', async () => {
    const { map, store } = setup()
    map.set('db', '{"host":12345678,"port":"s3cr3t-port"}')
    const error = (await store
      .getSecretJson('db', { schema: dbSchema().schema })
      .catch((e: unknown) => e)) as SecretFormatError
    expect(error).toBeInstanceOf(SecretFormatError)
    expect(error.message).toBe('secret "db" does not match the schema (2 issues at host, port)')
    expect(error.paths).toEqual(['host', 'port'])
    const printed = `${error.message}${JSON.stringify(error)}${String(error.stack)}`
    expect(printed).not.toContain('s3cr3t-port')
    expect(printed).not.toContain('12345678')
  })

  it('takes an asynchronous validator', async () => {
    const { map, store } = setup()
    map.set('n', '41')
    const schema: StandardSchemaV1<unknown, number> = {
      '~standard': { version: 1, vendor: 'test', validate: async (v) => ({ value: (v as number) + 1 }) },
    }
    expect(await store.getSecretJson('n', { schema })).toBe(42)
  })
})

describe('getSecretBytes', () => {
  it('gives the UTF-8 bytes of a text secret, in a new array each time', async () => {
    const { map, store } = setup()
    map.set('cert', 'héllo')
    const a = await store.getSecretBytes('cert')
    const b = await store.getSecretBytes('cert')
    expect(a).toEqual(new Uint8Array(Buffer.from('héllo', 'utf8')))
    expect(a).not.toBe(b)
    a?.fill(0)
    expect(await store.getSecretBytes('cert')).toEqual(new Uint8Array(Buffer.from('héllo', 'utf8')))
    expect(await store.getSecretBytes('missing')).toBeUndefined()
  })
})

describe('typed reads through bindSecrets views', () => {
  it('scope the name, and parse locally over a plain PURISTA-shaped store', async () => {
    const { map, store } = setup()
    map.set('tenant:acme:db', '{"port":1}')
    const view = bindSecrets(store, { tenant: 'acme' })
    expect(await view.getSecretJson('db')).toEqual({ port: 1 })
    expect(await view.getSecretBytes('db')).toEqual(new Uint8Array(Buffer.from('{"port":1}')))
    const plain: SecretStore = {
      name: 'plain',
      getSecret: (...names) => store.getSecret(...names),
      setSecret: (n, v) => store.setSecret(n, v),
      removeSecret: (n) => store.removeSecret(n),
      destroy: () => store.destroy(),
    }
    const plainView = bindSecrets(plain, { tenant: 'acme' })
    expect(await plainView.getSecretJson('db', { schema: dbSchema().schema }).catch((e: unknown) => e)).toBeInstanceOf(
      SecretFormatError,
    )
    expect(await plainView.getSecretBytes('db')).toEqual(new Uint8Array(Buffer.from('{"port":1}')))
  })
})
