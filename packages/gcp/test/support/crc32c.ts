/**
 * CRC-32C (Castagnoli), the checksum Secret Manager keeps in `SecretPayload.data_crc32c`.
 *
 * Node has no CRC-32C built in: `zlib.crc32` is CRC-32 (IEEE polynomial), which gives other values.
 * A table-driven byte-at-a-time loop is plenty for payloads of at most 64 KiB.
 */

/** The reflected Castagnoli polynomial 0x1EDC6F41. */
const POLYNOMIAL = 0x82f63b78

const TABLE = buildTable()

function buildTable(): Uint32Array {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1
    table[n] = c >>> 0
  }
  return table
}

/** The CRC-32C of `data` as an unsigned 32-bit integer, e.g. `crc32c(Buffer.from('123456789')) === 0xe3069283`. */
export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of data) crc = (TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}
