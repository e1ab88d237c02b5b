import { pollerStatus } from '../../src/client/poller-operations';
import { bridgeConfig, runBridge, uniqueAppliance, useHarness } from '../support/bridge-harness';
import { pollOnceMore } from '../support/poll-once-more';
import { waitFor } from '../support/wait-for';

const harness = useHarness();

test('with 20,000 cleared alerts in history an idle poll costs at most 2 OneView requests', async () => {
  const h = harness();
  const ids = uniqueAppliance('history');
  await h.sim.bulkAlerts(20_000, { severity: 'Critical', alertState: 'Cleared', clearedByUser: 'System' });
  await h.sim.addAlerts([{ severity: 'Critical' }]);
  const bridge = await runBridge(h.client, bridgeConfig(h, ids));
  try {
    await waitFor(
      'the one active alert paged',
      () => h.sim.incidents(),
      (i) => i.length === 1,
    );
    await waitFor(
      'first poll done',
      () => pollerStatus(h.client, ids.applianceId),
      (s) => s.counters.polls === 1,
    );
    const before = (await h.sim.oneViewRequests()).length;
    await pollOnceMore(h.client, ids.applianceId);
    const idle = (await h.sim.oneViewRequests()).slice(before);
    expect(idle.length).toBeLessThanOrEqual(2);
    expect(idle.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /rest/alerts 200']);
    expect(await h.sim.incidents()).toHaveLength(1);
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});

test('60 alerts sharing one modified timestamp, across a page boundary and two polls, are each triggered once', async () => {
  const h = harness();
  const ids = uniqueAppliance('ties');
  const instant = new Date(Date.now() - 60_000).toISOString();
  const tied = { severity: 'Critical', created: instant, modified: instant };
  await h.sim.bulkAlerts(40, tied);
  const bridge = await runBridge(h.client, bridgeConfig(h, ids));
  try {
    await waitFor(
      '40 triggers',
      () => h.sim.incidents(),
      (i) => i.length === 40,
    );
    await h.sim.bulkAlerts(20, tied);
    await pollOnceMore(h.client, ids.applianceId);
    const incidents = await waitFor(
      '60 triggers',
      () => h.sim.incidents(),
      (i) => i.length === 60,
    );
    expect(incidents.every((i) => i.triggers === 1 && i.opened === 1)).toBe(true);
    expect(new Set(incidents.map((i) => i.dedup_key)).size).toBe(60);
    // Two more idle polls find the same 60 alerts at the watermark instant and send nothing.
    await pollOnceMore(h.client, ids.applianceId);
    await pollOnceMore(h.client, ids.applianceId);
    expect(await h.sim.events()).toHaveLength(60);
    const status = await pollerStatus(h.client, ids.applianceId);
    expect(status.watermark).toEqual({ modified: instant, idsAtModified: expect.any(Array) });
    expect(status.watermark?.idsAtModified).toHaveLength(60);
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});
