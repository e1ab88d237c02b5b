import type { Payload, PayloadCodec } from '@temporalio/common';

/** A payload as the Temporal Web UI and CLI send it to a remote codec: metadata values and data in base64. */
interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

/** Runs the codec over a `{ payloads: [...] }` body, as the remote codec contract of the Web UI expects. */
export async function runCodec(
  codecs: PayloadCodec[],
  direction: 'encode' | 'decode',
  body: unknown,
): Promise<{ payloads: JsonPayload[] }> {
  const given = (body as { payloads?: unknown } | null)?.payloads;
  // The temporal CLI posts `{}` for a query or signal without arguments (protobuf JSON omits empty lists).
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  const list = isObject && given === undefined ? [] : given;
  if (!Array.isArray(list)) throw new TypeError('the body must be { "payloads": [...] }');
  let payloads: Payload[] = list.map((p: JsonPayload) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  }));
  const ordered = direction === 'encode' ? codecs : [...codecs].reverse();
  for (const codec of ordered) payloads = await codec[direction](payloads);
  return {
    payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(
        Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
      data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
    })),
  };
}
