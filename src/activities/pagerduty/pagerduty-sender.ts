import { request } from 'undici';
import { boundText } from '../../shared/bounded-text';
import { classifyNetworkError, describeNetworkError } from '../network-error';
import { describeProxyRefusal, outboundDispatcher } from '../outbound-agent';
import type { PagerDutyEvent } from './build-event';

/** Longest error reason kept from a PagerDuty answer, in characters. */
const MAX_REASON_CHARS = 500;

/** PagerDuty's Events API v2 endpoint. */
export const DEFAULT_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** What became of one send: the caller (Temporal, through the activity) decides whether to retry. */
export type SendOutcome =
  | { kind: 'accepted'; dedupKey: string }
  | { kind: 'rejected'; status: number; reason: string }
  | { kind: 'rate_limited'; retryAfterMs?: number }
  | { kind: 'server_error'; status: number; reason: string }
  | { kind: 'network' | 'timeout'; reason: string };

/** Posts events to PagerDuty and classifies the answer; it never retries by itself. */
export class PagerDutySender {
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY apply, read when the sender is built. */
  private readonly agent = outboundDispatcher({ keepAliveTimeoutMs: 30_000, connectTimeoutMs: 10_000 });

  constructor(
    private readonly eventsUrl: string = DEFAULT_EVENTS_URL,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Sends one event and says what happened. */
  async send(event: PagerDutyEvent): Promise<SendOutcome> {
    let status: number;
    let body: string;
    let retryAfter: string | undefined;
    try {
      const res = await request(this.eventsUrl, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { 'content-type': 'application/json', 'user-agent': 'hponeview-pagerduty-bridge' },
        body: JSON.stringify(event),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      status = res.statusCode;
      const header = res.headers['retry-after'];
      retryAfter = Array.isArray(header) ? header[0] : header;
      body = await res.body.text();
    } catch (err) {
      return { kind: classifyNetworkError(err), reason: describeProxyRefusal(err) ?? describeNetworkError(err) };
    }
    if (status === 202 || (status >= 200 && status < 300)) {
      return { kind: 'accepted', dedupKey: parseDedupKey(body) ?? event.dedup_key };
    }
    if (status === 429) return { kind: 'rate_limited', retryAfterMs: parseRetryAfter(retryAfter) };
    if (status >= 500 || status === 408) return { kind: 'server_error', status, reason: describeErrorBody(body) };
    return { kind: 'rejected', status, reason: describeErrorBody(body) };
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}

function parseDedupKey(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { dedup_key?: unknown };
    return typeof parsed.dedup_key === 'string' ? parsed.dedup_key : undefined;
  } catch {
    return undefined;
  }
}

/** Reads an error body whatever shape it has: Events v2 JSON, the change-events shape, or plain text. */
export function describeErrorBody(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; errors?: unknown; error?: unknown };
    const list = Array.isArray(parsed.errors) ? parsed.errors : Array.isArray(parsed.error) ? parsed.error : [];
    const parts = [typeof parsed.message === 'string' ? parsed.message : undefined, ...list.map(String)].filter(
      Boolean,
    );
    // Whatever answers in PagerDuty's place (a proxy, a broken gateway) chooses this text: bounded and well-formed.
    if (parts.length > 0) return boundText(parts.join('; '), MAX_REASON_CHARS);
  } catch {
    // not JSON: fall through to the text itself
  }
  const text = boundText(body, MAX_REASON_CHARS);
  return text === '' ? 'empty body' : text;
}

/** Parses Retry-After as seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
