import { pollerStatus } from '../../src/client/poller-operations';
import { bridgeConfig, runBridge, uniqueAppliance, useHarness } from '../support/bridge-harness';
import { pollOnceMore } from '../support/poll-once-more';
import { waitFor } from '../support/wait-for';
import { idOf } from '../support/alert-id';

// OneView's own maintenance mode on server hardware, read from the simulator over real HTTP.
const harness = useHarness();

test("a Critical on a server in OneView's maintenance mode does not page; when the server leaves it with the alert still active, one page at the next poll", async () => {
  const h = harness();
  const ids = uniqueAppliance('maint');
  const [quiet, loud] = await h.sim.addAlerts([{ severity: 'Critical' }, { severity: 'Critical' }]);
  const server = (quiet as unknown as { resourceUri: string }).resourceUri;
  await h.sim.serverMaintenance(server, true);
  const bridge = await runBridge(h.client, bridgeConfig(h, ids));
  try {
    const loudKey = `oneview/${ids.applianceId}/alert/${idOf(loud!.uri)}`;
    const quietKey = `oneview/${ids.applianceId}/alert/${idOf(quiet!.uri)}`;
    await waitFor(
      'the alert of the server out of maintenance paged',
      () => h.sim.incidents(),
      (i) => i.some((x) => x.dedup_key === loudKey),
    );
    const held = await waitFor(
      'the first poll done',
      () => pollerStatus(h.client, ids.applianceId),
      (s) => s.counters.polls >= 1,
    );
    expect(held.heldForMaintenance).toEqual([idOf(quiet!.uri)]);
    expect(held.counters.heldForMaintenance).toBe(1);
    // Another poll while still in maintenance: still nothing, and the appliance was asked about that one server only.
    const before = (await h.sim.oneViewRequests()).length;
    await pollOnceMore(h.client, ids.applianceId);
    const asked = (await h.sim.oneViewRequests())
      .slice(before)
      .filter((r) => r.path.startsWith('/rest/server-hardware/'));
    expect(asked.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${server}`]);
    expect((await h.sim.incidents()).some((x) => x.dedup_key === quietKey)).toBe(false);

    await h.sim.serverMaintenance(server, false);
    await pollOnceMore(h.client, ids.applianceId);
    const incidents = await waitFor(
      'the held alert paged',
      () => h.sim.incidents(),
      (i) => i.some((x) => x.dedup_key === quietKey),
    );
    expect(incidents.find((x) => x.dedup_key === quietKey)?.triggers).toBe(1);
    expect((await pollerStatus(h.client, ids.applianceId)).heldForMaintenance).toEqual([]);
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});

test('an alert cleared while its server is in maintenance mode never pages', async () => {
  const h = harness();
  const ids = uniqueAppliance('maintclr');
  const [alert] = await h.sim.addAlerts([{ severity: 'Critical' }]);
  await h.sim.serverMaintenance((alert as unknown as { resourceUri: string }).resourceUri, true);
  const bridge = await runBridge(h.client, bridgeConfig(h, ids));
  try {
    await waitFor(
      'the alert held',
      () => pollerStatus(h.client, ids.applianceId),
      (s) => s.heldForMaintenance.length === 1,
    );
    await h.sim.clearAlert(idOf(alert!.uri));
    await pollOnceMore(h.client, ids.applianceId);
    const status = await pollerStatus(h.client, ids.applianceId);
    expect(status.heldForMaintenance).toEqual([]);
    expect(status.counters.deliveriesStarted).toBe(0);
    expect(await h.sim.incidents()).toEqual([]);
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});
