import type { Client } from '@temporalio/client';
import type { Gauge } from 'prom-client';
import { runningDeliveriesQuery } from '../shared/visibility-query';
import { parseAlertWorkflowId } from '../shared/workflow-ids';

/** A scrape never waits longer than this for visibility; the previous counts are served meanwhile. */
const QUERY_TIMEOUT_MS = 5_000;

/** Counts are refreshed at most this often, however many Prometheus servers scrape. */
const REFRESH_EVERY_MS = 15_000;

/**
 * Fills `processed_alerts_count` and the oldest open delivery's start time at scrape time from Temporal visibility: one
 * listing of the running deliveries of the task queue, grouped by appliance. Visibility is the truth here (the
 * workflows are the open alerts), so every replica reports the same numbers and nothing has to be carried between
 * workers.
 */
export function trackOpenDeliveries(
  gauges: { open: Gauge<'appliance'>; oldest: Gauge<'appliance'> },
  client: Client,
  taskQueue: string,
  appliances: readonly string[],
): void {
  let refreshedAt = 0;
  let refreshing: Promise<void> | undefined;
  const refresh = async () => {
    const counts = new Map<string, number>(appliances.map((id) => [id, 0]));
    const oldest = new Map<string, number>();
    const query = runningDeliveriesQuery(taskQueue);
    for await (const execution of client.workflow.list({ query })) {
      const appliance = parseAlertWorkflowId(execution.workflowId)?.applianceId;
      if (appliance === undefined) continue;
      counts.set(appliance, (counts.get(appliance) ?? 0) + 1);
      const started = execution.startTime.getTime();
      if (started < (oldest.get(appliance) ?? Infinity)) oldest.set(appliance, started);
    }
    gauges.open.reset();
    for (const [appliance, count] of counts) gauges.open.set({ appliance }, count);
    gauges.oldest.reset();
    for (const [appliance, started] of oldest) gauges.oldest.set({ appliance }, started / 1000);
    refreshedAt = Date.now();
  };
  // prom-client awaits an async collect() before rendering a metric; both gauges share one refresh.
  const collect = async () => {
    if (Date.now() - refreshedAt < REFRESH_EVERY_MS) return;
    refreshing ??= refresh().finally(() => (refreshing = undefined));
    await Promise.race([
      refreshing.catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, QUERY_TIMEOUT_MS).unref()),
    ]);
  };
  for (const gauge of [gauges.open, gauges.oldest])
    (gauge as unknown as { collect?: () => Promise<void> }).collect = collect;
}
