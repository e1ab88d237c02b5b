/** Whether a failed HTTP exchange timed out or failed otherwise (refused, reset, DNS, TLS). */
export type NetworkFailureKind = 'timeout' | 'network';

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ABORT_ERR',
]);

/** Classifies an error thrown by undici by its code (or its cause's code). */
export function classifyNetworkError(err: unknown): NetworkFailureKind {
  const e = err as { code?: string; name?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  return (code && TIMEOUT_CODES.has(code)) || e.name === 'TimeoutError' ? 'timeout' : 'network';
}

/** The most telling short name of a network failure (ECONNREFUSED, UND_ERR_SOCKET, ...), never a URL or body. */
export function describeNetworkError(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  return e.cause?.code ?? e.code ?? e.message ?? 'network error';
}
