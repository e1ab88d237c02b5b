import { pollerStatus } from '../../src/client/poller-operations';
import { pollerWorkflowId } from '../../src/shared/workflow-ids';
import { uniqueAppliance, useHarness } from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';
import { ProcessSet, kill } from './support/processes';
import { byScale } from './support/scale';
import { clearAlerts, drainStorm, incidentsOf, raiseAlerts, report, seconds, triggeredIds } from './support/storm';

const harness = useHarness();
const ALERTS = byScale({ ci: 150, full: 500 });
/** Kill points: fractions of the storm's incidents opened. */
const KILL_AT = [0.2, 0.45, 0.7];

test(
  `a worker SIGKILLed three times during a ${ALERTS}-alert storm, with clears in flight, leaves one incident per alert and one resolve per clear`,
  async () => {
    const h = harness();
    const ids = uniqueAppliance('chaos-kill');
    const processes = new ProcessSet();
    const env = processes.workerEnv(h, ids);
    const opened = () => incidentsOf(h, ids.applianceId);
    const poller = h.client.workflow.getHandle(pollerWorkflowId(ids.applianceId));
    const started = Date.now();
    const timeline: Record<string, unknown>[] = [];
    const cleared: string[] = [];
    /** Clears a quarter of the alerts whose incident is open and not yet cleared: their resolves go out while we kill. */
    const clearSome = async (among: string[]) => {
      const candidates = triggeredIds(await opened(), ids.applianceId, among).filter((id) => !cleared.includes(id));
      const picked = candidates.filter((_, i) => i % 4 === 0);
      await clearAlerts(h, picked);
      cleared.push(...picked);
      return picked.length;
    };
    try {
      // Every post waits 150 ms in PagerDuty for the whole storm, so each kill lands with sends in flight.
      await h.sim.pagerDutyFault({ delayMs: 150, durationMs: 30 * 60_000 });
      // The storm comes in two waves: 60 % now, 40 % while the first killed worker is down.
      const alertIds = await raiseAlerts(h, Math.round(ALERTS * 0.6));
      let worker = processes.worker(env);
      for (const [n, fraction] of KILL_AT.entries()) {
        const target = Math.ceil(ALERTS * fraction);
        if (n === 1) {
          // Clears while a worker runs, just before the second kill: resolves are in flight when it lands.
          await waitFor(
            `${Math.ceil(ALERTS * 0.35)} incidents`,
            opened,
            (i) => i.length >= Math.ceil(ALERTS * 0.35),
            180_000,
          );
          timeline.push({ clearedWhileRunning: await clearSome(alertIds) });
        }
        // The kill point is an incident count, taken while none of the poller's OneView activities runs: a worker killed
        // mid-poll stalls the appliance until that activity's 2 min timeout (worker-kill-mid-poll.test.ts), which would
        // make this scenario's duration a lottery. Sends, child starts and workflow tasks are in flight either way.
        await waitFor(
          `${target} incidents opened and no poll activity running (kill ${n + 1})`,
          async () =>
            (await opened()).length >= target && ((await poller.describe()).raw.pendingActivities ?? []).length === 0,
          Boolean,
          180_000,
        );
        const exit = await kill(worker.child);
        expect(exit.signal).toBe('SIGKILL');
        timeline.push({ kill: n + 1, openedAtKill: (await opened()).length, atSeconds: seconds(started) });
        if (n === 0) alertIds.push(...(await raiseAlerts(h, ALERTS - alertIds.length)));
        // Clears while no worker runs at all: they are found after the restart (poll or boot-time reconciliation).
        if (n === 1) timeline.push({ clearedWhileDown: await clearSome(alertIds) });
        worker = processes.worker(env);
        await worker.started();
      }
      // And a last round of clears while the final worker drains the storm.
      timeline.push({ clearedAfterLastKill: await clearSome(alertIds) });

      const { result, drainSeconds } = await drainStorm(h, h.client, ids, {
        alerts: ALERTS,
        alertIds,
        cleared,
        startedMs: started,
      });
      // The poller started each delivery once: the workflow ID rejected every repeat, across all four workers.
      const status = await pollerStatus(h.client, ids.applianceId);
      expect(status.counters.deliveriesStarted).toBe(ALERTS);
      report('worker-sigkill-storm', {
        ...result,
        timeline,
        kills: KILL_AT.length,
        restarts: KILL_AT.length,
        drainSeconds,
        deliveriesStarted: status.counters.deliveriesStarted,
        polls: status.counters.polls,
      });
    } finally {
      await processes.stopAll();
      await h.sim.reset();
    }
  },
  byScale({ ci: 240_000, full: 900_000 }),
);
