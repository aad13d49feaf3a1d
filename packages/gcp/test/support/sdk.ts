/**
 * Small helpers for tests that drive a Secret Manager backend through the official client.
 */
import { rejectionOf } from '@secret-store/testkit'

/** The gRPC status code a call that must fail rejected with (`err.code` on the client's errors). */
export async function codeOf(promise: Promise<unknown>): Promise<number | undefined> {
  const code = ((await rejectionOf(promise)) as { code?: unknown } | undefined)?.code
  return typeof code === 'number' ? code : undefined
}

/** The error a call that must fail rejected with, as the client shapes it. */
export async function grpcFailure(
  promise: Promise<unknown>,
): Promise<{ code?: number; details?: string; message: string }> {
  return (await rejectionOf(promise)) as { code?: number; details?: string; message: string }
}

/** A payload's data as UTF-8 text (the client hands bytes back as a Buffer). */
export function text(data: Uint8Array | string | null | undefined): string | undefined {
  if (data === null || data === undefined) return undefined
  return typeof data === 'string' ? data : Buffer.from(data).toString('utf8')
}
