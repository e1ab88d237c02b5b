import type { IncomingMessage } from 'node:http';
import { WebError, WebErrorCode } from './web-error';

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Largest form body accepted (the codec sign-in: one token field). */
export const MAX_FORM_BYTES = 4096;

/** The media type of a request, lower case, without parameters; '' when absent. */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Reads a JSON body (application/json, at most 1 MB). */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  if (mediaType(req) !== 'application/json')
    throw new WebError(415, WebErrorCode.unsupportedMediaType, 'the body must be application/json');
  return parseJson(await readBody(req, MAX_BODY_BYTES));
}

/**
 * Reads the body of an operation that takes none: empty, or JSON (ignored). Anything else is refused, so an HTML
 * form (urlencoded, multipart, text/plain: the only bodies a cross-site page can post without a preflight) never
 * passes for an API call.
 */
export async function readNoBody(req: IncomingMessage): Promise<void> {
  const type = mediaType(req);
  if (type !== '' && type !== 'application/json')
    throw new WebError(415, WebErrorCode.unsupportedMediaType, 'send no body, or application/json');
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body.length === 0) return;
  if (type !== 'application/json')
    throw new WebError(415, WebErrorCode.unsupportedMediaType, 'send no body, or application/json');
  parseJson(body);
}

/** Reads an application/x-www-form-urlencoded body of at most 4 KB. */
export async function readFormBody(req: IncomingMessage): Promise<URLSearchParams> {
  if (mediaType(req) !== 'application/x-www-form-urlencoded')
    throw new WebError(
      415,
      WebErrorCode.unsupportedMediaType,
      'the body must be a form (application/x-www-form-urlencoded)',
    );
  return new URLSearchParams((await readBody(req, MAX_FORM_BYTES)).toString('utf8'));
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => new WebError(413, WebErrorCode.bodyTooLarge, `the body is larger than ${limit} bytes`);
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new WebError(400, WebErrorCode.invalidJson, 'the body is not valid JSON', {
      reasons: [(err as Error).message],
    });
  }
}
