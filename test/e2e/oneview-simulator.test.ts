import { Agent, request } from 'undici';
import { controls } from '../../simulators/control-client';
import { startOneViewSimulator, type OneViewSimulator } from '../../simulators/oneview/server';

// The simulator behaviours of ../shared/reference/oneview-api.md that the bridge's own client never exercises.
let sim: OneViewSimulator;
let control: ReturnType<typeof controls>;
const agent = new Agent({ connect: { rejectUnauthorized: false } });

beforeAll(async () => {
  sim = await startOneViewSimulator({ tls: true, sessionIdleMs: 500 });
  control = controls(sim.url, 'http://127.0.0.1:9');
});
afterAll(async () => {
  await sim.close();
  await agent.close();
});
afterEach(() => control.resetOneView());

// The tests read arbitrary JSON answers field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function call(method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  const res = await request(`${sim.url}${path}`, {
    method: method as 'GET',
    dispatcher: agent,
    headers: {
      'x-api-version': '6600',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, Json>) : undefined,
  };
}

async function login(extra: Record<string, unknown> = {}): Promise<string> {
  const res = await call(
    'POST',
    '/rest/login-sessions',
    {},
    { userName: 'administrator', password: 'admin-password', ...extra },
  );
  expect(res.status).toBe(200);
  return res.body!.sessionID as string;
}

test('sessions: idle expiry, Session-ID endpoints, PUT refresh, logout, banner acknowledgement as a string', async () => {
  const token = await login();
  expect((await call('PUT', '/rest/login-sessions', { auth: token })).body).toMatchObject({ sessionID: token });
  expect((await call('GET', '/rest/sessions/idle-timeout', { 'session-id': token })).status).toBe(200);
  expect((await call('DELETE', '/rest/login-sessions', { auth: token })).status).toBe(204);
  expect((await call('GET', '/rest/sessions/idle-timeout', { 'session-id': token })).status).toBe(404);
  const denied = await call('GET', '/rest/alerts', { auth: token });
  expect(denied.status).toBe(401);
  expect(denied.body).toMatchObject({ errorCode: 'AUTHORIZATION', details: 'User not authorized for this operation.' });

  const idle = await login();
  await control.oneViewFault({ delayMs: 700, count: 1, pathPrefix: '/rest/version' });
  await call('GET', '/rest/version');
  expect((await call('GET', '/rest/alerts', { Auth: idle })).status).toBe(401);

  await control.oneViewFault({ loginBanner: true });
  const refused = await call(
    'POST',
    '/rest/login-sessions',
    {},
    { userName: 'administrator', password: 'admin-password' },
  );
  expect(refused).toMatchObject({ status: 400, body: { errorCode: 'AUTHN_LOGIN_MESSAGE_ACKNOWLEDGMENT_REQUIRED' } });
  expect(await login({ loginMsgAck: 'true' })).toBeTruthy();
});

test('the per-client session cap answers AUTHN_SESSION_CLIENT_LIMIT_CROSSED', async () => {
  const capped = await startOneViewSimulator({ tls: false, sessionsPerClient: 2 });
  try {
    const post = () =>
      request(`${capped.url}/rest/login-sessions`, {
        method: 'POST',
        headers: { 'x-api-version': '6600', 'content-type': 'application/json' },
        body: JSON.stringify({ userName: 'administrator', password: 'admin-password' }),
      });
    expect((await post()).statusCode).toBe(200);
    expect((await post()).statusCode).toBe(200);
    const third = await post();
    expect(third.statusCode).toBe(400);
    expect(await third.body.json()).toMatchObject({ errorCode: 'AUTHN_SESSION_CLIENT_LIMIT_CROSSED' });
  } finally {
    await capped.close();
  }
});

test('alerts: OK born cleared, eTag equals modified, alertSummary, both filter forms, sort, 25-item pages', async () => {
  await control.addAlerts([
    { severity: 'OK' },
    ...Array.from({ length: 30 }, () => ({ severity: 'Warning' })),
    { severity: 'Critical' },
  ]);
  const token = await login();
  const all = await call('GET', '/rest/alerts?count=-1&view=alertSummary', { auth: token });
  expect(all.body).toMatchObject({
    count: 25,
    total: 32,
    start: 0,
    alertSeverityCounts: { OK: 1, Warning: 30, Critical: 1 },
  });
  expect(all.body!.nextPageUri).toMatch(/start=25/);
  const ok = all.body!.members[0];
  expect(ok).toMatchObject({ severity: 'OK', alertState: 'Cleared', clearedByUser: 'System', lifeCycle: true });
  expect(ok.eTag).toBe(ok.modified);
  const last = await call('GET', all.body!.nextPageUri as string, { auth: token });
  expect(last.body).toMatchObject({ count: 7, nextPageUri: null });

  const q = (f: string) =>
    `/rest/alerts?${new URLSearchParams([
      ['filter', f],
      ['sort', 'created:descending'],
    ])}`;
  const critical = await call('GET', q(`"severity EQ 'critical'"`), { auth: token });
  expect(critical.body!.members.map((a: { severity: string }) => a.severity)).toEqual(['Critical']);
  const active = await call(
    'GET',
    `${q("alertState='Active'")}&filter=${encodeURIComponent(`"severity NE 'Warning'"`)}`,
    { auth: token },
  );
  expect(active.body!.total).toBe(1);
  const bad = await call('GET', q('"severity EQUALS Critical"'), { auth: token });
  expect(bad).toMatchObject({ status: 400, body: { errorCode: 'INVALID_FILTER' } });
});

test('alert changes: clears in place, notes, eTag mismatch, Locked alerts, deletes only when cleared', async () => {
  const [active, locked] = await control.addAlerts([
    { severity: 'Critical' },
    { severity: 'Warning', alertState: 'Locked' },
  ]);
  const token = await login();
  const id = active!.uri.split('/').pop()!;
  const stale = await call(
    'PUT',
    active!.uri,
    { auth: token },
    { alertState: 'Cleared', eTag: '1999-01-01T00:00:00.000Z' },
  );
  expect(stale.status).toBe(412);
  expect((await call('DELETE', active!.uri, { auth: token })).status).toBe(409);
  const cleared = (await control.clearAlert(id)) as { uri: string; alertState: string; modified: string; eTag: string };
  expect(cleared).toMatchObject({ uri: active!.uri, alertState: 'Cleared' });
  expect(cleared.eTag).toBe(cleared.modified);
  const noted = await call('PUT', active!.uri, { auth: token }, { notes: 'checked by on-call' });
  expect(noted.body!.changeLog.at(-1)).toMatchObject({
    notes: 'checked by on-call',
    userEntered: true,
    username: 'administrator',
  });
  expect((await call('PUT', locked!.uri, { auth: token }, { alertState: 'Cleared' })).status).toBe(409);
  expect((await call('DELETE', active!.uri, { auth: token })).status).toBe(204);
  const bulk = await call('DELETE', `/rest/alerts?filter=${encodeURIComponent(`"alertState EQ 'Cleared'"`)}`, {
    auth: token,
  });
  expect(bulk.status).toBe(202);
  expect(bulk.headers.location).toMatch(/^\/rest\/tasks\//);
});
