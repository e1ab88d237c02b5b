import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { TEST_PAYLOAD_KEY, bridgeConfig, uniqueAppliance, useHarness } from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';
import {
  CODEC_AUTH_TOKEN,
  OPERATOR_TOKEN,
  WEBHOOK_TOKEN,
  codecAuth,
  operatorAuth,
  spawnWeb,
} from '../support/web-process';
import { exited, spawnWorker, workerEnv } from '../support/worker-process';

const harness = useHarness();
const ROOT = join(__dirname, '..', '..');
const SAMPLES = join(ROOT, '..', 'shared', 'reference', 'oneview-samples');

let web: Awaited<ReturnType<typeof spawnWeb>>;
let worker: ReturnType<typeof spawnWorker>;
let ids: { applianceId: string; taskQueue: string };
const call = (...args: Parameters<typeof web.call>) => web.call(...args);

beforeAll(async () => {
  const h = harness();
  ids = uniqueAppliance('web');
  // The real worker process (`npm start`) beside the real web process (`npm run web`).
  worker = spawnWorker(
    workerEnv(bridgeConfig(h, ids, { severities: ['Critical', 'Warning'], caCertPem: undefined, sslVerify: false })),
  );
  web = await spawnWeb(ids.taskQueue, { WEB_RATE_LIMIT_BURST: '40' });
  await waitFor(
    'the poller',
    () => call('GET', '/health', { headers: operatorAuth }),
    (r) => Boolean((r.body.poller_status as Record<string, unknown>)?.[ids.applianceId]),
    30_000,
    500,
  );
});

afterAll(async () => {
  await web?.stop();
  worker?.child.kill('SIGTERM');
  if (worker) await exited(worker.child);
});

const auth = { authorization: `Bearer ${WEBHOOK_TOKEN}` };
const alertBody = (id: string, severity = 'Critical') => ({
  uri: `/rest/alerts/${id}`,
  severity,
  alertState: 'Active',
  description: `Pushed alert ${id}`,
  created: new Date().toISOString(),
  modified: new Date().toISOString(),
  associatedResource: {
    resourceName: 'Encl9, bay 1',
    resourceUri: '/rest/server-hardware/1',
    resourceCategory: 'server-hardware',
  },
});

test('/health and /ready report the pollers and Temporal; only the operator sees each poller', async () => {
  const health = await waitFor(
    'a healthy poller',
    () => call('GET', '/health', { headers: operatorAuth }),
    (r) => r.body.status === 'healthy',
    30_000,
    500,
  );
  expect(health.body).toMatchObject({ oneview_configured: true, pagerduty_configured: true });
  expect((health.body.poller_status as Record<string, unknown>)[ids.applianceId]).toMatchObject({
    healthy: true,
    oneview_session_valid: true,
  });
  const anonymous = await call('GET', '/health');
  expect(anonymous).toMatchObject({
    status: 200,
    body: { status: 'healthy', oneview_configured: true, pagerduty_configured: true },
  });
  expect(Object.keys(anonymous.body).sort()).toEqual(['oneview_configured', 'pagerduty_configured', 'status']);
  expect(await call('GET', '/ready')).toMatchObject({ status: 200, body: { status: 'ready' } });
});

