import type { EnvReader } from './env-reader';
import { PAYLOAD_KEY_ID, keyIdOf } from './payload-key-id';
import type { PreviousPayloadKey, TemporalConfig } from './types';

/**
 * The payload key: 32 bytes, base64, from PAYLOAD_ENCRYPTION_KEY(_FILE), with its id and the previous keys that still
 * decrypt. Session tokens travel in workflow history, so running without a key must be chosen with PAYLOAD_ENCRYPTION=off.
 */
export function readEncryption(reader: EnvReader): TemporalConfig['encryption'] {
  const mode = reader.oneOf('PAYLOAD_ENCRYPTION', ['on', 'off'] as const, 'on', false);
  const encoded = reader.secret('PAYLOAD_ENCRYPTION_KEY', mode === 'on');
  const keyId = reader.optional('PAYLOAD_ENCRYPTION_KEY_ID');
  if (mode === 'off') return {};
  if (encoded === undefined) return {};
  const key = Buffer.from(encoded, 'base64');
  const keyValid = key.length === 32;
  if (!keyValid)
    reader.problems.push('PAYLOAD_ENCRYPTION_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)');
  if (keyId !== undefined && !PAYLOAD_KEY_ID.test(keyId)) {
    reader.problems.push('PAYLOAD_ENCRYPTION_KEY_ID must be 1-64 letters, digits, dots, dashes or underscores');
  }
  const previousKeys = readPreviousKeys(reader, keyValid ? (keyId ?? keyIdOf(key)) : undefined);
  return keyValid ? { key, keyId, previousKeys } : {};
}

/**
 * PAYLOAD_ENCRYPTION_PREVIOUS_KEYS(_FILE): comma-separated `id:base64key` or `base64key` (id derived from the key).
 * Base64 has no ':', so the first one ends the id. Every id must be unique, the current key's included: a payload
 * names its key by id alone. Problems name entries by position and never repeat a key.
 */
function readPreviousKeys(reader: EnvReader, currentId: string | undefined): PreviousPayloadKey[] {
  const label = 'PAYLOAD_ENCRYPTION_PREVIOUS_KEYS';
  const entries = (reader.secret(label, false) ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const owners = new Map<string, string>(currentId === undefined ? [] : [[currentId, 'PAYLOAD_ENCRYPTION_KEY']]);
  const keys: PreviousPayloadKey[] = [];
  for (const [i, entry] of entries.entries()) {
    const at = `${label} entry ${i + 1}`;
    const colon = entry.indexOf(':');
    const id = colon === -1 ? undefined : entry.slice(0, colon).trim();
    const key = Buffer.from(colon === -1 ? entry : entry.slice(colon + 1).trim(), 'base64');
    if (id !== undefined && !PAYLOAD_KEY_ID.test(id)) {
      // Not repeated: a mangled entry may have its key where the id should be.
      reader.problems.push(
        `${at} must name its key with 1-64 letters, digits, dots, dashes or underscores before the ':'`,
      );
      continue;
    }
    if (key.length !== 32) {
      reader.problems.push(`${at} must be a 32-byte base64 key, optionally after its id (id:key)`);
      continue;
    }
    const effectiveId = id ?? keyIdOf(key);
    const owner = owners.get(effectiveId);
    if (owner !== undefined) {
      reader.problems.push(
        `${at} has the key id '${effectiveId}', already used by ${owner}: a payload names its key by id alone`,
      );
      continue;
    }
    owners.set(effectiveId, `entry ${i + 1}`);
    keys.push(id === undefined ? { key } : { id, key });
  }
  return keys;
}
