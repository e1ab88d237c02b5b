import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { delay, readBody, sendJson, sendText } from '../common/http-kit';
import { MAX_EVENT_BYTES, validateAlertEvent } from './validate-event';

/** How the simulated Events API behaves. */
export interface PagerDutySimulatorOptions {
  port?: number;
  host?: string;
  /** Events accepted per routing key over a sliding 60 s window; 0 turns limiting off. PagerDuty: about 120. */
  rateLimitPerMinute?: number;
  /** When set, any other well-formed routing key gets PagerDuty's plain-text "Invalid routing key". */
  validRoutingKeys?: string[];
}

/** An event PagerDuty accepted, with when it arrived. */
export interface AcceptedEvent {
  receivedAt: string;
  event: Record<string, unknown>;
}

/** What PagerDuty holds for one dedup key. */
export interface Incident {
  dedup_key: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  /** Trigger events accepted for this key, including ones that only updated an open alert. */
  triggers: number;
  resolves: number;
  acknowledges: number;
  /** Alerts opened: a trigger after a resolve opens a new one, a trigger on an open alert does not. */
  opened: number;
  /** Resolves or acknowledges that matched nothing open and were dropped (still answered 202). */
  dropped: number;
  summary?: string;
  severity?: string;
  lastEventAt: string;
}

/** A fault applied to the next matching /v2 requests. */
export interface PagerDutyFault {
  status?: number;
  retryAfterSeconds?: number;
  body?: string;
  delayMs?: number;
  dropConnection?: boolean;
  count?: number;
  /** Apply to every request for this long instead of to `count` requests: a sustained outage. */
  durationMs?: number;
}

/** A request as the simulator answered it, for tests. */
export interface PagerDutyRequest {
  at: string;
  status: number;
  dedupKey?: string;
  action?: string;
}

/** A running PagerDuty simulator. */
export interface PagerDutySimulator {
  url: string;
  eventsUrl: string;
  close(): Promise<void>;
}

