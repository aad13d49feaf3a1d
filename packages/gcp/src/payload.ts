/**
 * Secret payloads: the CRC-32C (Castagnoli) checksum Secret Manager keeps in `data_crc32c`, and the
 * checks a payload passes before its value is handed out.
 *
 * Node has no CRC-32C built in (`zlib.crc32` is the IEEE polynomial, which gives other values); a
 * table-driven loop is plenty for payloads of at most 64 KiB.
 */

/** The reflected Castagnoli polynomial 0x1EDC6F41. */
const POLYNOMIAL = 0x82f63b78

const TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/** The CRC-32C of `data` as an unsigned 32-bit integer: `crc32c(Buffer.from('123456789')) === 0xe3069283`. */
export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of data) crc = (TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

/** What `payload` fails, or its text. */
export type PayloadCheck = { value: string } | { problem: 'no-checksum' | 'checksum-mismatch' | 'not-utf8' }

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** The checksum as the client decodes the int64: a decimal string, a number or a Long. */
function checksumOf(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined
  const number = Number(typeof value === 'object' ? String(value) : value)
  return Number.isSafeInteger(number) ? number : Number.NaN
}

/**
 * Verifies a payload of AccessSecretVersion and decodes it. A present `data_crc32c` must match the data;
 * an absent one is refused unless `requireChecksum` is off. Bytes that are not UTF-8 are refused rather
 * than turned into U+FFFD.
 */
export function checkPayload(
  payload: { data?: Uint8Array | string | null; dataCrc32c?: unknown } | null | undefined,
  requireChecksum: boolean,
): PayloadCheck {
  const raw = payload?.data
  const data =
    raw === null || raw === undefined ? new Uint8Array(0) : typeof raw === 'string' ? Buffer.from(raw, 'base64') : raw
  const expected = checksumOf(payload?.dataCrc32c)
  if (expected === undefined) {
    if (requireChecksum) return { problem: 'no-checksum' }
  } else if (expected !== crc32c(data)) {
    return { problem: 'checksum-mismatch' }
  }
  try {
    return { value: utf8.decode(data) }
  } catch {
    return { problem: 'not-utf8' }
  }
}
