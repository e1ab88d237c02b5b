/**
 * Issue 13, the web process: every endpoint that changes something or reveals data is authenticated. Each test talks
 * to the real web process (spawned, compiled as the image runs it) over real HTTP, with the real worker process where
 * a Temporal call needs one.
 */
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { temporal } from '@temporalio/proto';
import { request } from 'undici';
import { pollerStatus } from '../../src/client/poller-operations';
import { pollerWorkflowId } from '../../src/shared/workflow-ids';
import { TEST_PAYLOAD_KEY, bridgeConfig, uniqueAppliance, useHarness } from '../support/bridge-harness';
import { startJwtIssuer } from '../support/jwt-issuer-process';
import { registerSecret } from '../support/log-capture';
import { waitFor } from '../support/wait-for';
import {
  CODEC_AUTH_TOKEN,
  OPERATOR_TOKEN,
  WEBHOOK_TOKEN,
  codecAuth,
  operatorAuth,
  spawnWeb,
  type WebAnswer,
} from '../support/web-process';
import { exited, spawnWorker, workerEnv } from '../support/worker-process';

const harness = useHarness();
const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'temporal-web-ui';
const UI_ORIGIN = 'http://127.0.0.1:8233';
const WRONG_TOKEN = 'not-the-right-token-4242424242';

type Web = Awaited<ReturnType<typeof spawnWeb>>;
let ids: { applianceId: string; taskQueue: string };
let worker: ReturnType<typeof spawnWorker>;
let issuer: Awaited<ReturnType<typeof startJwtIssuer>>;
/** Every credential configured, JWTs from the test issuer (ES256 only), generous limits. */
let web: Web;
/** No operator token, no codec credential. */
let bare: Web;
/** Tight limits, no trusted proxy. */
let direct: Web;
/** Tight limits, loopback trusted as a proxy (X-Forwarded-For believed from it). */
let proxied: Web;
const tight = {
  WEB_RATE_LIMIT_PER_MINUTE: '1',
  WEB_RATE_LIMIT_BURST: '5',
  WEB_AUTH_FAILURE_LIMIT_PER_MINUTE: '1',
  WEB_AUTH_FAILURE_BURST: '3',
};

beforeAll(async () => {
  const h = harness();
  ids = uniqueAppliance('sec');
  // Polls only at boot and when asked (the interval is an hour), so a force-poll that got through would show.
  worker = spawnWorker(workerEnv(bridgeConfig(h, ids, { caCertPem: undefined, sslVerify: false })));
  issuer = await startJwtIssuer();
  [web, bare, direct, proxied] = await Promise.all([
    spawnWeb(ids.taskQueue, {
      CODEC_JWT_JWKS_URL: issuer.jwksUrl,
      CODEC_JWT_ISSUER: ISSUER,
      CODEC_JWT_AUDIENCE: AUDIENCE,
      CODEC_JWT_ALGORITHMS: 'ES256',
      CODEC_CORS_ORIGIN: UI_ORIGIN,
      WEB_RATE_LIMIT_BURST: '1000',
      WEB_AUTH_FAILURE_BURST: '1000',
    }),
    spawnWeb(ids.taskQueue, { OPERATOR_TOKEN: '', CODEC_AUTH_TOKEN: '' }),
    spawnWeb(ids.taskQueue, tight),
    spawnWeb(ids.taskQueue, { ...tight, WEB_TRUSTED_PROXIES: '127.0.0.1, ::1' }),
  ]);
  await waitFor(
    'the boot poll',
    () => pollerStatus(h.client, ids.applianceId),
    (s) => s.counters.polls >= 1,
    60_000,
  );
});

afterAll(async () => {
  await Promise.all([web, bare, direct, proxied].map((w) => w?.stop()));
  await issuer?.stop();
  worker?.child.kill('SIGTERM');
  if (worker) await exited(worker.child);
});

