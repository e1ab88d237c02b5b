import { pollerStatus } from '../../src/client/poller-operations';
import { TEST_ROUTING_KEY, bridgeConfig, runBridge, uniqueAppliance, useHarness } from '../support/bridge-harness';
import { pollOnceMore } from '../support/poll-once-more';
import { waitFor } from '../support/wait-for';
import { idOf } from '../support/alert-id';

// Routing rules end to end: OneView simulator → real worker and Temporal → PagerDuty simulator, over real HTTP.
const harness = useHarness();

const FACILITIES = 'F'.repeat(32);
const SERVERS = 'S'.repeat(32);

test('rules page one alert to two services (continue), drop another, leave the rest to the appliance key; resolves follow each trigger', async () => {
  const h = harness();
  const ids = uniqueAppliance('routes');
  const config = {
    ...bridgeConfig(h, ids),
    // Storm control would gather the two server alerts under the enclosure's one: routing alone is tested here.
    storm: { windowMs: 0, groupWaitMs: 0 },
    routes: [
      { name: 'storage-noise', match: { healthCategory: ['Storage'] }, drop: true as const },
      {
        name: 'facilities',
        match: { healthCategory: ['power'] },
        continue: true as const,
        routingKey: FACILITIES,
        severity: 'error' as const,
      },
      { name: 'servers', match: { resourceCategory: ['server-hardware'] }, routingKey: SERVERS, priority: 2 },
    ],
  };
  const [power, storage, enclosure] = await h.sim.addAlerts([
    { severity: 'Critical', healthCategory: 'Power' },
    { severity: 'Critical', healthCategory: 'Storage' },
    {
      severity: 'Critical',
      healthCategory: 'Thermal',
      resourceUri: '/rest/enclosures/0000A66101',
      associatedResource: {
        resourceName: 'Encl1',
        resourceUri: '/rest/enclosures/0000A66101',
        resourceCategory: 'enclosures',
        associationType: 'HAS_A',
      },
    },
  ]);
  const bridge = await runBridge(h.client, config);
  const keyOf = (alert: { uri: string }) => `oneview/${ids.applianceId}/alert/${idOf(alert.uri)}`;
  try {
    const events = await waitFor(
      'three triggers',
      () => h.sim.events(),
      (e) => e.filter((x) => x.event.event_action === 'trigger').length >= 3,
    );
    const triggers = events
      .map(
        (x) =>
          x.event as {
            routing_key: string;
            dedup_key: string;
            payload: { severity: string; custom_details: Record<string, unknown> };
          },
      )
      .map((e) => [e.dedup_key, e.routing_key, e.payload.severity, e.payload.custom_details.route ?? null]);
    expect(triggers).toEqual(
      expect.arrayContaining([
        [keyOf(power!), FACILITIES, 'error', 'facilities'],
        [keyOf(power!), SERVERS, 'critical', 'servers'],
        [keyOf(enclosure!), TEST_ROUTING_KEY, 'critical', null],
      ]),
    );
    expect(triggers).toHaveLength(3);
    const status = await waitFor(
      'the first poll done',
      () => pollerStatus(h.client, ids.applianceId),
      (s) => s.counters.polls >= 1,
    );
    expect(status.counters.alertsDropped).toBe(1);
    expect(events.some((x) => x.event.dedup_key === keyOf(storage!))).toBe(false);

    // The dropped alert is decided once: another poll neither pages it nor counts it again.
    await pollOnceMore(h.client, ids.applianceId);
    expect((await pollerStatus(h.client, ids.applianceId)).counters.alertsDropped).toBe(1);

    await h.sim.clearAlert(idOf(power!.uri));
    await pollOnceMore(h.client, ids.applianceId);
    const after = await waitFor(
      'both services resolved',
      () => h.sim.events(),
      (e) => e.filter((x) => x.event.event_action === 'resolve').length >= 2,
    );
    const resolves = after
      .filter((x) => x.event.event_action === 'resolve')
      .map((x) => [x.event.dedup_key, x.event.routing_key]);
    expect(resolves.sort()).toEqual(
      [
        [keyOf(power!), FACILITIES],
        [keyOf(power!), SERVERS],
      ].sort(),
    );
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});
