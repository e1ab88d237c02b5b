import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { rootCertificates } from 'node:tls';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { generate } from 'selfsigned';
import { ApplianceRegistry } from '../../src/activities/appliance-registry';
import { createBridgeMetrics } from '../../src/activities/bridge-metrics';
import { ErrorCode } from '../../src/activities/errors';
import { fetchAlertChanges } from '../../src/activities/fetch-alert-changes';
import { OneViewClient } from '../../src/activities/oneview/oneview-client';
import { trustedCertificates } from '../../src/activities/oneview/trusted-cas';
import { renewSession } from '../../src/activities/renew-session';
import { toApplicationFailure } from '../../src/activities/to-application-failure';
import type { ApplianceConfig } from '../../src/config/types';
import { FailureType } from '../../src/shared/failure-types';
import type { OneViewLogin } from '../../src/shared/types';
import { controls } from '../../simulators/control-client';
import { startOneViewSimulator, type OneViewSimulator } from '../../simulators/oneview/server';
import { bridgeFailure, SIM_CREDENTIALS, simulatorAppliance } from '../support/oneview-fixtures';

// Issue 13 against the OneView client, over real HTTPS to the simulator: a page URI never takes the session token off
// the appliance, an extra CA adds to the default trust store (or alone replaces it), and a refused certificate is an
// error of its own that names the certificate presented.