/** A request whose path is sent exactly as written (no URL normalization on the way). */
function rawCall(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<WebAnswer & { text: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
        port,
        method,
        path,
        headers: { ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(text) as Record<string, unknown>;
          } catch {
            parsed = { text };
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The forcePoll signals in the poller's history. A signal that arrives while a workflow task runs is written when the
 * task completes, so tests count after a later, accepted force-poll: refused calls made before it would be counted too.
 */
async function forcePollSignals(): Promise<number> {
  const history = await harness().client.workflow.getHandle(pollerWorkflowId(ids.applianceId)).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'forcePoll')
    .length;
}

/** Every encrypted payload of the poller's history as the Web UI sends it to a codec (base64 metadata and data). */
async function sealedHistoryPayloads(): Promise<{ metadata: Record<string, string>; data: string }[]> {
  const { history } = await harness().client.workflowService.getWorkflowExecutionHistory({
    namespace: 'default',
    execution: { workflowId: pollerWorkflowId(ids.applianceId) },
  });
  const found: temporal.api.common.v1.IPayload[] = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return;
    const p = node as temporal.api.common.v1.IPayload;
    if (
      p.metadata &&
      p.data instanceof Uint8Array &&
      Buffer.from(p.metadata.encoding ?? []).toString() === 'binary/encrypted'
    )
      found.push(p);
    else for (const value of Object.values(node)) walk(value);
  };
  walk(history);
  return found.map((p) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(p.data!).toString('base64'),
  }));
}

/** The plaintext of decoded payloads, for searching. */
function plaintextOf(answer: WebAnswer): string {
  return ((answer.body.payloads ?? []) as { data: string }[])
    .map((p) => Buffer.from(p.data, 'base64').toString())
    .join('\n');
}

const now = () => Math.floor(Date.now() / 1000);
const validClaims = () => ({ iss: ISSUER, aud: AUDIENCE, sub: 'alice@example.test', iat: now(), exp: now() + 300 });
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (w: Web, payloads: unknown[], headers: Record<string, string> = {}) =>
  w.call('POST', '/codec/decode', { body: { payloads }, headers: { 'x-namespace': 'default', ...headers } });
const refused = { status: 401, body: { error: 'missing or invalid token', code: 'UNAUTHENTICATED' } };

