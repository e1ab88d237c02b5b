import { pollerStatus } from '../../src/client/poller-operations';
import { bridgeConfig, runBridge, uniqueAppliance, useHarness } from '../support/bridge-harness';
import { pollOnceMore } from '../support/poll-once-more';
import { waitFor } from '../support/wait-for';
import { idOf } from '../support/alert-id';

// Topology storm control over real HTTP: the simulator's enclosure loses power (its own alert and one per blade).
const harness = useHarness();

type Event = {
  event_action: string;
  dedup_key: string;
  payload?: { summary: string; custom_details: Record<string, unknown> };
};

test('an enclosure power loss with 16 blades pages once, listing the 16; when the enclosure clears, the blades still active page one each', async () => {
  const h = harness();
  const ids = uniqueAppliance('storm');
  const storm = await h.sim.storm();
  const parent = storm.parent!;
  const children = storm.children;
  expect(children).toHaveLength(16);
  const bridge = await runBridge(h.client, bridgeConfig(h, ids));
  const keyOf = (alert: { uri: string }) => `oneview/${ids.applianceId}/alert/${idOf(alert.uri)}`;
  const ours = async () =>
    (await h.sim.incidents()).filter((i) => i.dedup_key.startsWith(`oneview/${ids.applianceId}/`));
  try {
    // The parent's incident, its last trigger listing all 16 blades.
    const events = await waitFor(
      'the enclosure incident listing 16 blades',
      async () => (await h.sim.events()).map((e) => e.event as Event),
      (e) => e.some((x) => x.dedup_key === keyOf(parent) && x.payload?.custom_details.related_alert_count === 16),
    );
    const last = events.filter((x) => x.dedup_key === keyOf(parent)).at(-1)!;
    const listed = last.payload!.custom_details.related_alerts as { alert_uri: string; resource: string }[];
    expect(listed.map((r) => r.alert_uri).sort()).toEqual(children.map((c) => c.uri).sort());
    expect(listed.map((r) => r.resource)).toContain('Encl1, bay 16');
    expect(last.payload!.summary).toMatch(/^Encl1: .*\(\+16 alerts below it\)$/);
    const status = await pollerStatus(h.client, ids.applianceId);
    expect(status.storm.groups).toEqual([
      { resource: '/rest/enclosures/0000A66101', parentAlertId: idOf(parent.uri), children: expect.any(Array) },
    ]);
    expect(status.storm.groups[0]!.children).toHaveLength(16);
    expect(status.counters.alertsGrouped).toBe(16);
    // Exactly one incident, opened once.
    expect((await ours()).map((i) => [i.dedup_key, i.opened])).toEqual([[keyOf(parent), 1]]);
    // The topology was read in bulk: one page of server hardware and one of interconnects, however many blades.
    const topologyReads = (await h.sim.oneViewRequests()).filter(
      (r) => r.path === '/rest/server-hardware' || r.path === '/rest/interconnects',
    );
    expect(topologyReads.map((r) => r.path).sort()).toEqual(['/rest/interconnects', '/rest/server-hardware']);

    // Two blades recover while the enclosure is still down: they never page.
    await h.sim.clearAlert(idOf(children[0]!.uri));
    await h.sim.clearAlert(idOf(children[1]!.uri));
    await pollOnceMore(h.client, ids.applianceId);
    expect((await pollerStatus(h.client, ids.applianceId)).storm.groups[0]!.children).toHaveLength(14);

    await h.sim.clearAlert(idOf(parent.uri));
    await pollOnceMore(h.client, ids.applianceId);
    const after = await waitFor(
      'the parent resolved and 14 blades paged',
      ours,
      (i) => i.length === 15 && i.filter((x) => x.status === 'triggered').length === 14,
    );
    const byKey = new Map(after.map((i) => [i.dedup_key, i]));
    expect(byKey.get(keyOf(parent))?.status).toBe('resolved');
    for (const child of children.slice(2)) expect(byKey.get(keyOf(child))?.triggers).toBe(1);
    for (const child of children.slice(0, 2)) expect(byKey.has(keyOf(child))).toBe(false);
    expect((await pollerStatus(h.client, ids.applianceId)).storm.groups).toEqual([]);
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});

test('blades whose alerts arrive before their enclosure alert wait the group wait, then join its incident', async () => {
  const h = harness();
  const ids = uniqueAppliance('stormwait');
  const config = bridgeConfig(h, ids);
  const bridge = await runBridge(h.client, { ...config, storm: { windowMs: 300_000, groupWaitMs: 4000 } });
  const keyOf = (alert: { uri: string }) => `oneview/${ids.applianceId}/alert/${idOf(alert.uri)}`;
  try {
    await waitFor(
      'the first poll',
      () => pollerStatus(h.client, ids.applianceId),
      (s) => s.counters.polls >= 1,
    );
    // The blades' alerts first (a storm seen from the blades' side), read by a poll: held, not paged.
    const { children } = await h.sim.storm({ parent: false });
    await pollOnceMore(h.client, ids.applianceId);
    const held = await pollerStatus(h.client, ids.applianceId);
    expect(held.storm.waiting).toHaveLength(16);
    expect((await h.sim.incidents()).filter((i) => i.dedup_key.startsWith(`oneview/${ids.applianceId}/`))).toEqual([]);
    // The enclosure's own alert comes after them, before their wait ends: read at the poll the wait ends with.
    const { parent } = await h.sim.storm({ children: 0 });
    const incidents = await waitFor(
      'the enclosure incident with the 16 blades',
      async () => (await h.sim.events()).map((e) => e.event as Event),
      (e) => e.some((x) => x.payload?.custom_details.related_alert_count === 16),
    );
    const parentKey = incidents.find((x) => x.payload?.custom_details.related_alert_count === 16)!.dedup_key;
    expect(parentKey).toBe(keyOf(parent!));
    const ours = (await h.sim.incidents()).filter((i) => i.dedup_key.startsWith(`oneview/${ids.applianceId}/`));
    expect(ours.map((i) => i.dedup_key)).toEqual([parentKey]);
    for (const child of children) expect(parentKey).not.toBe(keyOf(child));
    expect((await pollerStatus(h.client, ids.applianceId)).storm.waiting).toEqual([]);
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});

test('an interconnect failure pages once, listing the blades whose ports reach it; a later enclosure power loss gathers its own group', async () => {
  const h = harness();
  const ids = uniqueAppliance('stormic');
  const storm = await h.sim.storm({ kind: 'interconnect', children: 6 });
  const bridge = await runBridge(h.client, bridgeConfig(h, ids));
  const keyOf = (alert: { uri: string }) => `oneview/${ids.applianceId}/alert/${idOf(alert.uri)}`;
  const ours = async () =>
    (await h.sim.incidents()).filter((i) => i.dedup_key.startsWith(`oneview/${ids.applianceId}/`));
  try {
    const events = await waitFor(
      'the interconnect incident listing the 6 blades',
      async () => (await h.sim.events()).map((e) => e.event as Event),
      (e) => e.some((x) => x.dedup_key === keyOf(storm.parent!) && x.payload?.custom_details.related_alert_count === 6),
    );
    expect(events.find((x) => x.payload?.custom_details.related_alert_count === 6)?.payload?.summary).toMatch(
      /^Encl1, interconnect 1: .*\(\+6 alerts below it\)$/,
    );
    expect((await ours()).map((i) => i.dedup_key)).toEqual([keyOf(storm.parent!)]);
    expect(
      (await pollerStatus(h.client, ids.applianceId)).storm.groups.map((g) => [g.resource, g.children.length]),
    ).toEqual([['/rest/interconnects/8f1e5b2a-0c3d-4e6f-9a7b-000000000001', 6]]);

    // Then the whole enclosure loses power: its alert opens its group, and the blades' power alerts join it.
    const power = await h.sim.storm({ children: 2 });
    await pollOnceMore(h.client, ids.applianceId);
    const groups = await waitFor(
      'the enclosure group',
      () => pollerStatus(h.client, ids.applianceId),
      (s) => s.storm.groups.length === 2,
    );
    expect(groups.storm.groups.find((g) => g.parentAlertId === idOf(power.parent!.uri))?.children.length).toBe(2);
    expect((await ours()).map((i) => i.dedup_key).sort()).toEqual([keyOf(storm.parent!), keyOf(power.parent!)].sort());
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});
