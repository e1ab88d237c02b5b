import { appendFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { waitFor } from '../../support/wait-for';
import type { Harness } from '../../support/bridge-harness';
import type { Incident } from '../../../simulators/pagerduty/server';
import { runningDeliveriesQuery } from '../../../src/shared/visibility-query';
import { dedupKey, expectExactlyOnce } from './exactly-once';
import { CHAOS_SCALE } from './scale';
import { idOf } from '../../support/alert-id';

/** The id of a OneView alert: the last segment of its URI. */
export { idOf };

/** Raises `count` alerts on the simulated appliance (in requests of at most 250) and answers their ids. */
export async function raiseAlerts(
  h: Harness,
  count: number,
  template: Record<string, unknown> = { severity: 'Critical' },
): Promise<string[]> {
  const ids: string[] = [];
  for (let done = 0; done < count; done += 250) {
    const batch = Array.from({ length: Math.min(250, count - done) }, () => ({ ...template }));
    ids.push(...(await h.sim.addAlerts(batch)).map((a) => idOf(a.uri)));
  }
  return ids;
}

/** Clears alerts on the simulated appliance, as OneView does when the hardware recovers; a few at a time. */
export async function clearAlerts(h: Harness, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 20) await Promise.all(ids.slice(i, i + 20).map((id) => h.sim.clearAlert(id)));
}

/** The appliance's incidents in the PagerDuty simulator. */
export async function incidentsOf(h: Harness, applianceId: string): Promise<Incident[]> {
  const prefix = dedupKey(applianceId, '');
  return (await h.sim.incidents()).filter((i) => i.dedup_key.startsWith(prefix));
}

/** Alert ids (of `among`) whose incident is open right now: safe to clear, since their trigger has already happened. */
export function triggeredIds(incidents: Incident[], applianceId: string, among: readonly string[]): string[] {
  const open = new Set(incidents.filter((i) => i.status === 'triggered').map((i) => i.dedup_key));
  return among.filter((id) => open.has(dedupKey(applianceId, id)));
}

/**
 * Waits until no delivery on the task queue has a send pending or scheduled (every running one is `triggered`, waiting
 * for its clear): only then can a late re-sent trigger or a second resolve no longer arrive after the final check.
 */
export async function waitForSettledDeliveries(client: Client, taskQueue: string, timeoutMs = 120_000): Promise<void> {
  const query = `${runningDeliveriesQuery(taskQueue)} AND DeliveryState != 'triggered'`;
  await waitFor(
    'every delivery settled (no send pending)',
    async () => (await client.workflow.count(query)).count,
    (n) => n === 0,
    timeoutMs,
  );
}

/** Milliseconds since a start, rounded to tenths of a second for reports. */
export function seconds(sinceMs: number): number {
  return Math.round((Date.now() - sinceMs) / 100) / 10;
}

/**
 * Prints one scenario's numbers as a JSON line (`chaos <scale> <scenario> {...}`) and, when CHAOS_REPORT_FILE is set,
 * appends them there too, so a run can be summarised.
 */
export function report(scenario: string, numbers: Record<string, unknown>): void {
  const line = JSON.stringify({ scenario, scale: CHAOS_SCALE, ...numbers });
  process.stdout.write(`chaos ${CHAOS_SCALE} ${scenario} ${line}\n`);
  if (process.env.CHAOS_REPORT_FILE) appendFileSync(process.env.CHAOS_REPORT_FILE, `${line}\n`);
}

/**
 * Ends a storm: waits until `alerts` incidents are open and every clear resolved, then until no send is pending, and
 * runs the exactly-once check; the drain time counts from `startedMs` to the last page.
 */
export async function drainStorm(
  h: Harness,
  client: Client,
  ids: { applianceId: string; taskQueue: string },
  storm: { alerts: number; alertIds: string[]; cleared: string[]; startedMs: number },
) {
  const opened = () => incidentsOf(h, ids.applianceId);
  await waitFor(
    'every alert opened and every clear resolved',
    opened,
    (i) => i.length === storm.alerts && i.filter((x) => x.status === 'resolved').length === storm.cleared.length,
    240_000,
  );
  const drainSeconds = seconds(storm.startedMs);
  await waitForSettledDeliveries(client, ids.taskQueue);
  const result = expectExactlyOnce({
    applianceId: ids.applianceId,
    incidents: await opened(),
    events: await h.sim.events(),
    alertIds: storm.alertIds,
    clearedIds: storm.cleared,
  });
  return { result, drainSeconds };
}
