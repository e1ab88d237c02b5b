import type { ConnectionCheck } from '../shared/types';
import type { Reply } from './route';
import { WebErrorCode } from './web-error';

/**
 * The answer to a test-connection: 200 when every appliance passed; 429 with Retry-After (the longest wait) when every
 * check was skipped, because the appliance was tested less than a minute ago or its poller backs off after a rejected
 * login (another login now could lock the account); 502 otherwise.
 */
export function connectionReply(results: ConnectionCheck[]): Reply {
  if (results.every((r) => r.ok)) return { status: 200, json: { results } };
  if (results.every((r) => r.skipped !== undefined)) {
    const wait = Math.max(1, ...results.map((r) => Math.ceil(r.retryAfterSeconds ?? 60)));
    return {
      status: 429,
      json: {
        error: 'every appliance was tested recently or is backing off after a rejected login; try again later',
        code: WebErrorCode.connectionTestsSkipped,
        results,
      },
      headers: { 'retry-after': String(wait) },
    };
  }
  return { status: 502, json: { results } };
}
