import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Logger } from '@temporalio/common';
import { payloadCodecsFor } from '../client/payload-codec';
import { REQUEST_ID_PATTERN } from '../shared/alert-record';
import { AuthenticationFailed, Authenticator } from './authenticator';
import type { Caller } from './caller';
import { addressKey, clientAddress } from './client-address';
import { codecCorsHeaders, codecRoutes } from './codec-routes';
import { healthRoutes } from './health-routes';
import { operatorRoutes } from './operator-routes';
import { ClientRateLimiter } from './rate-limiter';
import { requestPath } from './request-path';
import type { Reply, Route } from './route';
import { SECURITY_HEADERS } from './security-headers';
import type { WebConfig } from './web-config';
import { WebError, WebErrorCode } from './web-error';
import { createWebMetrics } from './web-metrics';
import type { Registry } from 'prom-client';
import { webhookRoute } from './webhook-route';

/** A running web process. */
export interface WebServer {
  port: number;
  /** The registry GET /metrics serves (the process's own metrics join it in main). */
  registry: Registry;
  close(): Promise<void>;
}

/**
 * The operator's HTTP API: health and readiness, the OneView webhook, test-connection, force-poll, metrics and the
 * Web UI's codec endpoint. A Temporal client only: it holds no OneView or PagerDuty secret.
 *
 * Every request goes the same way: the exact raw path and method pick a route (404/405), the route's credential is
 * checked (401, 403), then the caller's rate limit is charged (429), then the route runs. Authentication comes first
 * so that each caller has its own bucket: anonymous and failing callers are limited per client address and can never
 * use up the webhook's or the operator's.
 */
export async function startWebServer(options: { config: WebConfig; client: Client; log: Logger }): Promise<WebServer> {
  const { config, client, log } = options;
  const metrics = createWebMetrics();
  const auth = new Authenticator(config);
  const callers = new ClientRateLimiter(config.rateLimit.perMinute, config.rateLimit.burst);
  const failures = new ClientRateLimiter(config.authFailureLimit.perMinute, config.authFailureLimit.burst);
  const routes = routeTable([
    ...healthRoutes({ config, client, metrics, log }),
    webhookRoute({ client, metrics, log }),
    ...operatorRoutes({ config, client }),
    ...codecRoutes({ config, codecs: payloadCodecsFor(config.temporal.encryption), auth }),
  ]);
  const cors = codecCorsHeaders(config);

  async function authenticate(
    route: Route,
    req: IncomingMessage,
    address: string,
    label: string,
  ): Promise<Caller | undefined> {
    try {
      return await auth.authenticate(route.auth, req);
    } catch (err) {
      if (!(err instanceof AuthenticationFailed)) throw err;
      metrics.authFailures.inc({ route: label });
      log.warn('authentication failed', { route: label, client: address, reason: err.reason });
      // Failures are limited per client address, in buckets of their own: a flood of bad tokens slows only its source.
      const waitMs = failures.take(addressKey(address));
      if (waitMs > 0) throw tooMany(waitMs, err.headers);
      throw err;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], config.trustedProxies);
    const headers: Record<string, string> = { ...SECURITY_HEADERS, 'x-request-id': requestId };
    let label = 'other';
    let status = 500;
    let caller: Caller | undefined;
    try {
      const target = requestPath(req.url);
      const candidates = target ? routes.get(target.path) : undefined;
      if (!target || !candidates) throw new WebError(404, WebErrorCode.notFound, 'no such endpoint');
      const route = candidates.find((r) => r.method === req.method);
      if (!route) {
        const allowed = candidates.map((r) => r.method).join(', ');
        throw new WebError(405, WebErrorCode.methodNotAllowed, `use ${allowed}`, {}, { allow: allowed });
      }
      label = `${route.method} ${route.path}`;
      if (route.cors) Object.assign(headers, cors);
      caller = await authenticate(route, req, address, label);
      if (route.limited) {
        const waitMs = callers.take(caller ? `caller:${caller.id}` : `anonymous:${addressKey(address)}`);
        if (waitMs > 0) throw tooMany(waitMs);
      }
      const reply = await route.handle({ req, query: target.query, requestId, clientAddress: address, caller });
      status = reply.status;
      send(res, reply, headers);
    } catch (err) {
      if (err instanceof WebError) {
        status = err.status;
        send(
          res,
          { status, json: { error: err.message, code: err.code, requestId, ...err.extra }, headers: err.headers },
          headers,
        );
      } else {
        status = 500;
        log.error('request failed', { requestId, route: label, error: String(err) });
        send(res, { status, json: { error: 'internal error', requestId } }, headers);
      }
    } finally {
      metrics.requests.inc({ route: label, status: String(status) });
      metrics.duration.observe({ route: label }, (performance.now() - started) / 1000);
      if (label !== 'GET /metrics') {
        const meta = {
          method: req.method,
          path: (req.url ?? '').split('?')[0]!.slice(0, 200),
          status,
          requestId,
          client: address,
          caller: caller?.id,
          ms: Math.round(performance.now() - started),
        };
        if (status >= 500) log.error('request', meta);
        else log.info('request', meta);
      }
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
    registry: metrics.registry,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Routes by exact path; each path lists its methods. */
function routeTable(list: Route[]): Map<string, Route[]> {
  const table = new Map<string, Route[]>();
  for (const route of list) table.set(route.path, [...(table.get(route.path) ?? []), route]);
  return table;
}

function tooMany(waitMs: number, headers: Record<string, string> = {}): WebError {
  return new WebError(
    429,
    WebErrorCode.rateLimited,
    'too many requests',
    {},
    { ...headers, 'retry-after': String(Math.ceil(waitMs / 1000)) },
  );
}

function send(res: ServerResponse, reply: Reply, base: Record<string, string>): void {
  if (res.headersSent) return;
  const headers = { ...base, ...reply.headers };
  if (reply.body) {
    res
      .writeHead(reply.status, {
        ...headers,
        'content-type': reply.body.contentType,
        'content-length': Buffer.byteLength(reply.body.text),
      })
      .end(reply.body.text);
  } else if (reply.json !== undefined) {
    const text = JSON.stringify(reply.json);
    res
      .writeHead(reply.status, {
        ...headers,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      })
      .end(text);
  } else {
    res.writeHead(reply.status, headers).end();
  }
}