describe('the codec endpoint', () => {
  let payloads: { metadata: Record<string, string>; data: string }[];
  let sessionTokens: string[];

  beforeAll(async () => {
    payloads = await sealedHistoryPayloads();
    sessionTokens = (await harness().sim.oneViewSessions()).map((s) => s.token);
  });

  test('decrypts the history, OneView session tokens included, only with the static codec token', async () => {
    const opened = await decode(web, payloads, codecAuth);
    expect(opened.status).toBe(200);
    // The poller's history holds the live OneView session sealed: this is what an open codec would hand anyone.
    expect(sessionTokens.some((t) => plaintextOf(opened).includes(t))).toBe(true);

    const wrong: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${WRONG_TOKEN}` },
      { authorization: `Bearer ${WEBHOOK_TOKEN}` },
      { authorization: `Bearer ${OPERATOR_TOKEN}` },
      { authorization: CODEC_AUTH_TOKEN },
    ];
    for (const headers of wrong) {
      const res = await decode(web, payloads, headers);
      expect(res).toMatchObject(refused);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.body.payloads).toBeUndefined();
      for (const t of sessionTokens) expect(JSON.stringify(res.body)).not.toContain(t);
    }
    expect(await web.call('POST', '/codec/encode', { body: { payloads: [] } })).toMatchObject(refused);
  });

  test('does not exist (404, no CORS) while no codec credential is configured', async () => {
    for (const [method, path] of [
      ['POST', '/codec/decode'],
      ['POST', '/codec/encode'],
      ['OPTIONS', '/codec/decode'],
      ['GET', '/codec/sign-in'],
    ] as const) {
      const res = await bare.call(method, path, {
        body: method === 'POST' ? { payloads } : undefined,
        headers: { ...codecAuth, origin: UI_ORIGIN },
      });
      expect([method, path, res.status, res.body.code]).toEqual([method, path, 404, 'NOT_FOUND']);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  test('takes a JWT only when signed by a published key with an allowed algorithm, for the right issuer and audience, unexpired', async () => {
    const valid = await issuer.sign(validClaims());
    registerSecret('a valid codec JWT', valid);
    const opened = await decode(web, payloads, { authorization: `Bearer ${valid}` });
    expect(opened.status).toBe(200);
    expect(sessionTokens.some((t) => plaintextOf(opened).includes(t))).toBe(true);
    expect(await issuer.fetches()).toBe(1);

    const [header, body, signature] = valid.split('.') as [string, string, string];
    const forged = {
      'signed by a key the JWKS does not hold (same kid)': await issuer.sign(validClaims(), 'impostor'),
      'claims changed after signing': `${header}.${b64url({ ...validClaims(), sub: 'mallory' })}.${signature}`,
      'signature cut off': `${header}.${body}.`,
      'wrong issuer': await issuer.sign({ ...validClaims(), iss: 'https://evil.example.test/' }),
      'wrong audience': await issuer.sign({ ...validClaims(), aud: 'another-app' }),
      'expired an hour ago': await issuer.sign({ ...validClaims(), iat: now() - 7200, exp: now() - 3600 }),
      'not valid for another hour': await issuer.sign({ ...validClaims(), nbf: now() + 3600 }),
      'no expiry at all': await issuer.sign({ iss: ISSUER, aud: AUDIENCE, sub: 'alice@example.test' }),
      'a published key whose algorithm is not allowed (RS256)': await issuer.sign(validClaims(), 'rs-1'),
      'alg none': `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(validClaims())}.`,
      'alg none with a published kid': `${b64url({ alg: 'none', kid: 'es-1' })}.${b64url(validClaims())}.`,
      'HS256 keyed with the public JWKS (algorithm confusion)': await (async () => {
        const jwks = await (await request(issuer.jwksUrl)).body.text();
        const input = `${b64url({ alg: 'HS256', kid: 'es-1', typ: 'JWT' })}.${b64url(validClaims())}`;
        return `${input}.${createHmac('sha256', jwks).update(input).digest('base64url')}`;
      })(),
    };
    const fetched = await issuer.fetches();
    for (const [what, token] of Object.entries(forged)) {
      const res = await decode(web, payloads, { authorization: `Bearer ${token}` });
      // Every refusal is the same sentence: nothing tells the caller which check failed.
      expect({ what, status: res.status, body: res.body.error, challenge: res.headers['www-authenticate'] }).toEqual({
        what,
        status: 401,
        body: 'missing or invalid token',
        challenge: 'Bearer',
      });
      expect(res.body.payloads).toBeUndefined();
    }
    // The key set was fetched once and cached: forged tokens, however many, make the web process fetch nothing.
    expect(await issuer.fetches()).toBe(fetched);
  });

  test('a browser session from the sign-in works only from the Web UI origin, with CORS credentials for that origin alone', async () => {
    const page = await web.call('GET', '/codec/sign-in');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("form-action 'self'");
    expect(String(page.body.text)).toContain('name="token"');

    const form = (token: string, site = 'same-origin') =>
      rawCall(
        web.base,
        'POST',
        '/codec/sign-in',
        { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': site },
        `token=${encodeURIComponent(token)}`,
      );
    const wrong = await form(WRONG_TOKEN);
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    // A page on another site cannot plant a session, even with the right token.
    const crossSite = await form(CODEC_AUTH_TOKEN, 'cross-site');
    expect(crossSite).toMatchObject({ status: 403, body: { code: 'CROSS_SITE' } });
    expect(crossSite.headers['set-cookie']).toBeUndefined();

    const signedIn = await form(CODEC_AUTH_TOKEN);
    expect(signedIn.status).toBe(200);
    expect(signedIn.text).toContain('Signed in until');
    const setCookie = String(signedIn.headers['set-cookie']);
    expect(setCookie).toMatch(
      /^codec_session=[\w-]+\.[\w-]+\.[\w-]+; Path=\/codec; Max-Age=3600; HttpOnly; SameSite=Strict$/,
    );
    const cookie = setCookie.split(';')[0]!;
    registerSecret('a codec session cookie', cookie.slice('codec_session='.length));

    const preflight = await web.call('OPTIONS', '/codec/decode', {
      headers: {
        origin: UI_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': UI_ORIGIN,
      'access-control-allow-credentials': 'true',
    });

    const opened = await decode(web, payloads, { cookie, origin: UI_ORIGIN });
    expect(opened.status).toBe(200);
    expect(opened.headers).toMatchObject({
      'access-control-allow-origin': UI_ORIGIN,
      'access-control-allow-credentials': 'true',
    });
    expect(sessionTokens.some((t) => plaintextOf(opened).includes(t))).toBe(true);
    const tampered = `${cookie.slice(0, -3)}${cookie.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const misused: Record<string, string>[] = [
      { cookie },
      { cookie, origin: 'http://127.0.0.1:9999' },
      { cookie, origin: 'https://evil.example.test' },
      { cookie: tampered, origin: UI_ORIGIN },
    ];
    for (const headers of misused) {
      expect(await decode(web, payloads, headers)).toMatchObject(refused);
    }
    // Scripts sign in with the token as a bearer token and get the same cookie, as JSON.
    const scripted = await web.call('POST', '/codec/sign-in', { headers: codecAuth });
    expect(scripted).toMatchObject({ status: 200, body: { signedIn: true } });
    expect(String(scripted.headers['set-cookie'])).toContain('HttpOnly; SameSite=Strict');
  });
});

