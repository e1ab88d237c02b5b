import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplianceRegistry } from '../../src/activities/appliance-registry';
import { createBridgeMetrics } from '../../src/activities/bridge-metrics';
import { ErrorCode } from '../../src/activities/errors';
import { fetchAlertChanges } from '../../src/activities/fetch-alert-changes';
import { OneViewClient } from '../../src/activities/oneview/oneview-client';
import { renewSession } from '../../src/activities/renew-session';
import type { ApplianceConfig } from '../../src/config/types';
import type { FetchAlertChangesInput, FetchAlertChangesResult, OneViewLogin } from '../../src/shared/types';
import { controls } from '../../simulators/control-client';
import { startOneViewSimulator, type OneViewSimulator } from '../../simulators/oneview/server';
import { bridgeFailure, simulatorAppliance } from '../support/oneview-fixtures';

// Every behaviour of the OneView client against the simulator over HTTPS, trusting only the simulator's own CA.
let sim: OneViewSimulator;
let control: ReturnType<typeof controls>;
beforeAll(async () => {
  sim = await startOneViewSimulator({ tls: true });
  control = controls(sim.url, 'http://127.0.0.1:9');
});
afterAll(() => sim.close());
afterEach(() => control.resetOneView());

const client = (options: Partial<ConstructorParameters<typeof OneViewClient>[0]> = {}) =>
  new OneViewClient({ baseUrl: sim.url, sslVerify: true, caCertPem: sim.certificatePem, ...options });

const failure = bridgeFailure;
const appliance = (over: Partial<ApplianceConfig> = {}): ApplianceConfig => simulatorAppliance(sim, over);

test('the highest API version both sides accept is used', async () => {
  expect(await client().negotiateVersion()).toBe(6600);
  const newer = await startOneViewSimulator({ tls: false, currentVersion: 9800, minimumVersion: 800 });
  const old = await startOneViewSimulator({ tls: false, currentVersion: 200, minimumVersion: 120 });
  try {
    expect(await new OneViewClient({ baseUrl: newer.url, sslVerify: true }).negotiateVersion()).toBe(8600);
    const err = await failure(new OneViewClient({ baseUrl: old.url, sslVerify: true }).negotiateVersion());
    expect(err.code).toBe(ErrorCode.oneViewVersion);
    expect(err.message).toBe('appliance accepts API versions 120-200, this client 300-8600');
  } finally {
    await Promise.all([newer.close(), old.close()]);
  }
});

test('a 412 for the API version is a typed error naming both versions', async () => {
  const c = client();
  const token = await c.login({ userName: 'administrator', password: 'admin-password' }, 6600);
  const err = await failure(c.getPage('/rest/alerts', token, 8600));
  expect(err.code).toBe(ErrorCode.oneViewVersion);
  expect(err.message).toMatch(
    /refused X-API-Version 8600 \(this client speaks 300-8600\).*Only values 120 through 6600/,
  );
});

test('login acknowledges a banner, honours the login domain, and rejects bad credentials with a typed error', async () => {
  await control.oneViewFault({ loginBanner: true });
  const c = client();
  expect(
    await c.login({ userName: 'administrator', password: 'admin-password', authLoginDomain: 'Local' }, 6600),
  ).toMatch(/\S{20,}/);
  const bad = await failure(c.login({ userName: 'administrator', password: 'wrong' }, 6600));
  expect(bad).toMatchObject({ code: ErrorCode.oneViewAuth, details: { status: 400 } });
  expect(bad.message).toBe('login rejected (400 AUTHN_AUTH_FAIL): Invalid user name or password.');
  expect(bad.message).not.toContain('wrong');
  const domain = await failure(
    c.login({ userName: 'administrator', password: 'admin-password', authLoginDomain: 'corp.example' }, 6600),
  );
  expect(domain).toMatchObject({ code: ErrorCode.oneViewAuth, details: { status: 404 } });
});

test('TLS is verified: without the appliance CA the connection fails, with it or with verification off it works', async () => {
  const untrusted = await failure(client({ caCertPem: undefined }).negotiateVersion());
  expect(untrusted.code).toBe(ErrorCode.oneViewCertificate);
  expect(untrusted.message).toMatch(/SELF_SIGNED/);
  expect(await client({ caCertPem: undefined, sslVerify: false }).negotiateVersion()).toBe(6600);
});

