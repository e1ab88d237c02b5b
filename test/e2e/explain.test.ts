import { explainAlert } from '../../src/client/explain-alert';
import { pollerStatus } from '../../src/client/poller-operations';
import { bridgeConfig, runBridge, uniqueAppliance, useHarness } from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';
import { idOf } from '../support/alert-id';

// "Why was I (not) paged?" answered from Temporal alone, for a storm's parent and child, a dropped alert and one never seen.
const harness = useHarness();

test('explain tells the parent of a storm its routes, its joined alerts and every send; a child where it went; a dropped alert which route dropped it', async () => {
  const h = harness();
  const ids = uniqueAppliance('explain');
  const config = {
    ...bridgeConfig(h, ids),
    routes: [
      { name: 'no-storage', match: { healthCategory: ['Storage'] }, drop: true as const },
      { name: 'facilities', match: { resourceCategory: ['enclosures'] }, severity: 'critical' as const },
    ],
  };
  const storm = await h.sim.storm({ children: 2 });
  const [dropped] = await h.sim.addAlerts([{ severity: 'Critical', healthCategory: 'Storage' }]);
  const bridge = await runBridge(h.client, config);
  const parent = idOf(storm.parent!.uri);
  const child = idOf(storm.children[0]!.uri);
  try {
    await waitFor(
      'the parent listed both blades in PagerDuty',
      () => explainAlert(h.client, ids.applianceId, parent),
      (e) => (e.delivery?.explanation?.lines ?? []).some((l) => l.includes('(listing 2 alerts)')),
    );
    const p = await explainAlert(h.client, ids.applianceId, parent);
    expect(p.lines[0]).toBe(`alert ${parent} on ${ids.applianceId}: Critical · Power · Encl1`);
    expect(p.lines).toEqual(
      expect.arrayContaining([
        '  routes       facilities, severity critical',
        '  grouping     2 alerts below its enclosure joined this incident',
        '  now          triggered: waiting for OneView to clear it',
        expect.stringMatching(/^ {2}PagerDuty {4}\S+Z trigger → facilities: accepted/),
      ]),
    );
    expect(p.delivery?.status).toBe('RUNNING');

    const c = await explainAlert(h.client, ids.applianceId, child);
    expect(c.lines[0]).toBe(`alert ${child} on ${ids.applianceId}: no delivery (it never paged on its own)`);
    expect(c.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^ {2}decision {5}\\S+Z: joined the incident of the alert of what it sits below \\(enclosure or interconnect\\): ${parent}$`,
          ),
        ),
        `  now          listed in the incident of alert ${parent}, of what it sits below`,
      ]),
    );

    await waitFor(
      'the first poll done',
      () => pollerStatus(h.client, ids.applianceId),
      (s) => s.counters.alertsDropped === 1,
    );
    const d = await explainAlert(h.client, ids.applianceId, idOf(dropped!.uri));
    expect(d.lines).toEqual(
      expect.arrayContaining([expect.stringMatching(/^ {2}decision {5}\S+Z: dropped by route no-storage$/)]),
    );

    const never = await explainAlert(h.client, ids.applianceId, '999999');
    expect(never.lines).toEqual([
      `alert 999999 on ${ids.applianceId}: no delivery (it never paged on its own)`,
      '  poller       never saw it: OneView is asked only for Critical alerts, or it was not polled yet',
    ]);
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});
