import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { keyIdOf } from '../config/payload-key-id';
import type { TemporalConfig } from '../config/types';

const ENCODING = 'binary/encrypted';
const KEY_ID_FIELD = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const text = new TextEncoder();
const untext = new TextDecoder();

/**
 * Encrypts every payload (workflow inputs, results, signals, queries, memos) with AES-256-GCM before it reaches the
 * Temporal server, so session tokens and alert contents are never stored in plaintext history. The key id travels in
 * the payload's metadata so keys can rotate; payloads that are not encrypted pass through decode untouched.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;

  constructor(
    private readonly currentKeyId: string,
    keys: Record<string, Buffer>,
  ) {
    this.keys = new Map(Object.entries(keys));
    if (!this.keys.has(currentKeyId)) throw new Error(`payload codec: no key with id ${currentKeyId}`);
  }

  /** Encrypts each payload whole (data and metadata) into one opaque payload. */
  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.currentKeyId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: text.encode(ENCODING), [KEY_ID_FIELD]: text.encode(this.currentKeyId) },
        data: sealed,
      };
    });
  }

  /** Decrypts payloads this codec (or one with a known older key) encrypted. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.encoding;
      if (!encoding || untext.decode(encoding) !== ENCODING) return payload;
      const keyIdBytes = payload.metadata?.[KEY_ID_FIELD];
      const keyId = keyIdBytes ? untext.decode(keyIdBytes) : '';
      const key = this.keys.get(keyId);
      if (!key) {
        // Ids are not secret (they travel in plaintext metadata); naming the known ones shows which key is missing.
        throw new Error(
          `payload codec: payload was encrypted with unknown key id '${keyId}' (known: ${[...this.keys.keys()].join(', ')}); ` +
            `add that key to PAYLOAD_ENCRYPTION_PREVIOUS_KEYS as ${keyId}:<base64 key>`,
        );
      }
      const data = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/**
 * Builds the codec from the current 32-byte key plus previous keys that only decrypt, each under its own id (given, or
 * derived from the key), or no codec when encryption is explicitly off.
 */
export function payloadCodecsFor(encryption: TemporalConfig['encryption']): PayloadCodec[] {
  if (!encryption.key) return [];
  const id = encryption.keyId ?? keyIdOf(encryption.key);
  const keys: Record<string, Buffer> = {};
  // History written under a custom id stays readable only if the key keeps that id once it is a previous key.
  for (const old of encryption.previousKeys ?? []) keys[old.id ?? keyIdOf(old.key)] = old.key;
  keys[id] = encryption.key;
  return [new AesGcmPayloadCodec(id, keys)];
}
