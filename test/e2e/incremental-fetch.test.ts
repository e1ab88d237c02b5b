import { pollerStatus, pushAlerts } from '../../src/client/poller-operations';
import { toAlertRecord } from '../../src/shared/alert-record';
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

test.each([
  ['no alerts at all', 0],
  ['only cleared alerts', 300],
])(
  'an appliance with %s at the first poll: an alert that paged by push and cleared without one is resolved by the next poll',
  async (_, clearedHistory) => {
    const h = harness();
    const ids = uniqueAppliance('firstpoll');
    if (clearedHistory > 0) {
      // History from an hour ago, and its newest change a minute ago (alone at its instant).
      const cleared = { severity: 'Critical', alertState: 'Cleared', clearedByUser: 'System' };
      const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
      const minuteAgo = new Date(Date.now() - 60_000).toISOString();
      await h.sim.bulkAlerts(clearedHistory, { ...cleared, created: hourAgo, modified: hourAgo });
      await h.sim.addAlerts([{ ...cleared, created: hourAgo, modified: minuteAgo }]);
    }
    const bridge = await runBridge(h.client, bridgeConfig(h, ids));
    try {
      const first = await waitFor(
        'first poll done',
        () => pollerStatus(h.client, ids.applianceId),
        (s) => s.counters.polls === 1,
      );
      // Nothing active anchored the watermark: it starts at the newest change the appliance has (or before any).
      expect(first.watermark).toBeDefined();
      const [raised] = await h.sim.addAlerts([{ severity: 'Critical' }]);
      const parsed = toAlertRecord(raised);
      if (!('record' in parsed))
        throw new Error(`the simulator's alert failed validation: ${parsed.problems.join('; ')}`);
      await pushAlerts(h.client, ids.applianceId, [parsed.record]);
      await waitFor(
        'the pushed alert paged',
        () => h.sim.incidents(),
        (i) => i.length === 1,
      );

      // Cleared on the appliance with no push (a lost message): the poll must read the clear.
      await h.sim.clearAlert(parsed.record.id);
      const before = (await h.sim.oneViewRequests()).length;
      await pollOnceMore(h.client, ids.applianceId);
      const incidents = await waitFor(
        'the incident resolved',
        () => h.sim.incidents(),
        (i) => i[0]?.status === 'resolved',
      );
      expect(incidents).toHaveLength(1);
      // One read of what changed since the watermark, not the cleared history again.
      const poll = (await h.sim.oneViewRequests()).slice(before);
      expect(poll.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /rest/alerts 200']);
    } finally {
      await bridge.stop();
      await h.sim.reset();
    }
  },
);