/** Starts a simulated PagerDuty Events API v2 with a `/_sim` control API. */
export async function startPagerDutySimulator(options: PagerDutySimulatorOptions = {}): Promise<PagerDutySimulator> {
  let rateLimit = options.rateLimitPerMinute ?? 120;
  let events: AcceptedEvent[] = [];
  let incidents = new Map<string, Incident & { routingKey: string }>();
  let faults: (PagerDutyFault & { remaining: number; until?: number })[] = [];
  let requests: PagerDutyRequest[] = [];
  let windows = new Map<string, number[]>();
  let counters = { rejected: 0, rateLimited: 0, faulted: 0 };

  function ingest(e: Record<string, unknown>): void {
    const routingKey = String(e.routing_key);
    const dedupKey = typeof e.dedup_key === 'string' && e.dedup_key !== '' ? e.dedup_key : randomUUID();
    e.dedup_key = dedupKey;
    const now = new Date().toISOString();
    events.push({ receivedAt: now, event: e });
    const mapKey = `${routingKey}\u0000${dedupKey}`;
    const existing = incidents.get(mapKey);
    const payload = (e.payload ?? {}) as { summary?: string; severity?: string };
    if (e.event_action === 'trigger') {
      if (!existing) {
        incidents.set(mapKey, {
          dedup_key: dedupKey,
          routingKey,
          status: 'triggered',
          triggers: 1,
          resolves: 0,
          acknowledges: 0,
          opened: 1,
          dropped: 0,
          summary: payload.summary,
          severity: payload.severity,
          lastEventAt: now,
        });
      } else {
        existing.triggers++;
        if (existing.status === 'resolved') {
          existing.opened++;
          existing.status = 'triggered';
        }
        existing.summary = payload.summary;
        existing.severity = payload.severity;
        existing.lastEventAt = now;
      }
      return;
    }
    // Acknowledge and resolve only ever touch an open alert with the same routing key; otherwise PagerDuty drops them.
    const target = existing && existing.status !== 'resolved' ? existing : undefined;
    if (!target) {
      if (existing) existing.dropped++;
      else
        incidents.set(mapKey, {
          dedup_key: dedupKey,
          routingKey,
          status: 'resolved',
          triggers: 0,
          resolves: 0,
          acknowledges: 0,
          opened: 0,
          dropped: 1,
          lastEventAt: now,
        });
      return;
    }
    if (e.event_action === 'resolve') {
      target.resolves++;
      target.status = 'resolved';
    } else {
      target.acknowledges++;
      target.status = 'acknowledged';
    }
    target.lastEventAt = now;
  }

  function overLimit(routingKey: string): boolean {
    if (rateLimit <= 0) return false;
    const now = Date.now();
    const recent = (windows.get(routingKey) ?? []).filter((t) => now - t < 60_000);
    windows.set(routingKey, recent);
    if (recent.length >= rateLimit) return true;
    recent.push(now);
    return false;
  }

  async function enqueue(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record: PagerDutyRequest = { at: new Date().toISOString(), status: 0 };
    requests.push(record);
    res.once('finish', () => (record.status = res.statusCode));
    faults = faults.filter((f) => (f.until === undefined ? f.remaining > 0 : f.until > Date.now()));
    const fault = faults[0];
    if (fault) {
      fault.remaining--;
      if (fault.delayMs) await delay(fault.delayMs);
      if (fault.dropConnection) {
        counters.faulted++;
        req.socket.destroy();
        return;
      }
      if (fault.status) {
        counters.faulted++;
        const headers: Record<string, string> =
          fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
        res.writeHead(fault.status, {
          'content-type': fault.body?.startsWith('{') ? 'application/json' : 'text/plain',
          ...headers,
        });
        res.end(fault.body ?? '');
        return;
      }
    }
    let text: string;
    try {
      text = await readBody(req, MAX_EVENT_BYTES * 4);
    } catch {
      counters.rejected++;
      return sendJson(res, 400, {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: ['Event object is too large'],
      });
    }
    if (Buffer.byteLength(text) > MAX_EVENT_BYTES) {
      counters.rejected++;
      return sendJson(res, 400, {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: ['Event object is too large'],
      });
    }
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      counters.rejected++;
      return sendJson(res, 400, {
        status: 'Unrecognized object',
        message: 'Event object format is unrecognized',
        errors: ['JSON parse error'],
      });
    }
    const errors = validateAlertEvent(event);
    if (errors.length > 0) {
      counters.rejected++;
      return sendJson(res, 400, { status: 'invalid event', message: 'Event object is invalid', errors });
    }
    const e = event as Record<string, unknown>;
    record.dedupKey = typeof e.dedup_key === 'string' ? e.dedup_key : undefined;
    record.action = String(e.event_action);
    if (options.validRoutingKeys && !options.validRoutingKeys.includes(String(e.routing_key))) {
      counters.rejected++;
      return sendText(res, 400, 'Invalid routing key');
    }
    if (overLimit(String(e.routing_key))) {
      counters.rateLimited++;
      // PagerDuty documents the 429 but no body or Retry-After; this is go-pagerduty's fixture body.
      return sendJson(res, 429, {
        status: 'throttle exceeded',
        message: 'Requests for this service are arriving too quickly.  Please retry later.',
        errors: ['Enhance Your Calm.'],
      });
    }
    ingest(e);
    return sendJson(res, 202, { status: 'success', message: 'Event processed', dedup_key: e.dedup_key });
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === '/_sim/events' && req.method === 'GET') return sendJson(res, 200, events);
    if (path === '/_sim/incidents' && req.method === 'GET') {
      return sendJson(
        res,
        200,
        [...incidents.values()].map(({ routingKey: _r, ...incident }) => incident),
      );
    }
    if (path === '/_sim/requests' && req.method === 'GET') return sendJson(res, 200, requests);
    if (path === '/_sim/stats' && req.method === 'GET')
      return sendJson(res, 200, { accepted: events.length, ...counters });
    if (path === '/_sim/faults' && req.method === 'POST') {
      const text = await readBody(req);
      const input = (text.trim() ? JSON.parse(text) : {}) as PagerDutyFault & { rateLimitPerMinute?: number };
      if (input.rateLimitPerMinute !== undefined) rateLimit = input.rateLimitPerMinute;
      if (input.status !== undefined || input.delayMs !== undefined || input.dropConnection) {
        faults.push({
          ...input,
          remaining: input.count ?? 1,
          until: input.durationMs === undefined ? undefined : Date.now() + input.durationMs,
        });
      }
      return sendJson(res, 200, { faults: faults.length, rateLimitPerMinute: rateLimit });
    }
    if (path === '/_sim/reset' && req.method === 'POST') {
      events = [];
      requests = [];
      incidents = new Map();
      faults = [];
      windows = new Map();
      counters = { rejected: 0, rateLimited: 0, faulted: 0 };
      rateLimit = options.rateLimitPerMinute ?? 120;
      return sendJson(res, 200, { reset: true });
    }
    return sendJson(res, 404, { error: `no control endpoint ${req.method} ${path}` });
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    let work: Promise<void>;
    if (path.startsWith('/_sim/')) work = control(req, res, path);
    else if (path === '/v2/enqueue' && req.method === 'POST') work = enqueue(req, res);
    else if (path === '/v2/enqueue' || path === '/v2/change/enqueue')
      work = Promise.resolve(sendJson(res, 405, { status: 'error', message: 'Method not allowed' }));
    else work = Promise.resolve(sendJson(res, 404, { status: 'error', message: 'Not found' }));
    work.catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 400, { error: String(err) });
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    eventsUrl: `${url}/v2/enqueue`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