describe('the operator endpoints', () => {
  test('force-poll refuses callers without the operator token and cross-site form posts; no signal reaches the poller', async () => {
    const h = harness();
    const before = (await pollerStatus(h.client, ids.applianceId)).counters.polls;
    const path = `/force-poll?appliance=${ids.applianceId}`;
    const attempts: [string, Promise<WebAnswer>, number][] = [
      ['no token', web.call('POST', path), 401],
      ['a wrong token', web.call('POST', path, { headers: { authorization: `Bearer ${WRONG_TOKEN}` } }), 401],
      ['the webhook token', web.call('POST', path, { headers: { authorization: `Bearer ${WEBHOOK_TOKEN}` } }), 401],
      ['the codec token', web.call('POST', path, { headers: codecAuth }), 401],
      // What an HTML form on any site can send: urlencoded (or text/plain), no custom header, the victim's cookies.
      [
        'a cross-site form',
        web.call('POST', '/force-poll', {
          raw: `appliance=${ids.applianceId}`,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            origin: 'https://evil.example.test',
            'sec-fetch-site': 'cross-site',
            cookie: 'codec_session=x',
          },
        }),
        401,
      ],
      [
        'a text/plain form',
        web.call('POST', '/force-poll', {
          raw: 'a=b',
          headers: { 'content-type': 'text/plain', origin: 'https://evil.example.test' },
        }),
        401,
      ],
      [
        'the operator token with a form body',
        web.call('POST', path, {
          raw: 'a=b',
          headers: { ...operatorAuth, 'content-type': 'application/x-www-form-urlencoded' },
        }),
        415,
      ],
      ['as GET', web.call('GET', path, { headers: operatorAuth }), 405],
      ['with the operator endpoints off', bare.call('POST', path, { headers: operatorAuth }), 403],
    ];
    for (const [what, answer, status] of attempts) expect([what, (await answer).status]).toEqual([what, status]);
    expect(await forcePollSignals()).toBe(0);
    expect((await pollerStatus(h.client, ids.applianceId)).counters.polls).toBe(before);

    const off = await bare.call('POST', path, { headers: operatorAuth });
    expect(off.body).toMatchObject({ code: 'DISABLED', error: expect.stringContaining('OPERATOR_TOKEN') });

    // The same call with the operator token (no body, or an empty JSON object) gets through, once each; the history
    // then holds exactly those signals, none from the refused calls before them.
    expect(await web.call('POST', path, { headers: operatorAuth })).toMatchObject({
      status: 202,
      body: { workflowIds: [pollerWorkflowId(ids.applianceId)] },
    });
    expect(await waitFor('the accepted forcePoll', forcePollSignals, (n) => n >= 1)).toBe(1);
    expect(await web.call('POST', path, { body: {}, headers: operatorAuth })).toMatchObject({ status: 202 });
    expect(await waitFor('the second accepted forcePoll', forcePollSignals, (n) => n >= 2)).toBe(2);
    await waitFor(
      'the forced poll',
      () => pollerStatus(h.client, ids.applianceId),
      (s) => s.counters.polls > before,
    );
  });

  test('test-connection is a POST with the operator token', async () => {
    const path = `/test-connection?appliance=${ids.applianceId}`;
    expect(await web.call('POST', path)).toMatchObject(refused);
    expect(await web.call('POST', path, { headers: { authorization: `Bearer ${WEBHOOK_TOKEN}` } })).toMatchObject(
      refused,
    );
    const asGet = await web.call('GET', path, { headers: operatorAuth });
    expect(asGet).toMatchObject({ status: 405, body: { code: 'METHOD_NOT_ALLOWED' } });
    expect(asGet.headers.allow).toBe('POST');
    expect(await bare.call('POST', path, { headers: operatorAuth })).toMatchObject({
      status: 403,
      body: { code: 'DISABLED' },
    });
    const check = await web.call('POST', path, { headers: operatorAuth });
    expect(check.status).toBe(200);
    expect((check.body.results as { applianceId: string; ok: boolean }[]).map((r) => [r.applianceId, r.ok])).toEqual([
      [ids.applianceId, true],
    ]);
  });

  test('/health tells anyone healthy or not, and only the operator which appliance and why', async () => {
    const anonymous = await web.call('GET', '/health');
    expect(anonymous.status).toBe(200);
    expect(Object.keys(anonymous.body).sort()).toEqual(['oneview_configured', 'pagerduty_configured', 'status']);
    expect(JSON.stringify(anonymous.body)).not.toContain(ids.applianceId);
    const operator = await web.call('GET', '/health', { headers: operatorAuth });
    expect(Object.keys(operator.body.poller_status as object)).toEqual([ids.applianceId]);
    // A credential that is presented must be right: a wrong one is refused, not quietly treated as anonymous.
    expect(await web.call('GET', '/health', { headers: { authorization: `Bearer ${WEBHOOK_TOKEN}` } })).toMatchObject(
      refused,
    );
    expect(await bare.call('GET', '/health', { headers: operatorAuth })).toMatchObject({ status: 403 });
    expect(Object.keys((await bare.call('GET', '/health')).body).sort()).toEqual([
      'oneview_configured',
      'pagerduty_configured',
      'status',
    ]);
    // Probes and Prometheus need no credential.
    expect((await bare.call('GET', '/ready')).status).toBe(200);
    expect((await bare.call('GET', '/metrics')).status).toBe(200);
  });
});

