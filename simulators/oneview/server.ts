import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { delay, readBody, sendJson, sendText } from '../common/http-kit';
import { PUBLISHER_USER, type RabbitBroker } from '../rabbitmq/broker';
import { SIM_ENCLOSURE, ServerHardwareStore, bladeUri, interconnectUri } from './server-hardware';
import { AlertStore } from './alert-store';
import { CertificateRoutes } from './certificate-routes';
import { invalidJson } from './error-bodies';
import { matchesFilter, parseFilter, type FilterExpression } from './filter';
import { ScmbPublisher, type ScmbFaults } from './scmb-publisher';
import type { OneViewAlert, OneViewFault } from './types';

/** How the simulated appliance behaves. */
export interface OneViewSimulatorOptions {
  port?: number;
  host?: string;
  /** HTTPS with a generated self-signed certificate (default), or plain HTTP. */
  tls?: boolean;
  users?: Record<string, string>;
  currentVersion?: number;
  minimumVersion?: number;
  /** Sessions die after this long without a request (OneView: 24 h). */
  sessionIdleMs?: number;
  /** Sessions allowed per client IP (OneView: 960). */
  sessionsPerClient?: number;
  /** Largest page of alerts, whatever `count` asks for (OneView: 25). */
  maxPageSize?: number;
  /** A login banner is configured: logins without `loginMsgAck` are refused. */
  loginBanner?: boolean;
  /** The HTTPS certificate, for tests of what a client accepts; default self-signed for localhost and 127.0.0.1. */
  certificate?: SimulatorCertificateOptions;
  /**
   * The appliance's State-Change Message Bus: every alert change is published to this broker, and the certificate
   * endpoints issue client certificates from its internal CA. Without it those endpoints answer 404.
   */
  scmb?: { broker: RabbitBroker; certificateGenerationMs?: number };
}

/** Names, validity and issuer of the simulator's HTTPS certificate. */
export interface SimulatorCertificateOptions {
  commonName?: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** A CA that signs the certificate instead of the certificate signing itself. */
  issuer?: { key: string; cert: string };
}

/** A recorded request, for tests. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  status: number;
  at: string;
}

interface Session {
  token: string;
  userName: string;
  clientIp: string;
  createdAt: number;
  lastUsedAt: number;
}

/** A running OneView simulator. */
export interface OneViewSimulator {
  url: string;
  port: number;
  /** PEM of the self-signed certificate (HTTPS only). */
  certificatePem?: string;
  store: AlertStore;
  /** The message-bus publisher, when the simulator has one. */
  scmb?: ScmbPublisher;
  close(): Promise<void>;
}

const ERROR_401 = {
  errorCode: 'AUTHORIZATION',
  recommendedActions: ['Please verify your credentials and re-authenticate before attempting the operation again.'],
  data: {},
  nestedErrors: [],
  message: 'Authorization error: User not authorized for this operation.',
  errorSource: null,
  details: 'User not authorized for this operation.',
};

