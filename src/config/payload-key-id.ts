import { createHash } from 'node:crypto';

/** What a payload key id may look like: it travels in plaintext payload metadata and in `id:key` entries. */
export const PAYLOAD_KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A short, stable, non-secret id for a key: the first 8 hex digits of its SHA-256. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}
