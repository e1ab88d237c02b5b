import { randomBytes } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { payloadCodecsFor } from '../../src/client/payload-codec';

/** A payload reduced to comparable text: proto decoding yields Buffers where the input had Uint8Arrays. */
const plain = (p: Payload | undefined) => ({
  encoding: new TextDecoder().decode(p?.metadata?.encoding),
  data: new TextDecoder().decode(p?.data ?? undefined),
});

const payload: Payload = {
  metadata: { encoding: new TextEncoder().encode('json/plain') },
  data: new TextEncoder().encode('{"token":"s3cr3t"}'),
};

test('a payload round-trips and is not readable on the way', async () => {
  const [codec] = payloadCodecsFor({ key: randomBytes(32) });
  const [sealed] = await codec!.encode([payload]);
  expect(Buffer.from(sealed!.data!).toString('utf8')).not.toContain('s3cr3t');
  expect(new TextDecoder().decode(sealed!.metadata!.encoding)).toBe('binary/encrypted');
  expect(plain((await codec!.decode([sealed!]))[0])).toEqual(plain(payload));
});

test('after a key rotation old history still decrypts, new payloads use the new key', async () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const [before] = payloadCodecsFor({ key: oldKey });
  const [after] = payloadCodecsFor({ key: newKey, previousKeys: [{ key: oldKey }] });
  const [oldSealed] = await before!.encode([payload]);
  expect(plain((await after!.decode([oldSealed!]))[0])).toEqual(plain(payload));
  const [newSealed] = await after!.encode([payload]);
  expect(newSealed!.metadata!['encryption-key-id']).not.toEqual(oldSealed!.metadata!['encryption-key-id']);
  await expect(before!.decode([newSealed!])).rejects.toThrow(/unknown key id/);
});

test('a key written under a custom id keeps decrypting once it is a previous key listed as id:key', async () => {
  const keyA = randomBytes(32);
  const keyB = randomBytes(32);
  const [underA] = payloadCodecsFor({ key: keyA, keyId: 'k-2026' });
  const [sealed] = await underA!.encode([payload]);
  expect(new TextDecoder().decode(sealed!.metadata!['encryption-key-id'])).toBe('k-2026');

  const [rotated] = payloadCodecsFor({ key: keyB, previousKeys: [{ id: 'k-2026', key: keyA }] });
  expect(plain((await rotated!.decode([sealed!]))[0])).toEqual(plain(payload));

  // Listed by its derived id only, key A is filed under the wrong name: the payload cannot find it, and says how to fix it.
  const [derivedOnly] = payloadCodecsFor({ key: keyB, previousKeys: [{ key: keyA }] });
  await expect(derivedOnly!.decode([sealed!])).rejects.toThrow(
    /unknown key id 'k-2026' \(known: [0-9a-f]{8}, [0-9a-f]{8}\); add that key to PAYLOAD_ENCRYPTION_PREVIOUS_KEYS as k-2026:<base64 key>/,
  );
});

test('a tampered payload is refused', async () => {
  const [codec] = payloadCodecsFor({ key: randomBytes(32) });
  const [sealed] = await codec!.encode([payload]);
  const data = Buffer.from(sealed!.data!);
  data[20] = (data[20] ?? 0) ^ 1;
  await expect(codec!.decode([{ ...sealed!, data }])).rejects.toThrow();
});

test('without a key there is no codec (PAYLOAD_ENCRYPTION=off)', () => {
  expect(payloadCodecsFor({})).toEqual([]);
});
