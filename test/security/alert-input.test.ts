import { pollerStatus } from '../../src/client/poller-operations';
import type { ConnectionCheck } from '../../src/shared/types';
import { pollerWorkflowId } from '../../src/shared/workflow-ids';
import { alertsPushedSignal } from '../../src/workflows/messages';
import { useHarness } from '../support/bridge-harness';
import { pollOnceMore } from '../support/poll-once-more';
import { waitFor } from '../support/wait-for';
import { operatorAuth } from '../support/web-process';
import { type SecurityStack, alertResource, bothAppliancesPage, startSecurityStack } from './support/security-stack';

/**
 * Hostile and buggy alert input through every entrance (webhook, poll, a forged Temporal signal) against the real
 * worker and web processes: each is refused or made safe at the one validator, nothing stops the worker or a poller,
 * and the good appliances keep paging.
 */
const harness = useHarness();
let stack: SecurityStack;

beforeAll(async () => {
  stack = await startSecurityStack(harness(), 'input');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const MB = 1024 * 1024;

test.each([
  ['a lone surrogate in the uri (once stopped every worker for good)', { uri: '/rest/alerts/x\ud800' }, "'uri'"],
  [
    'a pushed Cleared with a lone surrogate in the uri',
    { uri: '/rest/alerts/\udc00y', alertState: 'Cleared' },
    "'uri'",
  ],
  ['an id of about 1,000 characters (once wedged the poller)', { uri: `/rest/alerts/${'9'.repeat(1000)}` }, "'uri'"],
  ['an id of 240 characters (a dedup key over 255)', { uri: `/rest/alerts/${'a'.repeat(240)}` }, "'uri'"],
  ['a NUL in the id', { uri: '/rest/alerts/4\u00002' }, "'uri'"],
  ['a line feed in the id', { uri: '/rest/alerts/4\n2' }, "'uri'"],
  [
    'a resourceCategory over 2 KB (once terminated the poller)',
    { associatedResource: { resourceCategory: 'c'.repeat(2100) } },
    "'resourceCategory'",
  ],
  ['an unknown alertState (once resolved a real incident)', { alertState: 'Resolved' }, "'alertState'"],
  [
    'a non-ISO created date (once reached PagerDuty as timestamp)',
    { created: 'Sun, 29 Nov 2026 12:00:00 GMT' },
    "'created'",
  ],
  [
    'a resource URI pointing at another host',
    { associatedResource: { resourceUri: 'https://evil.example/rest/x' } },
    "'resourceUri'",
  ],
])('webhook: %s is a 400 naming the field, and the worker stays healthy', async (_name, fields, field) => {
  const res = await stack.push(stack.ids.a, alertResource('ok-1', fields));
  expect(res.status).toBe(400);
  expect(JSON.stringify(res.body.reasons)).toContain(field);
  expect(await stack.healthz()).toBe(200);
  // The poller still answers and still polls: nothing of the body reached it.
  expect((await pollerStatus(harness().client, stack.ids.a)).lastPollResult).toBe('ok');
});

test('webhook: a 600 KB resourceName is accepted, cut with a marker, and delivered exactly once', async () => {
  const h = harness();
  const res = await stack.push(
    stack.ids.a,
    alertResource('big-name', { associatedResource: { resourceName: `Encl1, bay 1 ${'n'.repeat(600 * 1024)}` } }),
  );
  expect(res.status).toBe(202);
  const key = `oneview/${stack.ids.a}/alert/big-name`;
  const [incident] = await waitFor(
    'the delivery',
    () => h.sim.incidents(),
    (list) => list.some((i) => i.dedup_key === key),
  );
  const event = (await h.sim.events()).find((e) => e.event.dedup_key === key)!.event as { payload: { source: string } };
  expect(event.payload.source).toMatch(/…\[truncated\]$/);
  expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThan(MB / 2);
  expect(incident).toBeDefined();
  expect((await h.sim.incidents()).find((i) => i.dedup_key === key)).toMatchObject({ triggers: 1, opened: 1 });
});

test('poll: alerts the appliance serves with a lone surrogate, a 1,000-character id or a 2 KB category are skipped and counted; the good one beside them pages', async () => {
  const h = harness();
  const [good] = await h.sim
    .addAlerts([
      { severity: 'Critical', uri: '/rest/alerts/poll-bad-\ud800' },
      { severity: 'Critical', uri: `/rest/alerts/${'8'.repeat(1000)}` },
      {
        severity: 'Critical',
        associatedResource: { resourceCategory: 'c'.repeat(2100), resourceName: 'Encl2, bay 2' },
      },
      { severity: 'Critical' },
    ])
    .then((list) => list.slice(3));
  await pollOnceMore(h.client, stack.ids.a);
  const id = good!.uri.slice(good!.uri.lastIndexOf('/') + 1);
  await waitFor(
    'the good alert to page',
    () => h.sim.incidents(),
    (list) => list.some((i) => i.dedup_key === `oneview/${stack.ids.a}/alert/${id}`),
  );
  const metrics = await stack.metrics();
  expect(metrics).toMatch(
    new RegExp(`oneview_alerts_rejected_total\\{appliance="${stack.ids.a}",reason="invalid_uri"\\} [2-9]`),
  );
  expect(metrics).toMatch(
    new RegExp(`oneview_alerts_rejected_total\\{appliance="${stack.ids.a}",reason="invalid_resource"\\} [1-9]`),
  );
  expect(await stack.healthz()).toBe(200);
  expect((await pollerStatus(h.client, stack.ids.a)).lastPollResult).toBe('ok');
  // The next poll starts past them (watermark) and does not count them again as new.
  await pollOnceMore(h.client, stack.ids.a);
  expect((await pollerStatus(h.client, stack.ids.a)).lastPollResult).toBe('ok');
});

test('a forged alertsPushed signal sent straight to Temporal (bypassing the web) is dropped by the poller, not obeyed', async () => {
  const h = harness();
  const before = (await pollerStatus(h.client, stack.ids.a)).counters;
  const forged = [
    {
      id: 'x\ud800',
      uri: '/rest/alerts/x\ud800',
      severity: 'Critical',
      alertState: 'Active',
      description: 'd',
      created: new Date().toISOString(),
      modified: new Date().toISOString(),
    },
    {
      id: 'f1',
      uri: '/rest/alerts/f1',
      severity: 'Critical',
      alertState: 'Active',
      description: 'd',
      created: 'x',
      modified: 'y',
    },
    {
      id: 'f2',
      uri: '/rest/alerts/f2',
      severity: 'Critical',
      alertState: 'Active',
      description: 'd',
      created: new Date().toISOString(),
      modified: new Date().toISOString(),
      resourceCategory: 'c'.repeat(3000),
    },
    'not an alert',
  ];
  await h.client.workflow.getHandle(pollerWorkflowId(stack.ids.a)).signal(alertsPushedSignal, forged as never);
  await h.client.workflow
    .getHandle(pollerWorkflowId(stack.ids.a))
    .signal(alertsPushedSignal, 'not even a list' as never);
  const after = await waitFor(
    'the forged alerts counted as rejected',
    () => pollerStatus(h.client, stack.ids.a),
    (s) => s.counters.alertsRejected >= before.alertsRejected + 5,
  );
  expect(after.counters.deliveriesStarted).toBe(before.deliveriesStarted);
  expect(await stack.healthz()).toBe(200);
  expect((await h.sim.incidents()).some((i) => /\/(f1|f2)$/.test(i.dedup_key))).toBe(false);
});

test('push is a hint: a pushed Cleared resolves only what the appliance confirms; a forged one changes nothing', async () => {
  const h = harness();
  const [stillActive, reallyCleared] = await h.sim.addAlerts([{ severity: 'Critical' }, { severity: 'Critical' }]);
  const idOf = (uri: string) => uri.slice(uri.lastIndexOf('/') + 1);
  const keyOf = (uri: string) => `oneview/${stack.ids.a}/alert/${idOf(uri)}`;
  await pollOnceMore(h.client, stack.ids.a);
  await waitFor(
    'both paged',
    () => h.sim.incidents(),
    (list) => [stillActive!, reallyCleared!].every((a) => list.some((i) => i.dedup_key === keyOf(a.uri))),
  );
  const before = (await pollerStatus(h.client, stack.ids.a)).counters;

  // A forged clear of an alert OneView still reports Active, and a true one of an alert it did clear.
  await h.sim.clearAlert(idOf(reallyCleared!.uri));
  const forged = await stack.push(stack.ids.a, alertResource(idOf(stillActive!.uri), { alertState: 'Cleared' }));
  expect(forged.status).toBe(202);
  await waitFor(
    'the true clear resolved',
    () => h.sim.incidents(),
    (list) => list.find((i) => i.dedup_key === keyOf(reallyCleared!.uri))?.status === 'resolved',
  );
  const after = await waitFor(
    'the forged clear checked with the appliance',
    () => pollerStatus(h.client, stack.ids.a),
    (s) => s.counters.clearsUnconfirmed > before.clearsUnconfirmed,
  );
  expect(after.counters.clearsUnconfirmed).toBe(before.clearsUnconfirmed + 1);
  expect((await h.sim.incidents()).find((i) => i.dedup_key === keyOf(stillActive!.uri))).toMatchObject({
    status: 'triggered',
    resolves: 0,
  });

  // A pushed clear of an alert the appliance no longer has at all (deleted) resolves it.
  await h.sim.deleteAlert(idOf(stillActive!.uri));
  await pollOnceMore(h.client, stack.ids.a);
  expect((await h.sim.incidents()).find((i) => i.dedup_key === keyOf(stillActive!.uri))?.status).toBe('triggered');
  expect((await stack.push(stack.ids.a, alertResource(idOf(stillActive!.uri), { alertState: 'Cleared' }))).status).toBe(
    202,
  );
  await waitFor(
    'the gone alert resolved',
    () => h.sim.incidents(),
    (list) => list.find((i) => i.dedup_key === keyOf(stillActive!.uri))?.status === 'resolved',
  );
});

test('test-connection through the web: 24 calls at once log in once a minute, never while a login is being rejected', async () => {
  const h = harness();
  // Successful logins: the locked appliance's own poller may try (and fail) to log in meanwhile, as it backs off.
  const logins = async () =>
    (await h.sim.oneViewRequests()).filter(
      (r) => r.method === 'POST' && r.path === '/rest/login-sessions' && r.status === 200,
    ).length;
  await waitFor(
    'the locked appliance backing off',
    () => pollerStatus(h.client, stack.ids.locked),
    (s) => s.lastErrorType === 'OneViewAuthFailed',
  );
  const before = await logins();
  const call = (appliance: string) =>
    stack.web.call('POST', `/test-connection?appliance=${appliance}`, { headers: operatorAuth });
  const answers = await Promise.all(
    Array.from({ length: 24 }, (_, i) => call(i % 2 === 0 ? stack.ids.a : stack.ids.locked)),
  );
  const forA = answers.filter((_, i) => i % 2 === 0);
  const checkOf = (r: (typeof answers)[number]) => (r.body.results as ConnectionCheck[])[0]!;
  // One call ran the test; the others got it again (200, marked as that test) or, while it ran, a 429 with Retry-After.
  const ran = forA.filter((r) => checkOf(r).skipped === undefined);
  expect(ran).toHaveLength(1);
  expect(ran[0]).toMatchObject({ status: 200 });
  expect(checkOf(ran[0]!).steps.map((s) => s.step)).toEqual(['version', 'login', 'alerts', 'logout']);
  for (const r of forA.filter((x) => checkOf(x).skipped !== undefined)) {
    if (r.status === 200) expect(checkOf(r).skipped).toMatch(/tested less than a minute ago/);
    else expect(r).toMatchObject({ status: 429, headers: { 'retry-after': expect.stringMatching(/^[1-9]\d*$/) } });
  }
  const forLocked = answers.filter((_, i) => i % 2 === 1);
  expect(forLocked.every((r) => r.status === 429 && JSON.stringify(r.body.results).includes('rejected login'))).toBe(
    true,
  );
  // One login for appliance a; the poller of a may have polled meanwhile, but with its session, not a login.
  expect((await logins()) - before).toBe(1);
  // Without the operator token nothing is tested at all.
  expect((await stack.web.call('POST', `/test-connection?appliance=${stack.ids.a}`)).status).toBe(401);
  expect((await logins()) - before).toBe(1);
});

test('an appliance whose certificate is refused says so in its status and metrics, and its login is never sent', async () => {
  const h = harness();
  const status = await waitFor(
    'the certificate failure',
    () => pollerStatus(h.client, stack.ids.untrusted),
    (s) => s.lastErrorType !== undefined,
  );
  expect(status).toMatchObject({
    lastPollResult: 'error',
    lastErrorType: 'OneViewCertificateInvalid',
    sessionValid: false,
  });
  expect(status.lastError).toMatch(/certificate was refused .*subject .*issuer/);
  expect(await stack.metrics()).toMatch(
    new RegExp(
      `oneview_poll_failures_total\\{appliance="${stack.ids.untrusted}",reason="ONEVIEW_CERTIFICATE"\\} [1-9]`,
    ),
  );
  // The second simulator only ever saw its own appliance's logins: the untrusted connection never got that far.
  const secondLogins = (await stack.sims.b.oneViewRequests()).filter(
    (r) => r.path === '/rest/login-sessions' && r.method === 'POST',
  );
  expect(secondLogins.length).toBe((await pollerStatus(h.client, stack.ids.b)).counters.logins);
});

test('after all of the above, a new Critical alert on each of two appliances pages within one poll interval', async () => {
  const took = await bothAppliancesPage(harness(), stack);
  process.stdout.write(`security: paged after the input attacks in ${took.a} ms (a) and ${took.b} ms (b)\n`);
});
