import { pollerStatus } from '../../src/client/poller-operations';
import { uniqueAppliance, useHarness } from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';
import { expectExactlyOnce } from './support/exactly-once';
import { ProcessSet, stopChild } from './support/processes';
import { byScale } from './support/scale';
import { clearAlerts, incidentsOf, raiseAlerts, report, seconds, waitForSettledDeliveries } from './support/storm';

const harness = useHarness();
const ALERTS = byScale({ ci: 40, full: 200 });

test(
  `alerts cleared or deleted while every worker is down are all resolved once a worker boots (${ALERTS} alerts, two replicas)`,
  async () => {
    const h = harness();
    const ids = uniqueAppliance('chaos-down');
    const processes = new ProcessSet();
    const opened = () => incidentsOf(h, ids.applianceId);
    try {
      // The interval is an hour: whatever the restarted worker resolves, its boot did (reconciliation and the boot poll).
      const env = processes.workerEnv(h, ids, { POLL_INTERVAL: '3600' });
      const alertIds = await raiseAlerts(h, ALERTS);
      const replicas = [processes.worker(env), processes.worker(env)];
      await Promise.all(replicas.map((w) => w.started()));
      await waitFor('every alert paged', opened, (i) => i.length === ALERTS, 120_000);
      await waitForSettledDeliveries(h.client, ids.taskQueue);

      // Every worker stops (a rollout gone wrong, a cluster outage); exit 0 means a clean shutdown.
      const exits = await Promise.all(replicas.map((w) => stopChild(w.child)));
      expect(exits.map((e) => e.code)).toEqual([0, 0]);

      // Meanwhile the hardware recovers: half the alerts clear, two of those are then deleted by an administrator, and
      // one still-active alert disappears without ever clearing (its resource removed from the appliance).
      const cleared = alertIds.filter((_, i) => i % 2 === 0);
      await clearAlerts(h, cleared);
      const deletedAfterClear = cleared.slice(0, 2);
      const vanished = alertIds.filter((id) => !cleared.includes(id)).slice(0, 1);
      for (const id of [...deletedAfterClear, ...vanished]) await h.sim.deleteAlert(id);
      expect((await opened()).filter((i) => i.status === 'resolved')).toHaveLength(0);

      const booted = Date.now();
      const worker = processes.worker(env);
      await worker.started();
      const gone = [...cleared, ...vanished];
      await waitFor(
        'every cleared, deleted and vanished alert resolved',
        opened,
        (i) => i.filter((x) => x.status === 'resolved').length === gone.length,
        120_000,
      );
      const resolvedSeconds = seconds(booted);
      await waitForSettledDeliveries(h.client, ids.taskQueue);

      const result = expectExactlyOnce({
        applianceId: ids.applianceId,
        incidents: await opened(),
        events: await h.sim.events(),
        alertIds,
        clearedIds: gone,
      });
      const status = await pollerStatus(h.client, ids.applianceId);
      // The deleted and vanished alerts can only have been found by the boot-time reconciliation.
      expect(status.counters.reconciledClears).toBeGreaterThanOrEqual(deletedAfterClear.length + vanished.length);
      expect(status.counters.deliveriesStarted).toBe(ALERTS);
      report('clears-while-down', {
        ...result,
        clearedWhileDown: cleared.length,
        deletedAfterClear: deletedAfterClear.length,
        vanishedWhileActive: vanished.length,
        resolvedSecondsAfterBoot: resolvedSeconds,
        reconciledClears: status.counters.reconciledClears,
        reconciliations: status.counters.reconciliations,
        forcePoll: false,
      });
    } finally {
      await processes.stopAll();
      await h.sim.reset();
    }
  },
  byScale({ ci: 180_000, full: 600_000 }),
);
