/**
 * CRC-32C (Castagnoli), the checksum Secret Manager keeps in `SecretPayload.data_crc32c`, for the fake's
 * side. Deliberately computed another way than the adapter's table-driven version (bit by bit), so the
 * two check each other instead of sharing a mistake. Node has no CRC-32C built in (`zlib.crc32` is IEEE).
 */

/** The reflected Castagnoli polynomial 0x1EDC6F41. */
const POLYNOMIAL = 0x82f63b78

/** The CRC-32C of `data` as an unsigned 32-bit integer, e.g. `crc32c(Buffer.from('123456789')) === 0xe3069283`. */
export function crc32c(data: Uint8Array): number {
  let crc = ~0
  for (const byte of data) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (POLYNOMIAL & -(crc & 1))
  }
  return ~crc >>> 0
}