let sim: OneViewSimulator;
let control: ReturnType<typeof controls>;
let foreign: ConnectionRecorder;
let testCa: { cert: string; key: string };
beforeAll(async () => {
  sim = await startOneViewSimulator({ tls: true });
  control = controls(sim.url, 'http://127.0.0.1:9');
  foreign = await recordConnections();
  const ca = await generate([{ name: 'commonName', value: 'Bridge Test CA' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  testCa = { cert: ca.cert, key: ca.private };
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

const failure = bridgeFailure;
const appliance = (over: Partial<ApplianceConfig> = {}): ApplianceConfig => simulatorAppliance(sim, over);

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

async function withSimulator<T>(
  options: Parameters<typeof startOneViewSimulator>[0],
  run: (s: OneViewSimulator) => Promise<T>,
): Promise<T> {
  const other = await startOneViewSimulator(options);
  try {
    return await run(other);
  } finally {
    await other.close();
  }
}

describe('a nextPageUri is followed only on the appliance itself, under /rest/', () => {
  test('the foreign listener does notice a client that connects to it', async () => {
    // Without this, "no connection" below could mean a listener that never counts.
    await failure(
      new OneViewClient({ baseUrl: `https://127.0.0.1:${foreign.port}`, sslVerify: true }).negotiateVersion(),
    );
    expect(foreign.connections()).toBe(1);
  });

  test.each([
    [
      'another port of the same host',
      () => `https://127.0.0.1:${foreign.port}/rest/alerts?start=25&count=25`,
      () => `on another origin: https://127.0.0.1:${foreign.port}/rest/alerts`,
    ],
    [
      'a protocol-relative URI',
      () => `//127.0.0.1:${foreign.port}/rest/alerts`,
      () => `on another origin: https://127.0.0.1:${foreign.port}/rest/alerts`,
    ],
    [
      'plain http to the appliance',
      () => `http://127.0.0.1:${sim.port}/rest/alerts`,
      () => `on another origin: http://127.0.0.1:${sim.port}/rest/alerts`,
    ],
    [
      'another name of the appliance',
      () => `https://localhost:${sim.port}/rest/alerts`,
      () => `on another origin: https://localhost:${sim.port}/rest/alerts`,
    ],
    ['a path outside /rest/', () => '/evil', () => `outside /rest/: ${sim.url}/evil`],
    ['a path that climbs out of /rest/', () => '/rest/%2e%2e/evil?start=25', () => `outside /rest/: ${sim.url}/evil`],
    [
      'a URI with credentials in it',
      () => `https://administrator:admin-password@127.0.0.1:${sim.port}/rest/alerts`,
      () => `that carries a user name or password: ${sim.url}/rest/alerts`,
    ],
  ])('%s is refused before any request, without repeating the token', async (_what, uri, refusal) => {
    const c = client();
    try {
      const token = await c.login(SIM_CREDENTIALS, 6600);
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
      const token = await c.login(SIM_CREDENTIALS, 6600);
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
      // A poll with a watermark: its first GET is the alert query the fault answers (a first poll reads one more).
      const watermark = { modified: new Date(0).toISOString(), idsAtModified: [] };
      const refused = await failure(
        env.run(() =>
          fetchAlertChanges(registry, metrics, { applianceId: 'ov1', session, severities: ['Critical'], watermark }),
        ),
      );
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

describe('a refused certificate is ONEVIEW_CERTIFICATE, naming the certificate presented and the reason', () => {
  test('a self-signed appliance without its CA: subject, issuer and fingerprint of what it presented', async () => {
    const refused = await failure(client({ caCertPem: undefined }).negotiateVersion());
    const presented = new X509Certificate(sim.certificatePem!);
    expect(refused.code).toBe(ErrorCode.oneViewCertificate);
    expect(refused.message).toContain('(DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate)');
    expect(refused.message).toContain('subject CN=oneview-simulator.local, issuer CN=oneview-simulator.local');
    expect(refused.message).toContain(`SHA-256 ${presented.fingerprint256}`);
    // The same appliance with its CA trusted, or with verification off, answers.
    expect(await client().negotiateVersion()).toBe(6600);
    expect(await client({ caCertPem: undefined, sslVerify: false }).negotiateVersion()).toBe(6600);
  });

  test('a certificate from a CA nobody trusts names that CA as its issuer', async () => {
    await withSimulator({ certificate: { commonName: 'ov-signed.example.com', issuer: testCa } }, async (signed) => {
      const refused = await failure(client({ caCertPem: undefined }, signed).negotiateVersion());
      expect(refused.code).toBe(ErrorCode.oneViewCertificate);
      expect(refused.message).toContain('(UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate)');
      expect(refused.message).toContain('subject CN=ov-signed.example.com, issuer CN=Bridge Test CA');
      expect(await client({ caCertPem: testCa.cert }, signed).negotiateVersion()).toBe(6600);
    });
  });

  test('an expired certificate is refused although its CA is trusted, with its validity in the message', async () => {
    const notAfter = new Date(Date.now() - 86_400_000);
    await withSimulator(
      { certificate: { notBefore: new Date(notAfter.getTime() - 86_400_000), notAfter } },
      async (expired) => {
        const refused = await failure(client({}, expired).negotiateVersion());
        expect(refused.code).toBe(ErrorCode.oneViewCertificate);
        expect(refused.message).toContain('(CERT_HAS_EXPIRED: certificate has expired)');
        expect(refused.message).toContain(`to ${notAfter.toISOString().slice(0, 10)}`);
      },
    );
  });

  test('a certificate for another host name is refused although its CA is trusted', async () => {
    await withSimulator(
      { certificate: { commonName: 'oneview.example.com', dnsNames: ['oneview.example.com'], ipAddresses: [] } },
      async (elsewhere) => {
        const refused = await failure(client({}, elsewhere).negotiateVersion());
        expect(refused.code).toBe(ErrorCode.oneViewCertificate);
        expect(refused.message).toMatch(
          /\(ERR_TLS_CERT_ALTNAME_INVALID: Hostname\/IP does not match certificate's altnames: IP: 127\.0\.0\.1/,
        );
        expect(refused.message).toContain('subject CN=oneview.example.com');
      },
    );
  });

  test('it is a non-retryable OneViewCertificateInvalid, counted by its own reason, and nothing was sent to that server', async () => {
    const registry = new ApplianceRegistry([appliance({ caCertPem: undefined })]);
    const metrics = createBridgeMetrics();
    try {
      const refused = await failure(
        new MockActivityEnvironment().run(() => renewSession(registry, metrics, { applianceId: 'ov1' })),
      );
      expect(refused.code).toBe(ErrorCode.oneViewCertificate);
      expect(refused.message).not.toContain('admin-password');
      const failureOf = toApplicationFailure(refused) as ApplicationFailure;
      expect(failureOf).toBeInstanceOf(ApplicationFailure);
      expect(failureOf).toMatchObject({ type: FailureType.oneViewCertificate, nonRetryable: true });
      expect(FailureType.oneViewCertificate).toBe('OneViewCertificateInvalid');
      expect(await metrics.registry.getSingleMetricAsString('oneview_poll_failures_total')).toContain(
        'oneview_poll_failures_total{appliance="ov1",reason="ONEVIEW_CERTIFICATE"} 1',
      );
      // The handshake failed before HTTP: no version request, so no login and no password either.
      expect(await control.oneViewRequests()).toEqual([]);
    } finally {
      await registry.close();
    }
  });
});

describe('ONEVIEW_CACERT adds to the default trust store; caOnly trusts it alone', () => {
  test('the extra CA comes on top of every default root, or alone when only it is trusted', () => {
    const extra = testCa.cert;
    const added = trustedCertificates(extra, false)!;
    expect(added).toEqual(expect.arrayContaining([...rootCertificates, extra]));
    expect(added.length).toBeGreaterThanOrEqual(rootCertificates.length + 1);
    expect(trustedCertificates(extra, true)).toEqual([extra]);
    expect(trustedCertificates(undefined, false)).toBeUndefined();
  });

  test('with caOnly the given CA alone reaches the appliance it signed, and refuses one it did not sign', async () => {
    await withSimulator({ certificate: { issuer: testCa } }, async (signed) => {
      expect(await client({ caCertPem: testCa.cert, caOnly: true }, signed).negotiateVersion()).toBe(6600);
      const refused = await failure(client({ caCertPem: testCa.cert, caOnly: true }).negotiateVersion());
      expect(refused.code).toBe(ErrorCode.oneViewCertificate);
      expect(refused.message).toContain('subject CN=oneview-simulator.local');
    });
  });
});