/** Starts a simulated HPE OneView appliance with a `/_sim` control API. */
export async function startOneViewSimulator(options: OneViewSimulatorOptions = {}): Promise<OneViewSimulator> {
  const users = options.users ?? { administrator: 'admin-password' };
  const currentVersion = options.currentVersion ?? 6600;
  const minimumVersion = options.minimumVersion ?? 120;
  const sessionIdleMs = options.sessionIdleMs ?? 24 * 3_600_000;
  const sessionsPerClient = options.sessionsPerClient ?? 960;
  const maxPageSize = options.maxPageSize ?? 25;
  let loginBanner = options.loginBanner ?? false;
  let peakSessions = 0;
  let repeatNextPage = 0;
  // A nextPageUri the next alert page carries instead of its own: lets tests offer the client a foreign host or path.
  let forcedNextPageUri: string | undefined;
  const store = new AlertStore();
  const servers = new ServerHardwareStore();
  const scmb = options.scmb ? new ScmbPublisher(options.scmb.broker, store) : undefined;
  await scmb?.start();
  // Created once the HTTPS certificate exists (the CA collection lists it); requests come only after that.
  let certificates: CertificateRoutes | undefined;
  const sessions = new Map<string, Session>();
  let requests: RecordedRequest[] = [];
  let faults: (OneViewFault & { remaining: number })[] = [];

  const liveSession = (token: string | undefined): Session | undefined => {
    if (!token) return undefined;
    const s = sessions.get(token);
    if (!s) return undefined;
    if (Date.now() - s.lastUsedAt > sessionIdleMs) {
      sessions.delete(token);
      return undefined;
    }
    s.lastUsedAt = Date.now();
    return s;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    if (path.startsWith('/_sim/')) return control(req, res, url);

    const query: Record<string, string | string[]> = {};
    for (const [k, v] of url.searchParams) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      query,
      status: 0,
      at: new Date().toISOString(),
    };
    requests.push(record);
    const finish = (status: number) => (record.status = status);

    const fault = faults.find((f) => f.remaining > 0 && (!f.pathPrefix || path.startsWith(f.pathPrefix)));
    if (fault) {
      fault.remaining--;
      faults = faults.filter((f) => f.remaining > 0);
      if (fault.delayMs) await delay(fault.delayMs);
      if (fault.dropConnection) {
        finish(0);
        req.socket.destroy();
        return;
      }
      if (fault.status) {
        finish(fault.status);
        if (fault.html)
          return sendText(
            res,
            fault.status,
            `<html><head><title>${fault.status} Bad Gateway</title></head><body><h1>${fault.status}</h1></body></html>`,
            'text/html',
          );
        if (fault.status === 401) return sendJson(res, 401, ERROR_401);
        return sendJson(res, fault.status, {
          errorCode: 'SIMULATED_FAULT',
          message: `Simulated HTTP ${fault.status}.`,
          details: '',
          recommendedActions: [],
          nestedErrors: [],
          errorSource: null,
          data: {},
        });
      }
    }

    const reply = (status: number, body: unknown) => {
      finish(status);
      sendJson(res, status, body);
    };

    if (path === '/rest/version' && req.method === 'GET') return reply(200, { currentVersion, minimumVersion });

    const versionHeader = req.headers['x-api-version'];
    const version = Number(Array.isArray(versionHeader) ? versionHeader[0] : versionHeader);
    if (!Number.isInteger(version) || version < minimumVersion || version > currentVersion) {
      return reply(412, {
        errorCode: 'INVALID_API_VERSION',
        message: 'The specified API version is not valid.',
        details: `The request contained an invalid X-API-Version header of ${versionHeader ?? '(none)'}.  Only values ${minimumVersion} through ${currentVersion} are accepted.`,
        recommendedActions: ['Use an API version the appliance accepts.'],
        nestedErrors: [],
        errorSource: null,
        data: {},
      });
    }

    if (path === '/rest/login-sessions') {
      if (req.method === 'POST') return login(req, res, finish);
      if (req.method === 'DELETE') {
        const token = headerValue(req, 'auth');
        if (!token || !liveSession(token)) return reply(401, ERROR_401);
        sessions.delete(token);
        finish(204);
        res.writeHead(204).end();
        return;
      }
    }

    if (path === '/rest/sessions/idle-timeout') {
      // These two take the token in a Session-ID header and answer 404 for a dead session (oneview-golang relies on it).
      const s = liveSession(headerValue(req, 'session-id'));
      if (!s) return reply(404, notFound(path));
      if (req.method === 'GET') return reply(200, { idleTimeout: sessionIdleMs });
      if (req.method === 'POST') return reply(200, { idleTimeout: sessionIdleMs });
    }

    const session = liveSession(headerValue(req, 'auth'));
    if (!session) return reply(401, ERROR_401);

    if (path === '/rest/login-sessions' && req.method === 'PUT')
      return reply(200, { sessionID: session.token, partnerData: {} });
    if (path.startsWith('/rest/certificates/') && certificates) {
      const answered = await certificates.handle(req, path, url, version, (status, body, headers) => {
        finish(status);
        sendJson(res, status, body, headers);
      });
      if (answered) return;
    }
    if (path === '/rest/alerts' && req.method === 'GET') return listAlerts(url, reply);
    if (path === '/rest/alerts' && req.method === 'DELETE') return deleteAlerts(url, res, finish);
    if (/^\/rest\/server-hardware\/[A-Za-z0-9-]+$/.test(path) && req.method === 'GET')
      return reply(200, servers.get(path, version));
    if (path === '/rest/server-hardware' && req.method === 'GET')
      return reply(200, collectionPage(url, 'server-hardware-list', servers.list(version)));
    if (path === '/rest/interconnects' && req.method === 'GET')
      return reply(200, collectionPage(url, 'InterconnectCollection', servers.interconnects()));
    if (path === '/rest/enclosures' && req.method === 'GET')
      return reply(200, collectionPage(url, 'EnclosureListV7', servers.enclosures()));
    const one = /^\/rest\/alerts\/([^/]+)$/.exec(path);
    if (one) {
      const id = one[1] ?? '';
      const alert = store.get(id);
      if (!alert) return reply(404, notFound(path));
      if (req.method === 'GET') return reply(200, alert);
      if (req.method === 'PUT') return updateAlert(req, alert, session, reply);
      if (req.method === 'DELETE') {
        if (alert.alertState !== 'Cleared')
          return reply(409, stateConflict('Only alerts that are no longer active can be removed.'));
        store.remove(id);
        finish(204);
        res.writeHead(204).end();
        return;
      }
    }
    return reply(404, notFound(path));
  }

  async function login(req: IncomingMessage, res: ServerResponse, finish: (s: number) => void): Promise<void> {
    const reply = (status: number, body: unknown) => {
      finish(status);
      sendJson(res, status, body);
    };
    let body: { userName?: unknown; password?: unknown; authLoginDomain?: unknown; loginMsgAck?: unknown };
    try {
      body = JSON.parse(await readBody(req)) as typeof body;
    } catch {
      return reply(400, invalidJson());
    }
    const domain = typeof body.authLoginDomain === 'string' ? body.authLoginDomain : 'LOCAL';
    if (domain.toUpperCase() !== 'LOCAL') {
      return reply(404, {
        errorCode: 'AUTHN_AUTH_FAIL_LOGINDOMAINNOTFOUND',
        message: `The authentication directory ${domain} is not configured.`,
        details: '',
        recommendedActions: ['Use a configured login domain.'],
        nestedErrors: [],
        errorSource: null,
        data: {},
      });
    }
    if (
      typeof body.userName !== 'string' ||
      typeof body.password !== 'string' ||
      users[body.userName] !== body.password
    ) {
      return reply(400, {
        errorCode: 'AUTHN_AUTH_FAIL',
        message: 'Invalid user name or password.',
        details: 'Unable to authenticate.',
        recommendedActions: ['Retry login.'],
        nestedErrors: [],
        errorSource: null,
        data: {},
      });
    }
    // Clients send the acknowledgement as a boolean or as the string "true" (hpe-oneview-hubot).
    if (loginBanner && body.loginMsgAck !== true && body.loginMsgAck !== 'true') {
      return reply(400, {
        errorCode: 'AUTHN_LOGIN_MESSAGE_ACKNOWLEDGMENT_REQUIRED',
        message: 'The login message must be acknowledged.',
        details: 'Set loginMsgAck to true to acknowledge the login message.',
        recommendedActions: ['Acknowledge the login message.'],
        nestedErrors: [],
        errorSource: null,
        data: {},
      });
    }
    const clientIp = req.socket.remoteAddress ?? 'unknown';
    const live = [...sessions.values()].filter((s) => s.clientIp === clientIp && liveSession(s.token));
    if (live.length >= sessionsPerClient) {
      return reply(400, {
        errorSource: null,
        recommendedActions: [
          'Do one of the following: log out of existing sessions. Log in from a different IP address. Contact the administrator to increase the maximum number of sessions per client IP address. Wait 24 hours for idle sessions created by scripts to time out and then retry logging in.',
        ],
        data: { clientip: clientIp },
        errorCode: 'AUTHN_SESSION_CLIENT_LIMIT_CROSSED',
        messageParameters: [clientIp],
        details: `The client ${clientIp} has the maximum number of active sessions allowed.`,
        message: `Login denied. The client ${clientIp} has too many active sessions.`,
        nestedErrors: [],
      });
    }
    const token = randomBytes(24).toString('base64url');
    sessions.set(token, { token, userName: body.userName, clientIp, createdAt: Date.now(), lastUsedAt: Date.now() });
    peakSessions = Math.max(peakSessions, [...sessions.values()].filter((x) => liveSession(x.token)).length);
    return reply(200, { sessionID: token, partnerData: {} });
  }

  function listAlerts(url: URL, reply: (status: number, body: unknown) => void): void {
    let filters: FilterExpression[];
    try {
      filters = url.searchParams.getAll('filter').map(parseFilter);
    } catch (err) {
      return reply(400, {
        errorCode: 'INVALID_FILTER',
        message: `The filter is not valid: ${(err as Error).message}`,
        details: '',
        recommendedActions: ['Correct the filter syntax.'],
        nestedErrors: [],
        errorSource: null,
        data: {},
      });
    }
    const [sortField, sortDir] = (url.searchParams.get('sort') ?? 'created:ascending').split(':');
    const descending = /^desc/i.test(sortDir ?? '');
    const matching = store
      .all()
      .filter((a) => filters.every((f) => matchesFilter(a as unknown as Record<string, unknown>, f)))
      .sort((a, b) => {
        const field = sortField || 'created';
        const av = String(a[field] ?? '');
        const bv = String(b[field] ?? '');
        const order = av < bv ? -1 : av > bv ? 1 : Number(idOf(a)) - Number(idOf(b)) || 0;
        return descending ? -order : order;
      });
    const start = Math.max(0, Number(url.searchParams.get('start') ?? 0) || 0);
    const requested = Number(url.searchParams.get('count') ?? -1);
    // OneView caps alert pages at 25 even when asked for all (count=-1) or for more.
    const count = requested > 0 ? Math.min(requested, maxPageSize) : maxPageSize;
    const members = matching.slice(start, start + count);
    const pageUri = (s: number) => {
      const q = new URLSearchParams(url.searchParams);
      q.set('start', String(s));
      q.set('count', String(count));
      return `/rest/alerts?${q.toString()}`;
    };
    const now = new Date().toISOString();
    const selfUri = `${url.pathname}${url.search}`;
    let nextPageUri = start + count < matching.length ? pageUri(start + count) : null;
    // Some appliances answered a last page whose nextPageUri is the page itself (python-hpOneView PR #181).
    if (nextPageUri === null && repeatNextPage > 0) {
      repeatNextPage--;
      nextPageUri = selfUri;
    }
    if (forcedNextPageUri !== undefined) {
      nextPageUri = forcedNextPageUri;
      forcedNextPageUri = undefined;
    }
    const alertSeverityCounts =
      url.searchParams.get('view') === 'alertSummary'
        ? matching.reduce<Record<string, number>>(
            (acc, a) => ({ ...acc, [a.severity]: (acc[a.severity] ?? 0) + 1 }),
            {},
          )
        : null;
    reply(200, {
      type: 'AlertResourceCollectionV3',
      uri: selfUri,
      category: 'alerts',
      members,
      count: members.length,
      total: matching.length,
      start,
      prevPageUri: start > 0 ? pageUri(Math.max(0, start - count)) : null,
      nextPageUri,
      eTag: now,
      created: now,
      modified: now,
      alertSeverityCounts,
    });
  }

  async function updateAlert(
    req: IncomingMessage,
    alert: OneViewAlert,
    session: Session,
    reply: (status: number, body: unknown) => void,
  ): Promise<void> {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return reply(400, invalidJson());
    }
    const etag = body.eTag ?? headerValue(req, 'if-match');
    if (typeof etag === 'string' && etag !== '' && etag !== '*' && etag !== alert.eTag) {
      return reply(412, {
        errorCode: 'ETAG_MISMATCH',
        message: 'The resource was modified by another request.',
        details: `eTag ${etag} does not match ${alert.eTag}.`,
        recommendedActions: ['Get the resource again and retry.'],
        nestedErrors: [],
        errorSource: alert.uri,
        data: {},
      });
    }
    if (alert.alertState === 'Locked' && body.alertState !== undefined) {
      return reply(409, stateConflict("The Alert provided is a Locked alert and it's state cannot be modified."));
    }
    const changed = store.update(idOf(alert), body, session.userName);
    return reply(200, changed);
  }

  function deleteAlerts(url: URL, res: ServerResponse, finish: (s: number) => void): void {
    let filters: FilterExpression[];
    try {
      filters = url.searchParams.getAll('filter').map(parseFilter);
    } catch (err) {
      finish(400);
      return sendJson(res, 400, {
        errorCode: 'INVALID_FILTER',
        message: `The filter is not valid: ${(err as Error).message}`,
        details: '',
        recommendedActions: [],
        nestedErrors: [],
        errorSource: null,
        data: {},
      });
    }
    for (const a of store.all()) {
      if (a.alertState === 'Cleared' && filters.every((f) => matchesFilter(a as unknown as Record<string, unknown>, f)))
        store.remove(idOf(a));
    }
    // A bulk delete is asynchronous on the appliance: 202 with the task to follow.
    finish(202);
    res.writeHead(202, { location: `/rest/tasks/${randomBytes(8).toString('hex')}` }).end();
  }

  async function control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    const body = async () => {
      const text = await readBody(req);
      return text.trim() === '' ? {} : (JSON.parse(text) as unknown);
    };
    try {
      if (path === '/_sim/alerts' && req.method === 'POST') {
        const input = await body();
        const list = Array.isArray(input) ? input : [input];
        return sendJson(
          res,
          200,
          list.map((a) => store.add(a as Partial<OneViewAlert>)),
        );
      }
      if (path === '/_sim/alerts/bulk' && req.method === 'POST') {
        // Many alerts at once without a huge request: { count, template } (e.g. 20,000 cleared ones of history).
        const { count = 1, template = {} } = (await body()) as { count?: number; template?: Partial<OneViewAlert> };
        for (let i = 0; i < count; i++) store.add({ ...template });
        return sendJson(res, 200, { added: count, total: store.all().length });
      }
      if (path === '/_sim/alerts' && req.method === 'GET') return sendJson(res, 200, store.all());
      if (path === '/_sim/storm' && req.method === 'POST') {
        // A storm: the parent's own alert (unless `parent: false`), then one per blade in bays 1..children, all
        // Critical. `kind: 'enclosure'` (default) is a power loss of the enclosure; `kind: 'interconnect'` a failure
        // of its interconnect 1, which every blade's ports reach. Blades first is two calls: blades, then the parent.
        const input = (await body()) as { children?: unknown; parent?: unknown; kind?: unknown };
        const kind = input.kind ?? 'enclosure';
        if (kind !== 'enclosure' && kind !== 'interconnect')
          return sendJson(res, 400, { error: "kind must be 'enclosure' or 'interconnect'" });
        const children = typeof input.children === 'number' ? Math.trunc(input.children) : SIM_ENCLOSURE.bays;
        if (children < 0 || children > SIM_ENCLOSURE.bays)
          return sendJson(res, 400, { error: `children must be 0 to ${SIM_ENCLOSURE.bays}` });
        const parent =
          input.parent === false
            ? null
            : store.add(kind === 'enclosure' ? enclosurePowerAlert() : interconnectFailedAlert());
        const blades = Array.from({ length: children }, (_, i) =>
          store.add(kind === 'enclosure' ? bladePowerAlert(i + 1) : bladeLinkAlert(i + 1)),
        );
        return sendJson(res, 200, { parent, children: blades });
      }
      if (path === '/_sim/server-hardware' && req.method === 'POST') {
        // { resourceUri, maintenanceMode }: a server (as an alert's resourceUri names it) in or out of maintenance.
        const input = (await body()) as { resourceUri?: unknown; maintenanceMode?: unknown };
        if (typeof input.resourceUri !== 'string' || !input.resourceUri.startsWith('/rest/server-hardware/'))
          return sendJson(res, 400, { error: 'resourceUri must be a /rest/server-hardware/ URI' });
        servers.setMaintenance(input.resourceUri, input.maintenanceMode === true);
        return sendJson(res, 200, servers.get(input.resourceUri, currentVersion));
      }
      const remove = /^\/_sim\/alerts\/([^/]+)$/.exec(path);
      if (remove && req.method === 'DELETE') {
        store.remove(decodeURIComponent(remove[1] ?? ''));
        return sendJson(res, 200, { deleted: true });
      }
      const clear = /^\/_sim\/alerts\/([^/]+)\/clear$/.exec(path);
      if (clear && req.method === 'POST') {
        const alert = store.clear(decodeURIComponent(clear[1] ?? ''));
        return alert ? sendJson(res, 200, alert) : sendJson(res, 404, { error: 'no such alert' });
      }
      if (path === '/_sim/requests' && req.method === 'GET') return sendJson(res, 200, requests);
      if (path === '/_sim/sessions' && req.method === 'GET') {
        const live = [...sessions.values()].filter((s) => Date.now() - s.lastUsedAt <= sessionIdleMs);
        return sendJson(
          res,
          200,
          live.map((s) => ({
            token: s.token,
            userName: s.userName,
            clientIp: s.clientIp,
            createdAt: new Date(s.createdAt).toISOString(),
            lastUsedAt: new Date(s.lastUsedAt).toISOString(),
          })),
        );
      }
      if (path === '/_sim/faults' && req.method === 'POST') {
        const input = (await body()) as OneViewFault & {
          invalidateSessions?: boolean;
          repeatNextPageUri?: number;
          loginBanner?: boolean;
          nextPageUri?: string;
        };
        if (input.invalidateSessions) sessions.clear();
        if (input.repeatNextPageUri !== undefined) repeatNextPage = input.repeatNextPageUri;
        if (input.nextPageUri !== undefined) forcedNextPageUri = input.nextPageUri;
        if (input.loginBanner !== undefined) loginBanner = input.loginBanner;
        if (input.status !== undefined || input.delayMs !== undefined || input.dropConnection) {
          faults.push({ ...input, remaining: input.count ?? 1 });
        }
        return sendJson(res, 200, { faults: faults.length, sessions: sessions.size });
      }
      if (path === '/_sim/scmb' && scmb) return await scmbControl(req.method ?? 'GET', body, res);
      if (path === '/_sim/stats' && req.method === 'GET') {
        const live = [...sessions.values()].filter((x) => Date.now() - x.lastUsedAt <= sessionIdleMs).length;
        return sendJson(res, 200, {
          liveSessions: live,
          peakSessions,
          alerts: store.all().length,
          requests: requests.length,
        });
      }
      if (path === '/_sim/reset' && req.method === 'POST') {
        store.reset();
        servers.reset();
        peakSessions = 0;
        repeatNextPage = 0;
        forcedNextPageUri = undefined;
        loginBanner = options.loginBanner ?? false;
        sessions.clear();
        requests = [];
        faults = [];
        certificates?.reset();
        if (scmb) scmb.faults = {};
        return sendJson(res, 200, { reset: true });
      }
      return sendJson(res, 404, { error: `no control endpoint ${req.method} ${path}` });
    } catch (err) {
      return sendJson(res, 400, { error: (err as Error).message });
    }
  }

  /**
   * `GET /_sim/scmb`: what was published and who is connected; `POST /_sim/scmb` with any of `dropConnections` (every
   * consumer's connection, as when the appliance's broker restarts them), `stopBroker`, `startBroker`, `delayMs`,
   * `dropMessages`.
   */
  async function scmbControl(method: string, body: () => Promise<unknown>, res: ServerResponse): Promise<void> {
    const bus = scmb!;
    const broker = options.scmb!.broker;
    if (method === 'POST') {
      const input = (await body()) as ScmbFaults & {
        dropConnections?: boolean;
        stopBroker?: boolean;
        startBroker?: boolean;
      };
      if (input.delayMs !== undefined) bus.faults.delayMs = input.delayMs;
      if (input.dropMessages !== undefined) bus.faults.dropMessages = input.dropMessages;
      if (input.stopBroker) await broker.stopApp();
      if (input.startBroker) await broker.startApp();
      if (input.dropConnections) {
        const consumers = (await broker.connections()).filter((c) => c.user !== PUBLISHER_USER);
        for (const user of new Set(consumers.map((c) => c.user))) await broker.closeConnections(user);
      }
    }
    await bus.settled();
    return sendJson(res, 200, {
      ...bus.stats,
      faults: bus.faults,
      clientCertificateRequests: certificates?.generateRequests ?? 0,
      connections: await broker.connections().catch(() => []),
    });
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { errorCode: 'SIMULATOR_ERROR', message: String(err) });
    });
  };
  let server: Server;
  let certificatePem: string | undefined;
  if (options.tls ?? true) {
    const c = options.certificate ?? {};
    const altNames = [
      ...(c.dnsNames ?? ['localhost']).map((value) => ({ type: 2 as const, value })),
      ...(c.ipAddresses ?? ['127.0.0.1']).map((ip) => ({ type: 7 as const, ip })),
    ];
    const pems = await generate([{ name: 'commonName', value: c.commonName ?? 'oneview-simulator.local' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames }],
      ...(c.notBefore ? { notBeforeDate: c.notBefore } : {}),
      ...(c.notAfter ? { notAfterDate: c.notAfter } : {}),
      ...(c.issuer ? { ca: c.issuer } : {}),
    });
    certificatePem = pems.cert;
    server = createHttpsServer({ key: pems.private, cert: pems.cert }, handler);
  } else {
    server = createHttpServer(handler);
  }
  if (options.scmb)
    certificates = new CertificateRoutes({
      broker: options.scmb.broker,
      generationMs: options.scmb.certificateGenerationMs,
      httpsCertificatePem: certificatePem,
    });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${(options.tls ?? true) ? 'https' : 'http'}://${host}:${port}`,
    port,
    certificatePem,
    store,
    scmb,
    close: async () => {
      await scmb?.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function idOf(alert: OneViewAlert): string {
  return alert.uri.slice(alert.uri.lastIndexOf('/') + 1);
}

function stateConflict(message: string) {
  return {
    errorCode: 'STATE_CONFLICT',
    message,
    details: '',
    recommendedActions: ['The requested state change does not apply to this alert.'],
    nestedErrors: [],
    errorSource: null,
    data: {},
  };
}

function notFound(path: string) {
  return {
    errorCode: 'RESOURCE_NOT_FOUND',
    message: `The resource ${path} was not found.`,
    details: '',
    recommendedActions: [],
    nestedErrors: [],
    errorSource: path,
    data: {},
  };
}

/** One page of a small collection (`start`, `count`), in OneView's collection shape. */
function collectionPage(url: URL, type: string, all: unknown[]) {
  const start = Math.max(0, Number(url.searchParams.get('start') ?? 0) || 0);
  const requested = Number(url.searchParams.get('count') ?? -1);
  const count = requested > 0 ? requested : all.length;
  const members = all.slice(start, start + count);
  const next = start + count < all.length ? `${url.pathname}?start=${start + count}&count=${count}` : null;
  return {
    type,
    uri: `${url.pathname}${url.search}`,
    start,
    count: members.length,
    total: all.length,
    members,
    nextPageUri: next,
    prevPageUri: null,
  };
}

/** The enclosure's own alert when it loses power. */
function enclosurePowerAlert() {
  return {
    severity: 'Critical',
    description: `${SIM_ENCLOSURE.name} lost input power: all power supplies report AC loss.`,
    correctiveAction: 'Check the power feeds of the enclosure.',
    healthCategory: 'Power',
    alertTypeID: 'Trap.cpqRackPowerSupplyInputLost',
    physicalResourceType: 'enclosures',
    resourceUri: SIM_ENCLOSURE.uri,
    associatedResource: {
      resourceName: SIM_ENCLOSURE.name,
      resourceUri: SIM_ENCLOSURE.uri,
      resourceCategory: 'enclosures',
      associationType: 'HAS_A',
    },
  };
}

/** A blade's alert in the same power loss. */
function bladePowerAlert(bay: number) {
  return bladeAlert(bay, 'The server lost power unexpectedly.', 'Power', 'Trap.cpqSm2ServerPowerLost');
}

/** A blade's alert, as OneView raises it for the server in a bay of the enclosure. */
function bladeAlert(bay: number, description: string, healthCategory: string, alertTypeID: string) {
  return {
    severity: 'Critical',
    description,
    healthCategory,
    alertTypeID,
    resourceUri: bladeUri(bay),
    associatedResource: {
      resourceName: `${SIM_ENCLOSURE.name}, bay ${bay}`,
      resourceUri: bladeUri(bay),
      resourceCategory: 'server-hardware',
      associationType: 'HAS_A',
    },
  };
}

/** Interconnect 1's own alert when it stops communicating. */
function interconnectFailedAlert() {
  return {
    severity: 'Critical',
    description: 'Unable to communicate with the interconnect.',
    healthCategory: 'Network',
    alertTypeID: 'hpris.interconnect.InterconnectUnreachable',
    physicalResourceType: 'interconnects',
    resourceUri: interconnectUri(1),
    associatedResource: {
      resourceName: `${SIM_ENCLOSURE.name}, interconnect 1`,
      resourceUri: interconnectUri(1),
      resourceCategory: 'interconnects',
      associationType: 'HAS_A',
    },
  };
}

/** A blade's alert when the interconnect its ports reach fails. */
function bladeLinkAlert(bay: number) {
  return bladeAlert(bay, 'A network port of the server lost its link.', 'Network', 'Trap.cpqNic3ConnectivityLost');
}
