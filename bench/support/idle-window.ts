import { oneViewRequests, pollHistory, type PollHistory } from './fleet-view';
import { ProcWatch, type ProcUsage } from './proc';
import { sleep } from './processes';
import { scrape, sdkLatencies, seriesSum, type HistogramDelta, type Scrape } from './prom';
import type { BenchAppliance, Bridge, Forwarder, Sims, TemporalServer } from './stack';
import { pollerStatus } from '../../src/client/poller-operations';
import { ratio, round, summarize } from './stats';

/** An idle fleet's cost over a window. */
export interface IdleFigures {
  appliances: number;
  windowSeconds: number;
  pollIntervalSeconds: number;
  polls: number;
  /** Polls per second achieved, against appliances / interval. */
  pollsPerSecond: number;
  targetPollsPerSecond: number;
  oneViewRequests: number;
  requestsPerPoll: number | null;
  requestsByEndpoint: Record<string, number>;
  cpu: Record<string, ProcUsage>;
}

/** The bridge's idle figures, plus history events per poll and continue-as-new counts. */
export interface BridgeIdleFigures extends IdleFigures {
  continuedAsNew: number;
  histories: PollHistory[];
  temporalSdk: Record<string, HistogramDelta | undefined>;
  /** The worker's workflow cache over the window: its size at the end, and tasks that found their workflow or not. */
  workflowCache: { sizeAtEnd: number; hits: number; misses: number; forcedEvictions: number };
  /** `status` queries one at a time, after the window, to pollers spread over the fleet (most outside the cache). */
  statusQueryMs: ReturnType<typeof summarize>;
  /** Queries that failed (how long each took, and why): a worker too far behind answers none in time. */
  statusQueryFailures: string[];
}

/** Pollers queried one after another for the status latency. */
const STATUS_SAMPLE = 50;

/** Measures an idle bridge fleet: status snapshots around a CPU window, the simulators' request logs, histories. */
export async function measureBridgeIdle(
  bridge: Bridge,
  temporal: TemporalServer,
  sims: Sims,
  appliances: BenchAppliance[],
  windowMs: number,
  pollIntervalSeconds: number,
): Promise<BridgeIdleFigures> {
  const ids = appliances.map((a) => a.id);
  // Polls are counted by the worker's own SDK metrics (fetchAlertChanges executions, local or not): no status query,
  // which would be the bench's load on the worker rather than the fleet's.
  const polled = (s: Scrape) =>
    seriesSum(s, 'temporal_activity_execution_latency_seconds_count', { activity_type: 'fetchAlertChanges' }) +
    seriesSum(s, 'temporal_local_activity_execution_latency_seconds_count', { activity_type: 'fetchAlertChanges' });
  const from = Date.now();
  const m0 = await scrape(bridge.sdkMetricsUrl);
  const watch = new ProcWatch({
    worker: bridge.worker.pid,
    web: bridge.web.pid,
    temporal: temporal.pid,
    simulators: sims.process.pid,
  });
  await sleep(windowMs);
  const cpu = watch.stop();
  const to = Date.now();
  const m1 = await scrape(bridge.sdkMetricsUrl);
  const polls = polled(m1) - polled(m0);
  const requests = await oneViewRequests(sims, appliances.length, from, to);
  const sample = [...new Set([0, Math.floor(ids.length / 2), ids.length - 1])].map((i) => ids[i]!);
  const histories = await Promise.all(sample.map((id) => pollHistory(bridge.client, id, from, to)));
  const statusQueryMs: number[] = [];
  const statusFailures: string[] = [];
  for (let i = 0; i < Math.min(STATUS_SAMPLE, ids.length); i++) {
    const started = Date.now();
    try {
      await pollerStatus(bridge.client, ids[Math.floor((i * ids.length) / Math.min(STATUS_SAMPLE, ids.length))]!);
      statusQueryMs.push(Date.now() - started);
    } catch (err) {
      statusFailures.push(`${Date.now() - started} ms: ${(err as Error).message}`);
    }
  }
  // Core's counters, whatever suffix the exporter gives them.
  const counter = (m: Scrape, name: string) => seriesSum(m, name) + seriesSum(m, `${name}_total`);
  return {
    appliances: ids.length,
    windowSeconds: round((to - from) / 1000, 1),
    pollIntervalSeconds,
    polls,
    pollsPerSecond: round(polls / ((to - from) / 1000), 2),
    targetPollsPerSecond: round(ids.length / pollIntervalSeconds, 2),
    oneViewRequests: requests.total,
    requestsPerPoll: ratio(requests.total, polls),
    requestsByEndpoint: requests.byEndpoint,
    cpu,
    continuedAsNew: counter(m1, 'temporal_workflow_continue_as_new') - counter(m0, 'temporal_workflow_continue_as_new'),
    histories,
    temporalSdk: sdkLatencies(m0, m1),
    workflowCache: {
      sizeAtEnd: seriesSum(m1, 'temporal_sticky_cache_size'),
      hits: counter(m1, 'temporal_sticky_cache_hit') - counter(m0, 'temporal_sticky_cache_hit'),
      misses: counter(m1, 'temporal_sticky_cache_miss') - counter(m0, 'temporal_sticky_cache_miss'),
      forcedEvictions:
        counter(m1, 'temporal_sticky_cache_total_forced_eviction') -
        counter(m0, 'temporal_sticky_cache_total_forced_eviction'),
    },
    statusQueryMs: summarize(statusQueryMs),
    statusQueryFailures: statusFailures,
  };
}

/** Measures the forwarder polling the same kind of fleet on its own timers. */
export async function measureForwarderIdle(
  forwarder: Forwarder,
  sims: Sims,
  count: number,
  windowMs: number,
  pollIntervalSeconds: number,
): Promise<IdleFigures> {
  const p0 = (await forwarder.stats()).polls;
  const from = Date.now();
  const watch = new ProcWatch({ forwarder: forwarder.process.pid, simulators: sims.process.pid });
  await sleep(windowMs);
  const cpu = watch.stop();
  const p1 = (await forwarder.stats()).polls;
  const to = Date.now();
  const requests = await oneViewRequests(sims, count, from, to);
  return {
    appliances: count,
    windowSeconds: round((to - from) / 1000, 1),
    pollIntervalSeconds,
    polls: p1 - p0,
    pollsPerSecond: round((p1 - p0) / ((to - from) / 1000), 2),
    targetPollsPerSecond: round(count / pollIntervalSeconds, 2),
    oneViewRequests: requests.total,
    requestsPerPoll: ratio(requests.total, p1 - p0),
    requestsByEndpoint: requests.byEndpoint,
    cpu,
  };
}