test('a webhook-pushed Critical alert reaches PagerDuty, with its request id, and is counted', async () => {
  const h = harness();
  const sent = Date.now();
  const res = await call('POST', `/oneview-webhook?appliance=${ids.applianceId}`, {
    body: alertBody('9001'),
    headers: { ...auth, 'x-request-id': 'req-9001' },
  });
  expect(res).toMatchObject({ status: 202, body: { accepted: 1, requestId: 'req-9001' } });
  expect(res.headers['x-request-id']).toBe('req-9001');
  const key = `oneview/${ids.applianceId}/alert/9001`;
  const events = await waitFor(
    'the pushed trigger',
    () => h.sim.events(),
    (e) => e.some((x) => x.event.dedup_key === key),
    30_000,
  );
  // How fast is the bench's to say (BENCHMARKS.md, latency); this prints it for whoever reads the run.
  const arrived = Date.parse(events.find((x) => x.event.dedup_key === key)!.receivedAt);
  process.stdout.write(`webhook → PagerDuty: ${arrived - sent} ms\n`);
  // Pushed alerts are counted with the polled ones, by source.
  const metrics = await (await request(`${web.base}/metrics`)).body.text();
  expect(metrics).toMatch(
    new RegExp(`^oneview_alerts_processed_total\\{appliance="${ids.applianceId}",source="webhook"\\} [1-9]\\d*$`, 'm'),
  );
  // The worker's log lines of that delivery (workflow and activity) carry the request id, appliance and alert.
  const lines = await waitFor(
    'the worker log lines of the pushed alert',
    async () =>
      worker
        .output()
        .split('\n')
        .filter((l) => l.includes('"requestId":"req-9001"'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    (found) =>
      found.some((l) => l.msg === 'incident triggered') && found.some((l) => l.msg === 'PagerDuty accepted event'),
  );
  for (const line of lines)
    expect(line).toMatchObject({
      appliance: ids.applianceId,
      alertId: '9001',
      workflowId: `oneview-alert/${ids.applianceId}/9001`,
    });
  // The same alert pushed again, as an SCMB message this time, is deduplicated like a polled one.
  const scmb = JSON.parse(
    readFileSync(join(SAMPLES, 'scmb_message_alert_created_cleared_ok_server-hardware_poweron.json'), 'utf8'),
  ) as Record<string, unknown>;
  const again = { ...scmb, resource: alertBody('9001'), newState: 'Active', resourceUri: '/rest/alerts/9001' };
  expect(
    (await call('POST', `/oneview-webhook?appliance=${ids.applianceId}`, { body: again, headers: auth })).status,
  ).toBe(202);
  await waitFor(
    'the push handled',
    async () => (await call('GET', '/health')).status,
    (s) => s === 200,
  );
  expect((await h.sim.incidents()).filter((i) => i.dedup_key === key)).toEqual([
    expect.objectContaining({ triggers: 1, opened: 1 }),
  ]);
});

test('the webhook refuses bad input with a clear status and reason', async () => {
  const path = `/oneview-webhook?appliance=${ids.applianceId}`;
  expect((await call('POST', path, { body: alertBody('1') })).status).toBe(401);
  expect((await call('POST', path, { body: alertBody('1'), headers: { authorization: 'Bearer wrong' } })).status).toBe(
    401,
  );
  expect((await call('POST', path, { raw: '{}', headers: { ...auth, 'content-type': 'text/plain' } })).status).toBe(
    415,
  );
  const malformed = await call('POST', path, {
    raw: '{"uri": ',
    headers: { ...auth, 'content-type': 'application/json' },
  });
  expect(malformed).toMatchObject({ status: 400, body: { error: 'the body is not valid JSON' } });
  const invalid = await call('POST', path, { body: [{ uri: '/rest/alerts/5' }, 'nope'], headers: auth });
  expect(invalid.status).toBe(400);
  expect(invalid.body.reasons).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^\[0\]'severity' must be one of/),
      '[1]each alert must be a JSON object',
    ]),
  );
  expect(
    (await call('POST', '/oneview-webhook?appliance=no-such-appliance', { body: alertBody('1'), headers: auth }))
      .status,
  ).toBe(404);
  const huge = await call('POST', path, {
    raw: JSON.stringify({ pad: 'x'.repeat(1_100_000) }),
    headers: { ...auth, 'content-type': 'application/json' },
  });
  expect(huge.status).toBe(413);
  expect((await call('GET', '/oneview-webhook')).status).toBe(405);
});

test('force-poll, test-connection, metrics and the codec endpoint answer as documented', async () => {
  expect(await call('POST', `/force-poll?appliance=${ids.applianceId}`, { headers: operatorAuth })).toMatchObject({
    status: 202,
    body: { workflowIds: [`oneview-poller/${ids.applianceId}`] },
  });
  const check = await call('POST', `/test-connection?appliance=${ids.applianceId}`, { headers: operatorAuth });
  expect(check.status).toBe(200);
  expect(
    (check.body.results as { steps: { step: string; ok: boolean }[] }[])[0]?.steps.map((s) => `${s.step}:${s.ok}`),
  ).toEqual(['version:true', 'login:true', 'alerts:true', 'logout:true']);
  const metrics = await request(`${web.base}/metrics`);
  expect(await metrics.body.text()).toMatch(/web_requests_total\{route="POST \/force-poll",status="202"\} 1/);

  const preflight = await call('OPTIONS', '/codec/decode', { headers: { origin: 'http://localhost:8233' } });
  expect(preflight.status).toBe(204);
  expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:8233');
  expect(preflight.headers['access-control-allow-headers']).toContain('X-Namespace');
  expect(preflight.headers['access-control-allow-headers']).toContain('Authorization');
  const plain = {
    metadata: { encoding: Buffer.from('json/plain').toString('base64') },
    data: Buffer.from('{"hello":"ui"}').toString('base64'),
  };
  const encoded = await call('POST', '/codec/encode', {
    body: { payloads: [plain] },
    headers: { ...codecAuth, 'x-namespace': 'default' },
  });
  const sealed = (encoded.body.payloads as { metadata: Record<string, string> }[])[0]!;
  expect(Buffer.from(sealed.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
  const decoded = await call('POST', '/codec/decode', {
    body: { payloads: [sealed] },
    headers: { ...codecAuth, 'x-namespace': 'default' },
  });
  expect(decoded.body.payloads).toEqual([plain]);
});

test('every answer carries the security headers; the API is rate limited per caller', async () => {
  const res = await call('GET', '/ready');
  expect(res.headers).toMatchObject({
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'x-xss-protection': '0',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  let limited: Awaited<ReturnType<typeof call>> | undefined;
  for (let i = 0; i < 60 && !limited; i++) {
    const r = await call('POST', '/force-poll?appliance=no-such-appliance', { headers: operatorAuth });
    if (r.status === 429) limited = r;
    else expect(r.status).toBe(404);
  }
  expect(limited?.headers['retry-after']).toMatch(/^\d+$/);
  expect(Number(limited?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  // Nothing secret reached the web process's logs.
  for (const secret of [WEBHOOK_TOKEN, OPERATOR_TOKEN, CODEC_AUTH_TOKEN, TEST_PAYLOAD_KEY.toString('base64')])
    expect(web.output()).not.toContain(secret);
  expect(web.output()).toContain('"requestId":"req-9001"');
});
