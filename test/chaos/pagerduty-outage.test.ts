import { pollerStatus } from '../../src/client/poller-operations';
import { alertWorkflowId } from '../../src/shared/workflow-ids';
import { uniqueAppliance, useHarness } from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';
import { dedupKey, expectExactlyOnce } from './support/exactly-once';
import { ProcessSet } from './support/processes';
import { byScale } from './support/scale';
import {
  clearAlerts,
  incidentsOf,
  raiseAlerts,
  report,
  seconds,
  triggeredIds,
  waitForSettledDeliveries,
} from './support/storm';

const harness = useHarness();
const ALERTS = byScale({ ci: 60, full: 300 });
const OUTAGE_MS = byScale({ ci: 8_000, full: 30_000 });
const RETRY_AFTER_SECONDS = byScale({ ci: 2, full: 5 });
const THROTTLED = byScale({ ci: 20, full: 100 });
/** Longest wait between attempts after a 5xx (PAGERDUTY_RETRY_MAX_MS; 5 min by default). */
const RETRY_MAX_MS = byScale({ ci: 1000, full: 8000 });

/** The worker's "will retry" log lines: what it made of each failed send. */
function retryLines(output: string): { error: string; retryInMs?: number }[] {
  return output
    .split('\n')
    .filter((l) => l.includes('"msg":"PagerDuty send failed, will retry"'))
    .map((l) => JSON.parse(l) as { error: string; retryInMs?: number });
}

test(
  `${ALERTS} alerts through a ${OUTAGE_MS / 1000} s PagerDuty 503 outage, then ${THROTTLED} × 429 Retry-After ${RETRY_AFTER_SECONDS} s: one incident each, clears resolved after their triggers`,
  async () => {
    const h = harness();
    const ids = uniqueAppliance('chaos-pd');
    const processes = new ProcessSet();
    const opened = () => incidentsOf(h, ids.applianceId);
    const cleared: string[] = [];
    try {
      const worker = processes.worker(
        processes.workerEnv(h, ids, {
          // Waits scaled down (defaults 1 s doubling to 5 min; 30 s after a 429) so the outage fits a test run;
          // the 429 minimum stays under Retry-After so that Retry-After is what decides.
          PAGERDUTY_RETRY_BASE_MS: '100',
          PAGERDUTY_RETRY_MAX_MS: String(RETRY_MAX_MS),
          PAGERDUTY_RATE_LIMIT_MIN_DELAY_MS: '100',
        }),
      );
      await worker.started();
      // A sustained 503 outage, then a run of 429s with Retry-After; PagerDuty answers normally after both.
      await h.sim.pagerDutyFault({ status: 503, body: 'Service Unavailable', durationMs: OUTAGE_MS });
      const outageStarted = Date.now();
      await h.sim.pagerDutyFault({
        status: 429,
        retryAfterSeconds: RETRY_AFTER_SECONDS,
        count: THROTTLED,
        body: '{"status":"throttle exceeded","message":"Requests for this service are arriving too quickly.  Please retry later.","errors":["Enhance Your Calm."]}',
      });
      const alertIds = await raiseAlerts(h, ALERTS);

      // A third of the alerts clear while their triggers are still being retried: deliveries already started (the poller
      // saw the alert active) and not paged yet. Their resolves must wait for the trigger, never go first.
      await waitFor(
        'deliveries started',
        () => pollerStatus(h.client, ids.applianceId),
        (s) => s.counters.deliveriesStarted >= ALERTS / 3,
        120_000,
      );
      const alreadyPaged = new Set((await opened()).map((i) => i.dedup_key));
      const started = await Promise.all(
        alertIds.map(async (id, i) => {
          if (i % 3 !== 0 || alreadyPaged.has(dedupKey(ids.applianceId, id))) return undefined;
          return h.client.workflow
            .getHandle(alertWorkflowId(ids.applianceId, id))
            .describe()
            .then(
              () => id,
              () => undefined,
            );
        }),
      );
      const duringOutage = started.filter((id): id is string => id !== undefined);
      await clearAlerts(h, duringOutage);
      cleared.push(...duringOutage);
      const clearedAtSeconds = seconds(outageStarted);
      expect(duringOutage.length).toBeGreaterThan(0);

      // After both faults: every alert paged; then more clears, resolved on a healthy PagerDuty.
      await waitFor('every alert paged', opened, (i) => i.length === ALERTS, byScale({ ci: 120_000, full: 300_000 }));
      const pagedSeconds = seconds(outageStarted);
      const later = triggeredIds(await opened(), ids.applianceId, alertIds).filter(
        (id, i) => i % 2 === 0 && !cleared.includes(id),
      );
      await clearAlerts(h, later);
      cleared.push(...later);
      await waitFor(
        'every clear resolved',
        opened,
        (i) => i.filter((x) => x.status === 'resolved').length === cleared.length,
        120_000,
      );
      const drainSeconds = seconds(outageStarted);
      await waitForSettledDeliveries(h.client, ids.taskQueue);

      const result = expectExactlyOnce({
        applianceId: ids.applianceId,
        incidents: await opened(),
        events: await h.sim.events(),
        alertIds,
        clearedIds: cleared,
      });
      const requests = await h.sim.pagerDutyRequests();
      const answered503 = requests.filter((r) => r.status === 503).length;
      const answered429 = requests.filter((r) => r.status === 429).length;
      expect(answered503).toBeGreaterThan(0);
      expect(answered429).toBe(THROTTLED);
      // Each 429 was answered with a wait of at least its Retry-After (the activity's own wait); the 5xx waits are the
      // delivery's retry policy's alone (the activity sets none), and every alert paged within that policy's cap of the
      // outage's end.
      const retries = retryLines(worker.output());
      const rateLimited = retries.filter((r) => r.error.includes('rate-limited (429)'));
      expect(rateLimited).toHaveLength(THROTTLED);
      expect(Math.min(...rateLimited.map((r) => r.retryInMs!))).toBeGreaterThanOrEqual(RETRY_AFTER_SECONDS * 1000);
      const serverErrors = retries.filter((r) => r.error.includes('(503)'));
      expect(serverErrors.length).toBeGreaterThan(0);
      expect(serverErrors.every((r) => r.retryInMs === undefined)).toBe(true);
      expect(pagedSeconds * 1000).toBeLessThanOrEqual(OUTAGE_MS + RETRY_MAX_MS + RETRY_AFTER_SECONDS * 1000 + 30_000);
      report('pagerduty-outage', {
        ...result,
        outageMs: OUTAGE_MS,
        retryMaxMs: RETRY_MAX_MS,
        answered503,
        answered429,
        retryAfterSeconds: RETRY_AFTER_SECONDS,
        clearedBeforePaged: duringOutage.length,
        clearedAtSeconds,
        pagedSeconds,
        drainSeconds,
        requests: requests.length,
      });
    } finally {
      await processes.stopAll();
      await h.sim.reset();
    }
  },
  byScale({ ci: 180_000, full: 600_000 }),
);
