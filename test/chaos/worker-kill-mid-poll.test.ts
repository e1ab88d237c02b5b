import { pollerStatus } from '../../src/client/poller-operations';
import { uniqueAppliance, useHarness } from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';
import { dedupKey, expectExactlyOnce } from './support/exactly-once';
import { ProcessSet, kill } from './support/processes';
import { incidentsOf, raiseAlerts, report, waitForSettledDeliveries } from './support/storm';

const harness = useHarness();
/** How soon after the kill an alert raised right after the restart must page. */
const BOUND_MS = 30_000;

// With the poll as a normal activity this waited out its 2 min start-to-close timeout (measured: 122 s), then its 45 s
// heartbeat timeout (about 50 s). As a local activity it dies with its workflow task, which times out after 10 s and
// runs again on the new worker.
test(`a worker SIGKILLed while a poll waits on a slow appliance: an alert raised after the restart pages within ${BOUND_MS / 1000} s`, async () => {
  const h = harness();
  const ids = uniqueAppliance('chaos-midpoll');
  const processes = new ProcessSet();
  try {
    const env = processes.workerEnv(h, ids, { POLL_INTERVAL: '2' });
    const first = processes.worker(env);
    await first.started();
    await waitFor(
      'the first poll',
      () => pollerStatus(h.client, ids.applianceId),
      (s) => s.counters.polls >= 1,
      60_000,
    );
    // The next alerts query hangs in the appliance for 25 s (well within the client's 30 s timeout): a poll in flight.
    const before = (await h.sim.oneViewRequests()).length;
    await h.sim.oneViewFault({ delayMs: 25_000, count: 1, pathPrefix: '/rest/alerts' });
    await waitFor(
      'a poll waiting on the appliance',
      () => h.sim.oneViewRequests(),
      (r) => r.slice(before).some((x) => x.path === '/rest/alerts'),
      30_000,
    );
    await kill(first.child);
    const killed = Date.now();
    const second = processes.worker(env);
    await second.started();
    const [id] = await raiseAlerts(h, 1);
    const paged = await waitFor(
      'the alert raised after the restart paged',
      async () => (await incidentsOf(h, ids.applianceId)).some((i) => i.dedup_key === dedupKey(ids.applianceId, id!)),
      Boolean,
      BOUND_MS + 90_000,
    ).then(() => Date.now() - killed);
    await waitForSettledDeliveries(h.client, ids.taskQueue);
    const result = expectExactlyOnce({
      applianceId: ids.applianceId,
      incidents: await incidentsOf(h, ids.applianceId),
      events: await h.sim.events(),
      alertIds: [id!],
      clearedIds: [],
    });
    report('worker-kill-mid-poll', {
      ...result,
      pagedSecondsAfterKill: Math.round(paged / 100) / 10,
      boundSeconds: BOUND_MS / 1000,
    });
    expect(paged).toBeLessThanOrEqual(BOUND_MS);
  } finally {
    await processes.stopAll();
    await h.sim.reset();
  }
}, 300_000);
