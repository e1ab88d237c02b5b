/**
 * Growth: how the figures change from 10 to 100 to 1,000 appliances. Each step is short (2 minutes idle for the
 * bridge, 1 for the forwarder), then 50 pushed alerts for latency and a 1,000-alert storm spread over the fleet.
 * The per-routing-key limit off and PagerDuty unthrottled throughout, so the storm measures the bridge and not the limit.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simCall } from '../simulators/control-client';
import { drainTiming, idOf, pushedAlert, resetSims, triggersWithin } from './support/deliveries';
import { checkDeliveries, expectedKeys } from './support/deliveries';
import { measureBridgeIdle, measureForwarderIdle } from './support/idle-window';
import { plotGrowth } from './support/plot';
import { ProcWatch } from './support/proc';
import { ROOT, sleep, waitUntil } from './support/processes';
import { say } from './support/report';
import type { ScenarioContext, ScenarioResult } from './support/scenario';
import {
  dedupKey,
  fleet,
  startBridge,
  startForwarder,
  startSims,
  startTemporal,
  type BenchAppliance,
  type Sims,
} from './support/stack';
import { TEMPORAL_SERVER_NOTE } from './support/stack';
import { ratio, summarize } from './support/stats';

// 60 s, not the idle scenario's 10 s: 1,000 appliances at 10 s ask this machine's dev server for 100 polls/s, several
// times what it completes, and the backlog would grow for as long as the step runs (the idle scenario shows 500 at 10 s).
const POLL_INTERVAL = { full: 60, quick: 2 };
const SPACING_MS = 500;

/** One alert at a time, SPACING_MS apart, over the fleet; answers latency from `send`'s origin to PagerDuty. */
async function latency(
  sims: Sims,
  appliances: BenchAppliance[],
  count: number,
  send: (a: BenchAppliance, i: number) => Promise<{ key: string; t0: number }>,
) {
  const sent: { key: string; t0: number }[] = [];
  for (let i = 0; i < count; i++) {
    const started = Date.now();
    sent.push(await send(appliances[(i * 7) % appliances.length]!, i));
    await sleep(Math.max(0, SPACING_MS - (Date.now() - started)));
  }
  const arrived = await triggersWithin(
    sims,
    sent.map((s) => s.key),
    120_000 + count * 1000,
  );
  const landed = sent.filter((s) => arrived.has(s.key));
  return { ...summarize(landed.map((s) => arrived.get(s.key)! - s.t0)), notArrived: sent.length - landed.length };
}

/** Alerts appear on every appliance at once (`total` spread evenly), then `trigger`; waits for all at PagerDuty. */
async function storm(
  sims: Sims,
  appliances: BenchAppliance[],
  total: number,
  trigger: () => unknown,
  pids: Record<string, number | undefined>,
) {
  const per = Math.max(1, Math.round(total / appliances.length));
  const before = (await sims.pd.pagerDutyStats()).accepted;
  const watch = new ProcWatch(pids);
  const t0 = Date.now();
  await Promise.all(appliances.map((a) => sims.sim(a.sim).bulkAlerts(per, { severity: 'Critical' })));
  await trigger();
  const want = per * appliances.length;
  let timedOut = false;
  await waitUntil(
    `${want} storm triggers`,
    () => sims.pd.pagerDutyStats(),
    (s) => s.accepted >= before + want,
    8 * 60_000,
    500,
  ).catch(() => (timedOut = true));
  const cpu = watch.stop();
  const keys = await expectedKeys(sims, appliances);
  const timing = drainTiming(await sims.pd.events(), keys, t0);
  return { alerts: want, timedOutAfter8Minutes: timedOut, ...timing, delivery: await checkDeliveries(sims, keys), cpu };
}

