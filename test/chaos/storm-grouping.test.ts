import { pollerStatus } from '../../src/client/poller-operations';
import { uniqueAppliance, useHarness } from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';
import { ProcessSet, kill } from './support/processes';
import { drainStorm, idOf, incidentsOf, report, seconds } from './support/storm';

const harness = useHarness();

type Event = { dedup_key: string; payload?: { custom_details?: { related_alert_count?: number } } };

test('an enclosure storm with the worker SIGKILLed as the enclosure pages, and again while its blades page after it clears: one incident listing the 16, then one per blade', async () => {
  const h = harness();
  const ids = uniqueAppliance('chaos-group');
  const processes = new ProcessSet();
  const env = processes.workerEnv(h, ids);
  const opened = () => incidentsOf(h, ids.applianceId);
  const started = Date.now();
  const timeline: Record<string, unknown>[] = [];
  try {
    // Every post waits 150 ms in PagerDuty, so each kill lands with sends in flight.
    await h.sim.pagerDutyFault({ delayMs: 150, durationMs: 10 * 60_000 });
    const storm = await h.sim.storm();
    const parentId = idOf(storm.parent!.uri);
    const parentKey = `oneview/${ids.applianceId}/alert/${parentId}`;
    let worker = processes.worker(env);

    // Kill 1: the moment the enclosure's incident exists, whether or not its list of blades went out yet.
    await waitFor('the enclosure incident opened', opened, (i) => i.length >= 1, 120_000);
    expect((await kill(worker.child)).signal).toBe('SIGKILL');
    timeline.push({ kill: 1, openedAtKill: (await opened()).length, atSeconds: seconds(started) });
    worker = processes.worker(env);
    await worker.started();
    await waitFor(
      'the enclosure incident listing the 16 blades',
      async () => (await h.sim.events()).map((e) => e.event as Event),
      (e) => e.some((x) => x.dedup_key === parentKey && x.payload?.custom_details?.related_alert_count === 16),
      120_000,
    );
    expect((await opened()).map((i) => i.dedup_key)).toEqual([parentKey]);

    // Kill 2: the enclosure recovers; the worker dies while its blades page on their own.
    await h.sim.clearAlert(parentId);
    await waitFor('some blades paging', opened, (i) => i.length >= 4, 120_000);
    expect((await kill(worker.child)).signal).toBe('SIGKILL');
    timeline.push({ kill: 2, openedAtKill: (await opened()).length, atSeconds: seconds(started) });
    worker = processes.worker(env);
    await worker.started();

    const { result, drainSeconds } = await drainStorm(h, h.client, ids, {
      alerts: 17,
      alertIds: [parentId, ...storm.children.map((c) => idOf(c.uri))],
      cleared: [parentId],
      startedMs: started,
    });
    // Each blade joined once and was released once, whatever the kills interrupted.
    const status = await pollerStatus(h.client, ids.applianceId);
    expect(status.counters.alertsGrouped).toBe(16);
    expect(status.storm.groups).toEqual([]);
    report('storm-grouping', { ...result, timeline, kills: 2, drainSeconds });
  } finally {
    await processes.stopAll();
    await h.sim.reset();
  }
}, 300_000);
