import { pollerStatus, forcePoll } from '../../src/client/poller-operations';
import { pollerWorkflowId } from '../../src/shared/workflow-ids';
import { bridgeConfig, runBridge, useHarness, uniqueAppliance } from '../support/bridge-harness';
import { pollOnceMore } from '../support/poll-once-more';
import { waitFor } from '../support/wait-for';
import { idOf } from '../support/alert-id';

const harness = useHarness();

const criticals = (n: number) => Array.from({ length: n }, () => ({ severity: 'Critical' }));

async function pollsDone(applianceId: string, atLeast: number) {
  return waitFor(
    `poll ${atLeast} of ${applianceId}`,
    () => pollerStatus(harness().client, applianceId),
    (s) => s.counters.polls >= atLeast,
  );
}

test('one poll pages exactly the three Critical alerts, with distinct stable dedup keys', async () => {
  const h = harness();
  const ids = uniqueAppliance('three-critical');
  const added = await h.sim.addAlerts([...criticals(3), { severity: 'Warning' }]);
  const bridge = await runBridge(h.client, bridgeConfig(h, ids));
  try {
    const status = await pollsDone(ids.applianceId, 1);
    expect(status.counters.polls).toBe(1);
    expect(status.lastPollResult).toBe('ok');
    const incidents = await waitFor(
      'three incidents',
      () => h.sim.incidents(),
      (i) => i.length >= 3,
    );
    const expected = added
      .filter((a) => a.severity === 'Critical')
      .map((a) => `oneview/${ids.applianceId}/alert/${idOf(a.uri)}`);
    expect(incidents.map((i) => i.dedup_key).sort()).toEqual(expected.sort());
    expect(incidents.every((i) => i.status === 'triggered' && i.opened === 1)).toBe(true);
    const events = await h.sim.events();
    expect(events.filter((e) => e.event.event_action === 'trigger')).toHaveLength(3);
    expect(new Set(events.map((e) => e.event.dedup_key)).size).toBe(3);
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});

test('forcePoll polls at once instead of waiting for the one-hour interval', async () => {
  const h = harness();
  const ids = uniqueAppliance('force-poll');
  const bridge = await runBridge(h.client, bridgeConfig(h, ids));
  try {
    await pollsDone(ids.applianceId, 1);
    const [late] = await h.sim.addAlerts(criticals(1));
    await forcePoll(h.client, ids.applianceId);
    const incidents = await waitFor(
      'the new alert paged',
      () => h.sim.incidents(),
      (i) => i.length === 1,
      15_000,
    );
    expect(incidents[0]?.dedup_key).toBe(`oneview/${ids.applianceId}/alert/${idOf(late!.uri)}`);
    const status = await pollerStatus(h.client, ids.applianceId);
    expect(status.counters.polls).toBe(2);
    expect(status.pollIntervalMs).toBe(3_600_000);
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});

test('a cleared alert is resolved exactly once, and ten more polls send nothing', async () => {
  const h = harness();
  const ids = uniqueAppliance('clear');
  const [first, second] = await h.sim.addAlerts(criticals(2));
  const bridge = await runBridge(h.client, bridgeConfig(h, ids));
  try {
    await waitFor(
      'two triggers',
      () => h.sim.incidents(),
      (i) => i.length === 2,
    );
    await h.sim.clearAlert(idOf(first!.uri));
    await forcePoll(h.client, ids.applianceId);
    const clearedKey = `oneview/${ids.applianceId}/alert/${idOf(first!.uri)}`;
    await waitFor(
      'the resolve',
      () => h.sim.incidents(),
      (i) => i.some((x) => x.dedup_key === clearedKey && x.status === 'resolved'),
    );
    const eventsAfterResolve = (await h.sim.events()).length;

    for (let n = 1; n <= 10; n++) await pollOnceMore(h.client, ids.applianceId);
    const events = await h.sim.events();
    expect(events).toHaveLength(eventsAfterResolve);
    expect(events.filter((e) => e.event.event_action === 'resolve').map((e) => e.event.dedup_key)).toEqual([
      clearedKey,
    ]);
    const incidents = await h.sim.incidents();
    const byKey = Object.fromEntries(incidents.map((i) => [i.dedup_key, i]));
    expect(byKey[clearedKey]).toMatchObject({ status: 'resolved', triggers: 1, resolves: 1, opened: 1 });
    expect(byKey[`oneview/${ids.applianceId}/alert/${idOf(second!.uri)}`]).toMatchObject({
      status: 'triggered',
      triggers: 1,
    });
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});

test('continue-as-new keeps the watermark and the session: no re-trigger and no new login', async () => {
  const h = harness();
  const ids = uniqueAppliance('continue-as-new');
  await h.sim.addAlerts(criticals(2));
  const bridge = await runBridge(h.client, bridgeConfig(h, ids), { maxPollsPerRun: 2 });
  try {
    await waitFor(
      'two triggers',
      () => h.sim.incidents(),
      (i) => i.length === 2,
    );
    const handle = h.client.workflow.getHandle(pollerWorkflowId(ids.applianceId));
    const firstRunId = (await handle.describe()).runId;
    for (let n = 2; n <= 5; n++) await pollOnceMore(h.client, ids.applianceId);
    const status = await pollerStatus(h.client, ids.applianceId);
    expect(status.counters.continuedAsNew).toBeGreaterThanOrEqual(2);
    expect((await handle.describe()).runId).not.toBe(firstRunId);
    expect(status.watermark?.idsAtModified.length).toBeGreaterThan(0);
    expect(status.counters.logins).toBe(1);
    const logins = (await h.sim.oneViewRequests()).filter(
      (r) => r.method === 'POST' && r.path === '/rest/login-sessions',
    );
    expect(logins).toHaveLength(1);
    const events = await h.sim.events();
    expect(events).toHaveLength(2);
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});
