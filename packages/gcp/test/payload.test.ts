import { describe, expect, it } from 'vitest'
import { crc32c } from '../src/index.js'
import { checkPayload } from '../src/payload.js'
import { crc32c as independentCrc32c } from './support/crc32c.js'

describe('crc32c (the adapter)', () => {
  it('matches the published check value and the RFC 3720 test vectors', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
    expect(crc32c(new Uint8Array(0))).toBe(0)
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43)
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e)
  })

  it("agrees with the fake's independent implementation on random payloads up to 64 KiB", () => {
    let seed = 7
    const next = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0
      return seed >>> 24
    }
    for (const length of [1, 3, 255, 4_096, 65_536]) {
      const data = Uint8Array.from({ length }, next)
      expect(crc32c(data), String(length)).toBe(independentCrc32c(data))
    }
  })
})

describe('checkPayload', () => {
  const data = Buffer.from('s3cret ✓')
  const sum = crc32c(data)

  it('gives the text when the checksum (a decimal string, number or Long) matches', () => {
    for (const dataCrc32c of [String(sum), sum, { toString: () => String(sum) }]) {
      expect(checkPayload({ data, dataCrc32c }, true)).toEqual({ value: 's3cret ✓' })
    }
  })

  it('refuses a mismatch, a missing checksum (unless allowed) and bytes that are not UTF-8', () => {
    expect(checkPayload({ data, dataCrc32c: String(sum ^ 1) }, false)).toEqual({ problem: 'checksum-mismatch' })
    expect(checkPayload({ data, dataCrc32c: 'not a number' }, false)).toEqual({ problem: 'checksum-mismatch' })
    expect(checkPayload({ data, dataCrc32c: null }, true)).toEqual({ problem: 'no-checksum' })
    expect(checkPayload({ data }, false)).toEqual({ value: 's3cret ✓' })
    const binary = Buffer.from([0xc3, 0x28])
    expect(checkPayload({ data: binary, dataCrc32c: crc32c(binary) }, true)).toEqual({ problem: 'not-utf8' })
  })

  it('keeps a leading byte-order mark, as the bytes say', () => {
    const bom = Buffer.from('\ufeffvalue')
    expect(checkPayload({ data: bom, dataCrc32c: crc32c(bom) }, true)).toEqual({ value: '\ufeffvalue' })
  })
})
