import { randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { Counter, Histogram, Registry } from 'prom-client';
import { applianceIsRunning, runningAppliances } from '../client/appliance-directory';
import { payloadCodecsFor } from '../client/payload-codec';
import { forcePoll, pollerStatus, pushAlerts, testApplianceConnections } from '../client/poller-operations';
import { runCodec } from './codec-endpoint';
import { ClientRateLimiter } from './rate-limiter';
import type { WebConfig } from './web-config';
import { parseWebhookBody } from './webhook-body';

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};

/** A running web process. */
export interface WebServer {
  port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * The operator's HTTP API: health and readiness, the OneView webhook, test-connection, force-poll, metrics and the
 * Web UI's codec endpoint. A Temporal client only: it holds no OneView or PagerDuty secret.
 */
export async function startWebServer(options: {
  config: WebConfig;
  client: Client;
  log: (level: 'info' | 'warn' | 'error', msg: string, meta: Record<string, unknown>) => void;
}): Promise<WebServer> {
  const { config, client, log } = options;
  const registry = new Registry();
  const requests = new Counter({ name: 'web_requests_total', help: 'HTTP requests by route and status.', labelNames: ['route', 'status'], registers: [registry] });
  const duration = new Histogram({ name: 'web_request_duration_seconds', help: 'HTTP request duration by route.', labelNames: ['route'], registers: [registry] });
  const pushed = new Counter({ name: 'webhook_alerts_received_total', help: 'Alerts accepted by the webhook, by appliance.', labelNames: ['appliance'], registers: [registry] });
  const limiter = new ClientRateLimiter(config.rateLimit.perMinute, config.rateLimit.burst);
  const codecs = payloadCodecsFor(config.temporal.encryption);
  const tokenDigest = createHash('sha256').update(config.webhookToken).digest();

  const routes: Record<string, (req: IncomingMessage, url: URL, requestId: string) => Promise<[number, unknown]>> = {
    'GET /health': async () => {
      const appliances = await runningAppliances(client, config.temporal.taskQueue);
      const statuses = await Promise.all(appliances.map((id) => pollerStatus(client, id).catch(() => undefined)));
      const pollerStatusById = Object.fromEntries(
        appliances.map((id, i) => {
          const s = statuses[i];
          return [id, { healthy: s?.lastPollResult === 'ok' && s.sessionValid, oneview_session_valid: s?.sessionValid ?? false, last_poll: s?.lastPollAt ?? null, last_error: s?.lastError ?? null }];
        }),
      );
      const healthy = Object.values(pollerStatusById).every((p) => p.healthy);
      return [200, { status: healthy ? 'healthy' : 'degraded', oneview_configured: appliances.length > 0, pagerduty_configured: appliances.length > 0, poller_status: pollerStatusById }];
    },
    'GET /ready': async () => {
      try {
        await client.workflowService.describeNamespace({ namespace: config.temporal.namespace });
        return [200, { status: 'ready' }];
      } catch (err) {
        throw new HttpError(503, `Temporal or namespace '${config.temporal.namespace}' not reachable: ${(err as Error).message}`);
      }
    },
    'POST /oneview-webhook': async (req, url, requestId) => {
      authorize(req);
      const appliance = await knownAppliance(url.searchParams.get('appliance'));
      const body = await readJsonBody(req);
      const parsed = parseWebhookBody(body);
      if ('problems' in parsed) throw new HttpError(400, 'the body holds no valid OneView alert', { reasons: parsed.problems });
      const workflowId = await pushAlerts(client, appliance, parsed.alerts.map((a) => ({ ...a, requestId })));
      pushed.inc({ appliance }, parsed.alerts.length);
      log('info', 'alerts pushed to the poller', { appliance, workflowId, requestId, alertIds: parsed.alerts.map((a) => a.id) });
      return [202, { accepted: parsed.alerts.length, workflowId, requestId }];
    },
    'POST /force-poll': async (req, url) => {
      const one = url.searchParams.get('appliance');
      const targets = one ? [await knownAppliance(one)] : await runningAppliances(client, config.temporal.taskQueue);
      const workflowIds = await Promise.all(targets.map((id) => forcePoll(client, id)));
      return [202, { workflowIds }];
    },
    'GET /test-connection': async (_req, url) => {
      const one = url.searchParams.get('appliance');
      const applianceIds = one ? [await knownAppliance(one)] : await runningAppliances(client, config.temporal.taskQueue);
      const results = await testApplianceConnections(client, config.temporal.taskQueue, applianceIds);
      return [results.every((r) => r.ok) ? 200 : 502, { results }];
    },
    'POST /codec/encode': (req) => codec(req, 'encode'),
    'POST /codec/decode': (req) => codec(req, 'decode'),
  };

  async function codec(req: IncomingMessage, direction: 'encode' | 'decode'): Promise<[number, unknown]> {
    const body = await readJsonBody(req);
    try {
      return [200, await runCodec(codecs, direction, body)];
    } catch (err) {
      throw new HttpError(400, (err as Error).message);
    }
  }

  function authorize(req: IncomingMessage): void {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    // Constant time: compare digests of equal length, never the raw strings.
    if (!timingSafeEqual(createHash('sha256').update(token).digest(), tokenDigest)) {
      throw new HttpError(401, 'missing or wrong bearer token', {}, { 'www-authenticate': 'Bearer' });
    }
  }

  async function knownAppliance(id: string | null): Promise<string> {
    if (!id) throw new HttpError(400, "the 'appliance' query parameter is required");
    if (!/^[a-z0-9][a-z0-9.-]{0,62}$/.test(id) || !(await applianceIsRunning(client, id))) {
      throw new HttpError(404, `no poller runs for appliance '${id.slice(0, 64)}'`);
    }
    return id;
  }

  async function readJsonBody(req: IncomingMessage): Promise<unknown> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') throw new HttpError(415, 'the body must be application/json');
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > MAX_BODY_BYTES) throw new HttpError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new HttpError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
      chunks.push(chunk as Buffer);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (err) {
      throw new HttpError(400, 'the body is not valid JSON', { reasons: [(err as Error).message] });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    const url = new URL(req.url ?? '/', 'http://web');
    const key = `${req.method} ${url.pathname}`;
    const route = key in routes || key === 'GET /metrics' ? key : 'other';
    const headers: Record<string, string> = { ...SECURITY_HEADERS, 'x-request-id': requestId };
    const isCodec = url.pathname.startsWith('/codec/');
    if (isCodec) {
      Object.assign(headers, {
        'access-control-allow-origin': config.codecCorsOrigin,
        'access-control-allow-methods': 'POST, GET, OPTIONS',
        'access-control-allow-headers': 'X-Namespace, Content-Type, Authorization',
        vary: 'Origin',
      });
    }
    let status = 500;
    try {
      if (req.method === 'OPTIONS' && isCodec) {
        status = 204;
        res.writeHead(204, headers).end();
        return;
      }
      if (key === 'GET /metrics') {
        status = 200;
        res.writeHead(200, { ...headers, 'content-type': registry.contentType }).end(await registry.metrics());
        return;
      }
      const handler = routes[key];
      if (!handler) {
        const allowed = Object.keys(routes).filter((k) => k.endsWith(` ${url.pathname}`));
        throw allowed.length > 0 ? new HttpError(405, `use ${allowed.map((k) => k.split(' ')[0]).join(' or ')}`) : new HttpError(404, 'no such endpoint');
      }
      // Probes, Prometheus and the Web UI's codec calls are not limited; the API for people and OneView is.
      if (['POST /oneview-webhook', 'POST /force-poll', 'GET /test-connection'].includes(key)) {
        const waitMs = limiter.take(req.socket.remoteAddress ?? 'unknown');
        if (waitMs > 0) throw new HttpError(429, 'too many requests', {}, { 'retry-after': String(Math.ceil(waitMs / 1000)) });
      }
      const [code, body] = await handler(req, url, requestId);
      status = code;
      send(res, code, body, headers);
    } catch (err) {
      if (err instanceof HttpError) {
        status = err.status;
        send(res, err.status, { error: err.message, requestId, ...err.extra }, { ...headers, ...err.headers });
      } else {
        status = 500;
        log('error', 'request failed', { requestId, route, error: String(err) });
        send(res, 500, { error: 'internal error', requestId }, headers);
      }
    } finally {
      requests.inc({ route, status: String(status) });
      duration.observe({ route }, (performance.now() - started) / 1000);
      if (route !== 'GET /metrics') log(status >= 500 ? 'error' : 'info', 'request', { method: req.method, path: url.pathname, status, requestId, ms: Math.round(performance.now() - started) });
    }
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  server.requestTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
