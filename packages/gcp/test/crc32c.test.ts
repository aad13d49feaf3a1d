import { describe, expect, it } from 'vitest'
import { crc32c } from './support/crc32c.js'

const bytes = (length: number, at: (i: number) => number) => Uint8Array.from({ length }, (_, i) => at(i))

describe('crc32c', () => {
  it('matches the published check value and the RFC 3720 (iSCSI) test vectors', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
    expect(crc32c(new Uint8Array(0))).toBe(0)
    expect(crc32c(bytes(32, () => 0x00))).toBe(0x8a9136aa)
    expect(crc32c(bytes(32, () => 0xff))).toBe(0x62a8ab43)
    expect(crc32c(bytes(32, (i) => i))).toBe(0x46dd794e)
    expect(crc32c(bytes(32, (i) => 31 - i))).toBe(0x113fdb5c)
  })
})
