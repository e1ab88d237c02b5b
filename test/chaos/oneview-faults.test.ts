import { pollerStatus } from '../../src/client/poller-operations';
import { uniqueAppliance, useHarness } from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';
import { dedupKey, expectExactlyOnce } from './support/exactly-once';
import { ProcessSet } from './support/processes';
import { byScale } from './support/scale';
import { clearAlerts, incidentsOf, raiseAlerts, report, seconds, waitForSettledDeliveries } from './support/storm';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';

const harness = useHarness();
/** Alerts raised in each phase. */
const PER_PHASE = byScale({ ci: 10, full: 40 });
const POLL_INTERVAL_SECONDS = 2;

/** The worker's "poll failed" log lines (one per failed poll, after the activity's three attempts). */
function failedPollErrors(output: string): string[] {
  return output
    .split('\n')
    .filter((l) => l.includes('"msg":"poll failed; retrying at the next interval"'))
    .map((l) => (JSON.parse(l) as { error: string }).error);
}

test(
  'invalidated sessions, an HTML 502 from a proxy, then refused connections and timeouts: alerts raised meanwhile page after recovery without forcePoll',
  async () => {
    const h = harness();
    const ids = uniqueAppliance('chaos-ov');
    const processes = new ProcessSet();
    const simulator = new URL(h.oneView.url);
    let proxy: TcpProxy | undefined;
    const opened = () => incidentsOf(h, ids.applianceId);
    const allPaged = (alertIds: string[]) => (incidents: Awaited<ReturnType<typeof opened>>) => {
      const keys = new Set(incidents.map((i) => i.dedup_key));
      return alertIds.every((id) => keys.has(dedupKey(ids.applianceId, id)));
    };
    const phases: Record<string, unknown> = {};
    try {
      // The worker reaches the appliance only through the proxy; TLS passes through, and the simulator's certificate
      // names 127.0.0.1, so verification stays on (ONEVIEW_CACERT).
      proxy = await startTcpProxy({ host: simulator.hostname, port: Number(simulator.port) });
      const worker = processes.worker(
        processes.workerEnv(h, ids, {
          ONEVIEW_HOST: `https://127.0.0.1:${proxy.port}`,
          POLL_INTERVAL: String(POLL_INTERVAL_SECONDS),
        }),
      );
      const status = () => pollerStatus(h.client, ids.applianceId);

      // A. Baseline.
      const baseline = await raiseAlerts(h, PER_PHASE);
      await worker.started();
      await waitFor('the baseline paged', opened, allPaged(baseline), 60_000);
      const loginsBefore = (await status()).counters.logins;

      // B. The appliance forgets every session (a restart, an administrator): one 401, one new login, no loop.
      let since = Date.now();
      await h.sim.oneViewFault({ invalidateSessions: true });
      const afterInvalidation = await raiseAlerts(h, PER_PHASE);
      await waitFor(
        'alerts raised after the sessions were invalidated paged',
        opened,
        allPaged(afterInvalidation),
        60_000,
      );
      const unauthorized = (await h.sim.oneViewRequests()).filter(
        (r) => r.status === 401 && Date.parse(r.at) >= since - 5,
      );
      expect(unauthorized.length).toBeGreaterThanOrEqual(1);
      expect((await status()).counters.logins).toBe(loginsBefore + 1);
      phases.sessionsInvalidated = { pagedSeconds: seconds(since), answered401: unauthorized.length, newLogins: 1 };

      // C. A proxy in front of the appliance answers an HTML 502 page to one poll's three attempts.
      since = Date.now();
      await h.sim.oneViewFault({ status: 502, html: true, count: 3, pathPrefix: '/rest/alerts' });
      const afterHtml = await raiseAlerts(h, PER_PHASE);
      await waitFor(
        'a poll failed on the HTML page',
        async () => failedPollErrors(worker.output()),
        (e) => e.some((x) => x.includes('HTML page')),
        60_000,
      );
      await waitFor('alerts raised behind the HTML 502 paged', opened, allPaged(afterHtml), 60_000);
      phases.html502 = {
        pagedSeconds: seconds(since),
        error: failedPollErrors(worker.output()).find((x) => x.includes('HTML page')),
      };

      // D. The appliance becomes unreachable: connections refused, then accepted and never answered. Alerts raised and
      // cleared meanwhile must be handled once it is back, by the poller's own schedule (no forcePoll).
      const outageStarted = Date.now();
      await proxy.setMode('refuse');
      const duringOutage = await raiseAlerts(h, PER_PHASE);
      const clearedDuringOutage = baseline.filter((_, i) => i % 2 === 0);
      await clearAlerts(h, clearedDuringOutage);
      await waitFor(
        'a poll failed with connections refused',
        async () => failedPollErrors(worker.output()),
        (e) => e.some((x) => x.includes('ECONNREFUSED')),
        60_000,
      );
      await proxy.setMode('blackhole');
      if (byScale({ ci: false, full: true })) {
        // A whole poll of three timed-out attempts (10 s connect timeout each).
        await waitFor(
          'a poll failed with timeouts',
          async () => failedPollErrors(worker.output()),
          (e) => e.some((x) => x.includes('timed out')),
          120_000,
        );
      } else {
        // One attempt that gave up on its own connect timeout.
        await waitFor(
          'the worker giving up on an unanswered connection',
          async () => proxy!.stats().abandonedByClient,
          (a) => a.length >= 1,
          60_000,
        );
      }
      const before = await status();
      await proxy.setMode('pass');
      const recovered = Date.now();
      await waitFor(
        'alerts raised during the outage paged and its clears resolved',
        opened,
        (i) =>
          allPaged(duringOutage)(i) && i.filter((x) => x.status === 'resolved').length === clearedDuringOutage.length,
        120_000,
      );
      const recoverySeconds = seconds(recovered);
      const after = await status();
      expect(after.counters.failedPolls).toBeGreaterThanOrEqual(2);
      const stats = proxy.stats();
      phases.unreachable = {
        outageSeconds: Math.round((recovered - outageStarted) / 100) / 10,
        recoverySeconds,
        consecutiveFailuresAtRecovery: before.consecutiveFailures,
        blackholedConnections: stats.blackholed,
        connectTimeoutsMs: stats.abandonedByClient,
        pollErrors: failedPollErrors(worker.output()),
        forcePoll: false,
      };

      await waitForSettledDeliveries(h.client, ids.taskQueue);
      const alertIds = [...baseline, ...afterInvalidation, ...afterHtml, ...duringOutage];
      const result = expectExactlyOnce({
        applianceId: ids.applianceId,
        incidents: await opened(),
        events: await h.sim.events(),
        alertIds,
        clearedIds: clearedDuringOutage,
      });
      expect(after.counters.deliveriesStarted).toBe(alertIds.length);
      report('oneview-faults', {
        ...result,
        phases,
        polls: after.counters.polls,
        failedPolls: after.counters.failedPolls,
        logins: after.counters.logins,
      });
    } finally {
      await processes.stopAll();
      await proxy?.close();
      await h.sim.reset();
    }
  },
  byScale({ ci: 240_000, full: 600_000 }),
);
