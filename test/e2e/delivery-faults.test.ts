import { request } from 'undici';
import { pollerStatus } from '../../src/client/poller-operations';
import type { WorkerConfig } from '../../src/config/types';
import { APPLIANCE_ID, DELIVERY_STATE } from '../../src/shared/search-attributes';
import { alertWorkflowId } from '../../src/shared/workflow-ids';
import { stateQuery } from '../../src/workflows/messages';
import { controls } from '../../simulators/control-client';
import { startPagerDutySimulator } from '../../simulators/pagerduty/server';
import { bridgeConfig, runBridge, uniqueAppliance, useHarness } from '../support/bridge-harness';
import { pollOnceMore } from '../support/poll-once-more';
import { waitFor } from '../support/wait-for';
import { idOf } from '../support/alert-id';

const harness = useHarness();

/** Retry waits scaled down from seconds and minutes to milliseconds, so outages fit in a test. */
function fastRetries(config: WorkerConfig): WorkerConfig {
  return { ...config, pagerDuty: { ...config.pagerDuty, retry: { baseMs: 100, maxMs: 1000, rateLimitMinMs: 100 } } };
}

test('through a sustained 503 outage every trigger is delivered once and every resolve after its trigger', async () => {
  const h = harness();
  const ids = uniqueAppliance('outage');
  const alerts = await h.sim.addAlerts(Array.from({ length: 5 }, () => ({ severity: 'Critical' })));
  // Counted, not timed: an outage of exactly 12 failed requests lands whatever the machine's load.
  await h.sim.pagerDutyFault({ status: 503, body: 'Service Unavailable', count: 12 });
  const bridge = await runBridge(h.client, fastRetries(bridgeConfig(h, ids)));
  try {
    await waitFor(
      'five incidents',
      () => h.sim.incidents(),
      (i) => i.length === 5,
      30_000,
    );
    expect((await h.sim.pagerDutyStats()).faulted).toBe(12);

    // A second outage while two alerts clear: the resolves wait it out and still come after their triggers.
    await h.sim.pagerDutyFault({ status: 503, count: 4 });
    for (const a of alerts.slice(0, 2)) await h.sim.clearAlert(idOf(a.uri));
    await pollOnceMore(h.client, ids.applianceId);
    const incidents = await waitFor(
      'two resolves',
      () => h.sim.incidents(),
      (i) => i.filter((x) => x.status === 'resolved').length === 2,
      30_000,
    );
    expect((await h.sim.pagerDutyStats()).faulted).toBe(16);
    expect(incidents.every((i) => i.triggers === 1 && i.opened === 1 && i.dropped === 0)).toBe(true);
    const events = await h.sim.events();
    for (const a of alerts.slice(0, 2)) {
      const key = `oneview/${ids.applianceId}/alert/${idOf(a.uri)}`;
      const [trigger, resolve] = events.filter((e) => e.event.dedup_key === key);
      expect([trigger?.event.event_action, resolve?.event.event_action]).toEqual(['trigger', 'resolve']);
    }
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});

test('a 429 with Retry-After is honoured before the next attempt', async () => {
  const h = harness();
  const ids = uniqueAppliance('retry-after');
  await h.sim.addAlerts([{ severity: 'Critical' }]);
  await h.sim.pagerDutyFault({
    status: 429,
    retryAfterSeconds: 2,
    count: 1,
    body: '{"status":"throttle exceeded","message":"Requests for this service are arriving too quickly.  Please retry later.","errors":["Enhance Your Calm."]}',
  });
  const bridge = await runBridge(h.client, fastRetries(bridgeConfig(h, ids)));
  try {
    await waitFor(
      'the trigger',
      () => h.sim.incidents(),
      (i) => i.length === 1,
      30_000,
    );
    const [throttled, accepted] = await h.sim.pagerDutyRequests();
    expect([throttled?.status, accepted?.status]).toEqual([429, 202]);
    expect(Date.parse(accepted!.at) - Date.parse(throttled!.at)).toBeGreaterThanOrEqual(2000);
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});

test('an invalid routing key ends in a visible failed delivery after one attempt', async () => {
  const h = harness();
  const pagerDuty = await startPagerDutySimulator({
    rateLimitPerMinute: 0,
    validRoutingKeys: ['S0MEOTHERKEY00000000000000000000'],
  });
  const pd = controls(h.oneView.url, pagerDuty.url);
  const ids = uniqueAppliance('bad-key');
  const [alert] = await h.sim.addAlerts([{ severity: 'Critical' }]);
  const bridge = await runBridge(h.client, fastRetries(bridgeConfig({ oneView: h.oneView, pagerDuty }, ids)));
  try {
    const handle = h.client.workflow.getHandle(alertWorkflowId(ids.applianceId, idOf(alert!.uri)));
    await waitFor(
      'the delivery failed',
      () => handle.describe(),
      (d) => d.status.name === 'FAILED',
      30_000,
    );
    const state = await handle.query(stateQuery);
    expect(state.phase).toBe('failed');
    const searchable = await waitFor(
      'the failed phase searchable',
      () => handle.describe(),
      (d) => d.typedSearchAttributes.get(DELIVERY_STATE) === 'failed',
    );
    expect(searchable.typedSearchAttributes.get(APPLIANCE_ID)).toBe(ids.applianceId);
    expect(state.error).toContain('Invalid routing key');
    // One attempt, no retry storm.
    await pollOnceMore(h.client, ids.applianceId);
    expect(await pd.pagerDutyRequests()).toHaveLength(1);
    expect((await pd.pagerDutyRequests())[0]?.status).toBe(400);
    expect((await pollerStatus(h.client, ids.applianceId)).counters.deliveriesStarted).toBe(1);
    const metrics = await (await request(`http://127.0.0.1:${bridge.httpPort}/metrics`)).body.text();
    expect(metrics).toMatch(
      new RegExp(
        `pagerduty_alerts_failed_total\\{appliance="${ids.applianceId}",action="trigger",reason="rejected"\\} 1`,
      ),
    );
  } finally {
    await bridge.stop();
    await pagerDuty.close();
    await h.sim.reset();
  }
});

test('clears missed while the worker was stopped, deleted alerts included, are resolved after it restarts', async () => {
  const h = harness();
  const ids = uniqueAppliance('missed');
  const [cleared, deleted, still] = await h.sim.addAlerts(Array.from({ length: 3 }, () => ({ severity: 'Critical' })));
  const config = bridgeConfig(h, ids);
  const first = await runBridge(h.client, config);
  await waitFor(
    'three triggers',
    () => h.sim.incidents(),
    (i) => i.length === 3,
  );
  await first.stop();

  await h.sim.clearAlert(idOf(cleared!.uri));
  await h.sim.clearAlert(idOf(deleted!.uri));
  await h.sim.deleteAlert(idOf(deleted!.uri));

  const second = await runBridge(h.client, config);
  try {
    const key = (a: { uri: string }) => `oneview/${ids.applianceId}/alert/${idOf(a.uri)}`;
    const incidents = await waitFor(
      'both resolved',
      () => h.sim.incidents(),
      (i) => i.filter((x) => x.status === 'resolved').length === 2,
      30_000,
    );
    const byKey = Object.fromEntries(incidents.map((i) => [i.dedup_key, i.status]));
    expect(byKey).toEqual({ [key(cleared!)]: 'resolved', [key(deleted!)]: 'resolved', [key(still!)]: 'triggered' });
    const status = await pollerStatus(h.client, ids.applianceId);
    expect(status.counters.reconciledClears).toBeGreaterThanOrEqual(1);
  } finally {
    await second.stop();
    await h.sim.reset();
  }
});