describe('routes', () => {
  test('match the path exactly as received: dot segments, encodings and double slashes reach no route', async () => {
    const before = await forcePollSignals();
    const tricks = [
      '/codec/../force-poll',
      '/ready/../force-poll',
      '/oneview-webhook/../force-poll',
      '/codec/..%2fforce-poll',
      '/codec/%2e%2e/force-poll',
      '/x/..%2f',
      '/./force-poll',
      '//force-poll',
      '/force-poll/',
      '/force-poll/.',
      '/force%2dpoll',
      '/FORCE-POLL',
      '/codec/decode/../../force-poll',
      `http://127.0.0.1/force-poll`,
    ];
    for (const path of tricks) {
      for (const headers of [{}, operatorAuth, { authorization: `Bearer ${WEBHOOK_TOKEN}` }]) {
        const res = await rawCall(web.base, 'POST', `${path}?appliance=${ids.applianceId}`, headers);
        expect([path, res.status, res.body.code]).toEqual([path, 404, 'NOT_FOUND']);
      }
    }
    for (const path of ['/health/../metrics', '/metrics/..', '/codec/..%2fhealth', '/%68ealth']) {
      expect([path, (await rawCall(web.base, 'GET', path)).status]).toEqual([path, 404]);
    }
    // One accepted force-poll after them: the history holds it alone.
    expect((await web.call('POST', `/force-poll?appliance=${ids.applianceId}`, { headers: operatorAuth })).status).toBe(
      202,
    );
    expect(await waitFor('the accepted forcePoll', forcePollSignals, (n) => n > before)).toBe(before + 1);
  });

  test('every answer carries X-XSS-Protection: 0 and HSTS, errors included', async () => {
    const answers = await Promise.all([
      web.call('GET', '/ready'),
      web.call('GET', '/health'),
      web.call('GET', '/codec/sign-in'),
      web.call('OPTIONS', '/codec/decode', { headers: { origin: UI_ORIGIN } }),
      web.call('POST', '/codec/decode', { body: { payloads: [] } }),
      web.call('POST', '/force-poll'),
      web.call('GET', '/force-poll'),
      rawCall(web.base, 'GET', '/codec/../health'),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 204, 401, 401, 405, 404]);
    for (const a of answers) {
      expect(a.headers).toMatchObject({
        'x-xss-protection': '0',
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'x-content-type-options': 'nosniff',
      });
    }
  });
});