async function step(ctx: ScenarioContext, sims: Sims, count: number) {
  const interval = ctx.quick ? POLL_INTERVAL.quick : POLL_INTERVAL.full;
  const idleMs = ctx.quick ? 5_000 : 120_000;
  const baselineIdleMs = ctx.quick ? 4_000 : 60_000;
  const latencyCount = ctx.quick ? 3 : 50;
  const stormTotal = ctx.quick ? 10 : 1000;
  await resetSims(sims, count);

  const direct = fleet(`direct-g${count}`, count, Math.max(1, Math.ceil(count / 10)));
  const forwarder = await startForwarder(sims, direct, interval * 1000, `forwarder-growth-${count}`);
  await waitUntil(
    'first polls of the forwarder',
    () => forwarder.stats(),
    (s) => s.polls >= count,
    300_000,
    1000,
  );
  say(`growth ${count}: direct forwarder`);
  const baselineIdle = await measureForwarderIdle(forwarder, sims, count, baselineIdleMs, interval);
  const baselineLatency = await latency(sims, direct, latencyCount, async (a) => {
    const t0 = Date.now();
    const [added] = await sims.sim(a.sim).addAlerts([{ severity: 'Critical' }]);
    forwarder.pollNoWait([a.id]);
    return { key: dedupKey(a.id, idOf(added!)), t0 };
  });
  const baselineStorm = await storm(sims, direct, stormTotal, () => forwarder.pollNoWait(), {
    forwarder: forwarder.process.pid,
    simulators: sims.process.pid,
  });
  await forwarder.stop();
  await resetSims(sims, count);

  const temporal = await startTemporal(`growth-${count}`);
  const appliances = fleet(`g${count}`, count, Math.max(1, Math.ceil(count / 10)));
  const bridge = await startBridge({
    name: `growth-${count}`,
    temporal,
    sims,
    appliances,
    pollIntervalSeconds: interval,
    rateLimitPerMinute: 0,
  });
  try {
    const bootStarted = Date.now();
    await bridge.waitForFirstPolls(
      appliances.map((a) => a.id),
      900_000,
    );
    const firstPollsSeconds = Math.round((Date.now() - bootStarted) / 1000);
    await sleep(interval * 1000);
    say(`growth ${count}: bridge`);
    const idle = await measureBridgeIdle(bridge, temporal, sims, appliances, idleMs, interval);
    let nextId = 500_000;
    const pushLatency = await latency(sims, appliances, latencyCount, async (a) => {
      const id = nextId++;
      const t0 = Date.now();
      const status = await bridge.webhook(a.id, pushedAlert(id));
      if (status !== 202) throw new Error(`webhook answered ${status}`);
      return { key: dedupKey(a.id, String(id)), t0 };
    });
    const bridgeStorm = await storm(sims, appliances, stormTotal, () => bridge.forcePoll(), {
      worker: bridge.worker.pid,
      web: bridge.web.pid,
      temporal: temporal.pid,
      simulators: sims.process.pid,
    });
    await bridge.stop();
    return {
      appliances: count,
      baseline: { idle: baselineIdle, latencyMs: baselineLatency, storm: baselineStorm },
      bridge: { firstPollsAfterBootSeconds: firstPollsSeconds, idle, pushLatencyMs: pushLatency, storm: bridgeStorm },
      ratios: {
        workerRssVsForwarderRss: ratio(idle.cpu.worker?.rssMbPeak, baselineIdle.cpu.forwarder?.rssMbPeak),
        idleWorkerCpuVsForwarderCpu: ratio(idle.cpu.worker?.cpuPercent, baselineIdle.cpu.forwarder?.cpuPercent),
        pushP99VsBaselineP99: ratio(pushLatency.p99, baselineLatency.p99),
        stormDrainVsBaseline: ratio(bridgeStorm.drainSeconds, baselineStorm.drainSeconds),
      },
    };
  } finally {
    await bridge.stop().catch(() => undefined);
    await temporal.stop().catch(() => undefined);
  }
}

/** Runs the growth scenario and draws docs/images/bench-growth.png. */
export async function growthScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  // BENCH_GROWTH_STEPS=10,100 runs some steps only (experiments; BENCHMARKS.md uses the default).
  const steps = process.env.BENCH_GROWTH_STEPS?.split(',').map(Number) ?? (ctx.quick ? [2, 3] : [10, 100, 1000]);
  const sims = await startSims(Math.max(...steps), false);
  const rows: { appliances: number; measuredAt?: string }[] = [];
  const resultFile = join(ROOT, 'bench', 'results', `growth${ctx.quick ? '.quick' : ''}.json`);
  // BENCH_GROWTH_KEEP=1 keeps the successful rows of the previous growth result for steps not run now (a re-run of
  // one step after a failure); each row says when it was measured.
  if (process.env.BENCH_GROWTH_KEEP === '1' && existsSync(resultFile)) {
    const previous = JSON.parse(readFileSync(resultFile, 'utf8')) as {
      startedAt: string;
      steps: { appliances: number; failed?: string; measuredAt?: string }[];
    };
    for (const row of previous.steps) {
      if (!row.failed && !steps.includes(row.appliances))
        rows.push({ ...row, measuredAt: row.measuredAt ?? `in the run started ${previous.startedAt}` });
    }
  }
  try {
    for (const count of steps) {
      const measuredAt = new Date().toISOString();
      // A step that fails (a fleet too big for this machine, say) is reported, and the next one still runs.
      rows.push({
        ...(await step(ctx, sims, count).catch((err: unknown) => ({
          appliances: count,
          failed: String(err).slice(0, 2000),
        }))),
        measuredAt,
      });
      rows.sort((a, b) => a.appliances - b.appliances);
      // Each finished step is on disk at once: a long run cut short still leaves its figures.
      writeFileSync(
        join(ROOT, 'bench', 'results', `growth-steps${ctx.quick ? '.quick' : ''}.json`),
        `${JSON.stringify(rows, null, 2)}\n`,
      );
    }
    await simCall(sims.ready.pagerDuty.url, 'POST', '/_sim/reset');
  } finally {
    await sims.stop();
  }
  const result = {
    temporalServer: TEMPORAL_SERVER_NOTE,
    simulators: `separate process: ${Math.max(...steps)} OneView simulators (plain HTTP) + PagerDuty (unthrottled)`,
    settings: {
      steps: rows.map((r) => r.appliances),
      pollIntervalSeconds: ctx.quick ? POLL_INTERVAL.quick : POLL_INTERVAL.full,
      bridgeIdleWindowSeconds: ctx.quick ? 5 : 120,
      baselineIdleWindowSeconds: ctx.quick ? 4 : 60,
      latencyAlerts: ctx.quick ? 3 : 50,
      stormAlerts: ctx.quick ? 10 : 1000,
      workerRateLimitPerMinute: 0,
      routingKeys: 10,
      logLevel: 'INFO',
    },
    steps: rows,
  };
  const image = ctx.quick
    ? join(ROOT, 'bench', 'results', 'bench-growth.quick.png')
    : join(ROOT, 'docs', 'images', 'bench-growth.png');
  return { ...result, plot: await plotGrowth(rows, image) };
}
