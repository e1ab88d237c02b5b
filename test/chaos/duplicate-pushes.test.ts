import { pollerStatus } from '../../src/client/poller-operations';
import { uniqueAppliance, useHarness } from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';
import { WEBHOOK_TOKEN, operatorAuth } from '../support/web-process';
import { expectExactlyOnce } from './support/exactly-once';
import { ProcessSet } from './support/processes';
import { byScale } from './support/scale';
import { idOf, incidentsOf, report, seconds, waitForSettledDeliveries } from './support/storm';

const harness = useHarness();
const ALERTS = byScale({ ci: 60, full: 300 });
/** Webhook calls and force-polls in flight at once. */
const CONCURRENCY = 8;

/** Runs tasks with at most `limit` in flight, in a shuffled but seeded order, and answers their results. */
async function runInterleaved<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  // A fixed shuffle (seeded LCG) so that pushes, array pushes, SCMB messages and force-polls interleave reproducibly.
  let seed = 42;
  const order = tasks.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < order.length) {
        const index = order[next++]!;
        results[index] = await tasks[index]!();
      }
    }),
  );
  return results;
}

test(
  `${ALERTS} alerts pushed through the webhook two and three times while force-polls find them too: one incident each, one resolve per clear`,
  async () => {
    const h = harness();
    const ids = uniqueAppliance('chaos-dup');
    const processes = new ProcessSet();
    const opened = () => incidentsOf(h, ids.applianceId);
    try {
      // Polls happen only when asked (or pushed to): the interval is an hour.
      const worker = processes.worker(processes.workerEnv(h, ids, { POLL_INTERVAL: '3600' }));
      await worker.started();
      await waitFor(
        'the boot poll',
        () => pollerStatus(h.client, ids.applianceId),
        (s) => s.counters.polls >= 1,
        60_000,
      );
      const web = await processes.web(ids.taskQueue, {
        WEB_RATE_LIMIT_PER_MINUTE: '100000',
        WEB_RATE_LIMIT_BURST: '100000',
      });
      const auth = { authorization: `Bearer ${WEBHOOK_TOKEN}` };
      const webhook = `/oneview-webhook?appliance=${ids.applianceId}`;
      const push = (body: unknown) => async () => (await web.call('POST', webhook, { body, headers: auth })).status;
      const forcePoll = async () =>
        (await web.call('POST', `/force-poll?appliance=${ids.applianceId}`, { headers: operatorAuth })).status;
      const scmb = (alert: { uri: string }, newState: string) => ({
        resource: alert,
        changeType: 'Updated',
        newState,
        resourceUri: alert.uri,
      });

      /** Every alert alone, again in arrays of ten, every third once more as an SCMB message, and a force-poll every fifth call. */
      const storm = (alerts: { uri: string }[], state: string) => {
        const tasks: (() => Promise<number>)[] = alerts.map((a) => push(a));
        for (let i = 0; i < alerts.length; i += 10) tasks.push(push(alerts.slice(i, i + 10)));
        alerts.forEach((a, i) => i % 3 === 0 && tasks.push(push(scmb(a, state))));
        const pushes = tasks.length;
        for (let i = 0; i < pushes; i += 5) tasks.push(forcePoll);
        return { tasks, pushes, forcePolls: tasks.length - pushes };
      };

      const started = Date.now();
      const alerts = await h.sim.addAlerts(Array.from({ length: ALERTS }, () => ({ severity: 'Critical' })));
      const raise = storm(alerts, 'Active');
      expect(new Set(await runInterleaved(raise.tasks, CONCURRENCY))).toEqual(new Set([202]));
      await waitFor('every alert paged', opened, (i) => i.length === ALERTS, 120_000);
      const pagedSeconds = seconds(started);

      // Half of them clear: pushed as cleared resources and SCMB messages while force-polls find the clears as well.
      const clearedAt = Date.now();
      const toClear = alerts.filter((_, i) => i % 2 === 0);
      const clearedResources = await Promise.all(
        toClear.map((a) => h.sim.clearAlert(idOf(a.uri)) as Promise<{ uri: string }>),
      );
      const clear = storm(clearedResources, 'Cleared');
      expect(new Set(await runInterleaved(clear.tasks, CONCURRENCY))).toEqual(new Set([202]));
      await waitFor(
        'every clear resolved',
        opened,
        (i) => i.filter((x) => x.status === 'resolved').length === toClear.length,
        120_000,
      );
      const resolvedSeconds = seconds(clearedAt);
      await waitForSettledDeliveries(h.client, ids.taskQueue);

      const result = expectExactlyOnce({
        applianceId: ids.applianceId,
        incidents: await opened(),
        events: await h.sim.events(),
        alertIds: alerts.map((a) => idOf(a.uri)),
        clearedIds: toClear.map((a) => idOf(a.uri)),
      });
      const status = await pollerStatus(h.client, ids.applianceId);
      expect(status.counters.deliveriesStarted).toBe(ALERTS);
      report('duplicate-pushes', {
        ...result,
        webhookCalls: raise.pushes + clear.pushes,
        forcePolls: raise.forcePolls + clear.forcePolls,
        alertsSeenByPoller: status.counters.alertsSeen,
        polls: status.counters.polls,
        pagedSeconds,
        resolvedSeconds,
      });
    } finally {
      await processes.stopAll();
      await h.sim.reset();
    }
  },
  byScale({ ci: 180_000, full: 600_000 }),
);