test('an HTML page from a proxy, a timeout and a refused connection are typed errors', async () => {
  const c = client({ requestTimeoutMs: 300 });
  await control.oneViewFault({ status: 502, html: true, count: 1 });
  const html = await failure(c.negotiateVersion());
  expect(html).toMatchObject({ code: ErrorCode.oneViewHttp, details: { status: 502 } });
  expect(html.message).toContain('an HTML page (a proxy in the way?)');
  await control.oneViewFault({ delayMs: 1500, count: 1 });
  expect((await failure(c.negotiateVersion())).code).toBe(ErrorCode.oneViewTimeout);
  const refused = await failure(
    new OneViewClient({ baseUrl: 'https://127.0.0.1:9', sslVerify: true }).negotiateVersion(),
  );
  expect(refused.code).toBe(ErrorCode.oneViewNetwork);
  expect(refused.message).toContain('ECONNREFUSED');
});

test('fetch follows every page, stops on a nextPageUri that repeats, and re-logs in once after a 401', async () => {
  const registry = new ApplianceRegistry([appliance()]);
  const metrics = createBridgeMetrics();
  const env = new MockActivityEnvironment();
  // Polls with a watermark before every alert: each reads the alert pages only (a first poll reads one more GET).
  const fetch = (input: FetchAlertChangesInput) =>
    env.run(() =>
      fetchAlertChanges(registry, metrics, {
        watermark: { modified: new Date(0).toISOString(), idsAtModified: [] },
        ...input,
      }),
    ) as Promise<FetchAlertChangesResult>;
  try {
    await control.addAlerts(Array.from({ length: 60 }, () => ({ severity: 'Critical' })));
    const login = (await env.run(() => renewSession(registry, metrics, { applianceId: 'ov1' }))) as OneViewLogin;
    const session = { ...login, createdAt: 0, expiresAt: Number.MAX_SAFE_INTEGER };
    const all = await fetch({ applianceId: 'ov1', session, severities: ['Critical'] });
    expect(all.alerts).toHaveLength(60);
    expect(all.pages).toBe(3);

    await control.oneViewFault({ repeatNextPageUri: 1 });
    const guarded = await fetch({ applianceId: 'ov1', session, severities: ['Critical'] });
    expect(guarded.alerts).toHaveLength(60);

    await control.oneViewFault({ invalidateSessions: true });
    const relogged = await fetch({ applianceId: 'ov1', session, severities: ['Critical'] });
    expect(relogged.relogin?.token).toBeDefined();
    expect(relogged.relogin?.token).not.toBe(session.token);
    expect(relogged.alerts).toHaveLength(60);

    // A 401 right after a fresh login is a privilege problem: typed, and no second re-login.
    await control.oneViewFault({ status: 401, count: 2, pathPrefix: '/rest/alerts' });
    const before = (await control.oneViewRequests()).filter(
      (r) => r.method === 'POST' && r.path === '/rest/login-sessions',
    ).length;
    const denied = await failure(
      fetch({ applianceId: 'ov1', session: { ...session, ...relogged.relogin! }, severities: ['Critical'] }),
    );
    expect(denied).toMatchObject({ code: ErrorCode.oneViewAuth, details: { status: 401 } });
    const after = (await control.oneViewRequests()).filter(
      (r) => r.method === 'POST' && r.path === '/rest/login-sessions',
    ).length;
    expect(after - before).toBe(1);
    expect(await metrics.registry.getSingleMetricAsString('oneview_session_active')).toContain(
      'oneview_session_active{appliance="ov1"} 0',
    );

    // A fetch whose re-login fails is one failed attempt: counted once, by the login, not again by the fetch around it.
    const failures = async () =>
      (await metrics.pollFailures.get()).values.reduce((n, v) => n + (v.labels.appliance === 'ov1' ? v.value : 0), 0);
    const counted = await failures();
    await control.oneViewFault({ invalidateSessions: true });
    await control.oneViewFault({ status: 401, count: 1, pathPrefix: '/rest/login-sessions' });
    const relogFailed = await failure(fetch({ applianceId: 'ov1', session, severities: ['Critical'] }));
    expect(relogFailed.code).toBe(ErrorCode.oneViewAuth);
    expect((await failures()) - counted).toBe(1);
  } finally {
    await registry.close();
  }
  // Closing the registry logged out every session it had used.
  expect(await control.oneViewSessions()).toHaveLength(0);
});
