/**
 * Idle fleet: 500 appliances polled every 10 s for 5 minutes with no alert changes — the worker's memory and CPU,
 * OneView requests per poll, history events per idle poll, continue-as-new — beside the forwarder polling the same.
 */
import { join } from 'node:path';
import { summarizeProfiles } from './support/cpu-profile';
import { measureBridgeIdle, measureForwarderIdle } from './support/idle-window';
import { ROOT, sleep, waitUntil } from './support/processes';
import { say } from './support/report';
import type { ScenarioContext, ScenarioResult } from './support/scenario';
import { fleet, startBridge, startForwarder, startSims, startTemporal } from './support/stack';
import { TEMPORAL_SERVER_NOTE } from './support/stack';
import { ratio } from './support/stats';

const POLL_INTERVAL = { full: 10, quick: 2 };

/** The worker's RSS target: 250 MB up to 500 appliances, 300 MB beyond (the cache bounds it, not the fleet). */
function rssTarget(appliances: number): number {
  return appliances <= 500 ? 250 : 300;
}

/** Runs the idle-fleet scenario. */
export async function idleScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const count = Number(process.env.BENCH_IDLE_APPLIANCES ?? (ctx.quick ? 10 : 500));
  const interval = Number(
    process.env.BENCH_IDLE_INTERVAL_SECONDS ?? (ctx.quick ? POLL_INTERVAL.quick : POLL_INTERVAL.full),
  );
  const windowMs = Number(process.env.BENCH_IDLE_WINDOW_SECONDS ?? (ctx.quick ? 6 : 5 * 60)) * 1000;
  const baselineWindowMs = Math.min(windowMs, ctx.quick ? 5_000 : 2 * 60_000);
  const sims = await startSims(count, false);
  try {
    const direct = fleet('direct-idle', count, 50);
    const forwarder = await startForwarder(sims, direct, interval * 1000, 'forwarder-idle');
    await waitUntil(
      'every appliance polled once by the forwarder',
      () => forwarder.stats(),
      (s) => s.polls >= count,
      120_000,
      1000,
    );
    say(`idle: direct forwarder, ${count} appliances, ${baselineWindowMs / 1000} s`);
    const baseline = await measureForwarderIdle(forwarder, sims, count, baselineWindowMs, interval);
    await forwarder.stop();
    for (let i = 0; i < count; i++) await sims.sim(i).resetOneView();

    const temporal = await startTemporal('idle');
    const appliances = fleet('idle', count, 50);
    const profileDir = join(ROOT, 'bench', 'results', 'profiles', 'idle');
    const bridge = await startBridge({
      name: 'idle',
      temporal,
      sims,
      appliances,
      pollIntervalSeconds: interval,
      rateLimitPerMinute: 100,
      workerNodeArgs: ctx.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : undefined,
    });
    try {
      await bridge.waitForFirstPolls(
        appliances.map((a) => a.id),
        600_000,
      );
      // One more interval, so every poller is in its steady rhythm (first polls log in and reconcile).
      await sleep(interval * 1000);
      say(`idle: bridge, ${count} appliances, ${windowMs / 1000} s`);
      const measuredFrom = Date.now();
      const figures = await measureBridgeIdle(bridge, temporal, sims, appliances, windowMs, interval);
      await bridge.stop();
      return {
        temporalServer: TEMPORAL_SERVER_NOTE,
        simulators: `separate process: ${count} OneView simulators (plain HTTP: generating ${count} certificates would take minutes) + PagerDuty`,
        settings: {
          appliances: count,
          pollIntervalSeconds: interval,
          bridgeWindowSeconds: windowMs / 1000,
          baselineWindowSeconds: baselineWindowMs / 1000,
          workerRateLimitPerMinute: 100,
          logLevel: 'INFO',
        },
        baseline,
        bridge: figures,
        targets: {
          workerRssAtMostMb: rssTarget(count),
          workerRssMet: (figures.cpu.worker?.rssMbPeak ?? Infinity) <= rssTarget(count),
          statusQueryUnderMs: 1000,
          statusQueryMet: figures.statusQueryFailures.length === 0 && figures.statusQueryMs.max < 1000,
          requestsPerPoll: 1,
          requestsPerPollMet: figures.requestsPerPoll === 1,
          historyEventsPerIdlePollAtMost: 10,
          historyEventsMet: figures.histories.every((h) => h.eventsPerPollMedian <= 10),
        },
        ratios: {
          workerRssVsForwarderRss: ratio(figures.cpu.worker?.rssMbPeak, baseline.cpu.forwarder?.rssMbPeak),
          workerCpuVsForwarderCpu: ratio(figures.cpu.worker?.cpuPercent, baseline.cpu.forwarder?.cpuPercent),
          bridgeTotalCpuVsForwarderCpu: ratio(
            (figures.cpu.worker?.cpuPercent ?? 0) +
              (figures.cpu.web?.cpuPercent ?? 0) +
              (figures.cpu.temporal?.cpuPercent ?? 0),
            baseline.cpu.forwarder?.cpuPercent,
          ),
        },
        ...(ctx.profile
          ? { workerProfile: summarizeProfiles(profileDir, (measuredFrom - bridge.worker.startedAt) / 1000) }
          : {}),
      };
    } finally {
      await bridge.stop().catch(() => undefined);
      await temporal.stop().catch(() => undefined);
    }
  } finally {
    await sims.stop();
  }
}