describe('rate limits', () => {
  const alert = (id: string) => ({
    uri: `/rest/alerts/${id}`,
    severity: 'Critical',
    alertState: 'Active',
    description: `pushed ${id}`,
    created: new Date().toISOString(),
    modified: new Date().toISOString(),
  });
  const webhook = (w: Web, headers: Record<string, string> = {}, appliance = ids.applianceId) =>
    w.call('POST', `/oneview-webhook?appliance=${appliance}`, { body: alert('7001'), headers });

  test('come after authentication: an anonymous flood never throttles OneView, the operator or anyone authenticated', async () => {
    const flood: number[] = [];
    for (let i = 0; i < 10; i++)
      flood.push((await webhook(direct, i % 2 ? { authorization: `Bearer ${WRONG_TOKEN}` } : {})).status);
    // Three failures per address, then 429 before the credential is even answered.
    expect(flood).toEqual([401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
    const limited = await webhook(direct, { authorization: `Bearer ${WRONG_TOKEN}` });
    expect(limited).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    // From the same address, right after: the webhook's own bucket is untouched.
    expect(await webhook(direct, { authorization: `Bearer ${WEBHOOK_TOKEN}` })).toMatchObject({
      status: 202,
      body: { accepted: 1 },
    });
    // Anonymous /health calls have their own bucket per address, apart from the operator's.
    const anonymous: number[] = [];
    for (let i = 0; i < 6; i++) anonymous.push((await direct.call('GET', '/health')).status);
    expect(anonymous).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await direct.call('GET', '/health', { headers: operatorAuth })).status).toBe(200);
    // Authenticated callers are limited too, each by its identity: the webhook's burst of five is spent after four more.
    const pushes: number[] = [];
    for (let i = 0; i < 5; i++)
      pushes.push((await webhook(direct, { authorization: `Bearer ${WEBHOOK_TOKEN}` }, 'no-such-appliance')).status);
    expect(pushes).toEqual([404, 404, 404, 404, 429]);
    // X-Forwarded-For from a peer that is not a trusted proxy is ignored: the flood's address is still limited.
    expect((await webhook(direct, { 'x-forwarded-for': '198.51.100.7' })).status).toBe(429);
  });

  test('failed authentications are limited per client address; X-Forwarded-For counts only from a trusted proxy', async () => {
    const fail = (xff?: string) =>
      webhook(proxied, { authorization: `Bearer ${WRONG_TOKEN}`, ...(xff ? { 'x-forwarded-for': xff } : {}) }).then(
        (r) => r.status,
      );
    const first: number[] = [];
    for (let i = 0; i < 4; i++) first.push(await fail('203.0.113.9'));
    expect(first).toEqual([401, 401, 401, 429]);
    // The right-most address that is not a trusted proxy is the client: what the client wrote to the left is ignored,
    // and trusted hops to the right are skipped.
    expect(await fail('198.51.100.1, 203.0.113.9')).toBe(429);
    expect(await fail('203.0.113.9, 127.0.0.1')).toBe(429);
    expect(await fail('203.0.113.9, 198.51.100.1')).toBe(401);
    expect(await fail('203.0.113.10')).toBe(401);
    expect(await fail()).toBe(401);
    // IPv6 clients are limited per /64.
    const v6: number[] = [];
    for (const address of ['2001:db8::1', '2001:db8::2', '2001:db8:0:0:ffff::3', '2001:db8::4'])
      v6.push(await fail(address));
    expect(v6).toEqual([401, 401, 401, 429]);
    expect(await fail('2001:db8:0:1::1')).toBe(401);
    // The limited address with the right token is served: its failures never count against the webhook.
    expect(
      (
        await webhook(
          proxied,
          { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'x-forwarded-for': '203.0.113.9' },
          'no-such-appliance',
        )
      ).status,
    ).toBe(404);
    expect(proxied.output()).toContain('"msg":"authentication failed"');
    expect(proxied.output()).toContain('"client":"203.0.113.9"');
    expect(proxied.output()).toContain('"client":"2001:db8::1"');
  });
});

describe('logs', () => {
  test('the web logs are JSON lines with time, level and msg, and hold no token, key, JWT or cookie', async () => {
    const secrets = [WEBHOOK_TOKEN, OPERATOR_TOKEN, CODEC_AUTH_TOKEN, WRONG_TOKEN, TEST_PAYLOAD_KEY.toString('base64')];
    for (const w of [web, bare, direct, proxied]) {
      const lines = w.output().split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(3);
      for (const line of lines)
        expect(JSON.parse(line)).toMatchObject({
          time: expect.any(String),
          level: expect.any(String),
          msg: expect.any(String),
        });
      for (const secret of secrets) expect(w.output()).not.toContain(secret);
      // No bearer value and no cookie value of any kind (the test's JWTs and sessions are registered for the suite check).
      expect(w.output()).not.toMatch(/eyJ[\w-]+\.eyJ/);
    }
    expect(web.output()).toContain('"reason":"jwt refused: ERR_JWT_EXPIRED"');
  });
});
