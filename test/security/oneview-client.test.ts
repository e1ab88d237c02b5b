import { createServer, type Server } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplianceRegistry } from '../../src/activities/appliance-registry';
import { createBridgeMetrics } from '../../src/activities/bridge-metrics';
import { BridgeError, ErrorCode } from '../../src/activities/errors';
import { fetchAlertChanges } from '../../src/activities/fetch-alert-changes';
import { OneViewClient } from '../../src/activities/oneview/oneview-client';
import { renewSession } from '../../src/activities/renew-session';
import type { ApplianceConfig } from '../../src/config/types';
import type { OneViewLogin } from '../../src/shared/types';
import { controls } from '../../simulators/control-client';
import { startOneViewSimulator, type OneViewSimulator } from '../../simulators/oneview/server';

// Issue 13 against the OneView client, over real HTTPS to the simulator: a page URI never takes the session token off
// the appliance.

const CREDENTIALS = { userName: 'administrator', password: 'admin-password' };
let sim: OneViewSimulator;
let control: ReturnType<typeof controls>;
let foreign: ConnectionRecorder;
beforeAll(async () => {
  sim = await startOneViewSimulator({ tls: true });
  control = controls(sim.url, 'http://127.0.0.1:9');
  foreign = await recordConnections();
});
afterAll(async () => {
  await Promise.all([sim.close(), foreign.close()]);
});
afterEach(async () => {
  await control.resetOneView();
  foreign.reset();
});

const client = (options: Partial<ConstructorParameters<typeof OneViewClient>[0]> = {}, target = sim) =>
  new OneViewClient({ baseUrl: target.url, sslVerify: true, caCertPem: target.certificatePem, ...options });

async function failure(promise: Promise<unknown>): Promise<BridgeError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(BridgeError);
  return err as BridgeError;
}

/** A loopback listener standing in for a foreign host: it counts every TCP connection, TLS or not, and hangs up. */
interface ConnectionRecorder {
  port: number;
  connections(): number;
  reset(): void;
  close(): Promise<void>;
}

async function recordConnections(): Promise<ConnectionRecorder> {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    connections: () => connections,
    reset: () => (connections = 0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a nextPageUri is followed only on the appliance itself, under /rest/', () => {
  test('the foreign listener does notice a client that connects to it', async () => {
    // Without this, "no connection" below could mean a listener that never counts.
    await failure(new OneViewClient({ baseUrl: `https://127.0.0.1:${foreign.port}`, sslVerify: true }).negotiateVersion());
    expect(foreign.connections()).toBe(1);
  });

  test.each([
    ['another port of the same host', () => `https://127.0.0.1:${foreign.port}/rest/alerts?start=25&count=25`, () => `on another origin: https://127.0.0.1:${foreign.port}/rest/alerts`],
    ['a protocol-relative URI', () => `//127.0.0.1:${foreign.port}/rest/alerts`, () => `on another origin: https://127.0.0.1:${foreign.port}/rest/alerts`],
    ['plain http to the appliance', () => `http://127.0.0.1:${sim.port}/rest/alerts`, () => `on another origin: http://127.0.0.1:${sim.port}/rest/alerts`],
    ['another name of the appliance', () => `https://localhost:${sim.port}/rest/alerts`, () => `on another origin: https://localhost:${sim.port}/rest/alerts`],
    ['a path outside /rest/', () => '/evil', () => `outside /rest/: ${sim.url}/evil`],
    ['a path that climbs out of /rest/', () => '/rest/%2e%2e/evil?start=25', () => `outside /rest/: ${sim.url}/evil`],
    ['a URI with credentials in it', () => `https://administrator:admin-password@127.0.0.1:${sim.port}/rest/alerts`, () => `that carries a user name or password: ${sim.url}/rest/alerts`],
  ])('%s is refused before any request, without repeating the token', async (_what, uri, refusal) => {
    const c = client();
    try {
      const token = await c.login(CREDENTIALS, 6600);
      await control.addAlerts([{ severity: 'Critical' }]);
      await control.oneViewFault({ nextPageUri: uri() });
      const first = await c.getPage('/rest/alerts?start=0&count=25', token, 6600);
      expect(first.nextPageUri).toBe(uri());

      const refused = await failure(c.getPage(first.nextPageUri!, token, 6600));
      expect(refused.code).toBe(ErrorCode.oneViewInvalidBody);
      expect(refused.message).toContain(`refused a page URI ${refusal()}`);
      expect(refused.message).not.toContain(token);
      expect(refused.message).not.toContain('admin-password');
      expect(foreign.connections()).toBe(0);
      const pages = (await control.oneViewRequests()).filter((r) => r.method === 'GET' && r.path !== '/rest/version');
      expect(pages.map((r) => r.path)).toEqual(['/rest/alerts']);
    } finally {
      await c.close();
    }
  });

  test('an absolute nextPageUri on the appliance itself is followed', async () => {
    const c = client();
    try {
      const token = await c.login(CREDENTIALS, 6600);
      await control.addAlerts([{ severity: 'Critical' }, { severity: 'Critical' }]);
      await control.oneViewFault({ nextPageUri: `${sim.url}/rest/alerts?start=1&count=1` });
      const first = await c.getPage('/rest/alerts?start=0&count=1', token, 6600);
      const second = await c.getPage(first.nextPageUri!, token, 6600);
      expect(second.members).toHaveLength(1);
      expect(second.members[0]).not.toEqual(first.members[0]);
    } finally {
      await c.close();
    }
  });

  test('a poll offered a foreign page fails as an invalid body, counted by that code, and never calls the foreign host', async () => {
    const registry = new ApplianceRegistry([appliance()]);
    const metrics = createBridgeMetrics();
    const env = new MockActivityEnvironment();
    try {
      const login = (await env.run(() => renewSession(registry, metrics, { applianceId: 'ov1' }))) as OneViewLogin;
      await control.addAlerts(Array.from({ length: 3 }, () => ({ severity: 'Critical' })));
      await control.oneViewFault({ nextPageUri: `https://127.0.0.1:${foreign.port}/rest/alerts?start=25&count=25` });
      const session = { ...login, createdAt: 0, expiresAt: Number.MAX_SAFE_INTEGER };
      const refused = await failure(env.run(() => fetchAlertChanges(registry, metrics, { applianceId: 'ov1', session, severities: ['Critical'] })));
      expect(refused.code).toBe(ErrorCode.oneViewInvalidBody);
      expect(foreign.connections()).toBe(0);
      expect(await metrics.registry.getSingleMetricAsString('oneview_poll_failures_total')).toContain(
        'oneview_poll_failures_total{appliance="ov1",reason="ONEVIEW_INVALID_BODY"} 1',
      );
    } finally {
      await registry.close();
    }
  });
});

function appliance(over: Partial<ApplianceConfig> = {}): ApplianceConfig {
  return {
    id: 'ov1',
    host: sim.url,
    baseUrl: sim.url,
    username: CREDENTIALS.userName,
    password: CREDENTIALS.password,
    severities: ['Critical'],
    pollIntervalSeconds: 60,
    sslVerify: true,
    caCertPem: sim.certificatePem,
    routingKey: 'R'.repeat(32),
    ...over,
  };
}
