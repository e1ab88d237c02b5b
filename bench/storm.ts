/**
 * Storm: 50 appliances × 100 alerts appear at once. First with PagerDuty unthrottled (and the bridge's per-key limit
 * off), for throughput; then with PagerDuty's real 120/min per routing key over 10 keys and the bridge at its default
 * 100/min, for a drain with zero 429s as close as possible to that limit's floor.
 */
import { join } from 'node:path';
import { simCall } from '../simulators/control-client';
import { summarizeProfiles } from './support/cpu-profile';
import {
  checkDeliveries,
  drainTiming,
  expectedKeys,
  resetSims,
  type DeliveryCheck,
  type DrainTiming,
} from './support/deliveries';
import { ProcWatch, type ProcUsage } from './support/proc';
import { ROOT, waitUntil } from './support/processes';
import { scrape, sdkLatencies, seriesSum, type Scrape } from './support/prom';
import { say } from './support/report';
import type { ScenarioContext, ScenarioResult } from './support/scenario';
import {
  fleet,
  startBridge,
  startForwarder,
  startSims,
  startTemporal,
  type BenchAppliance,
  type Sims,
} from './support/stack';
import { TEMPORAL_SERVER_NOTE } from './support/stack';
import { ratio, round } from './support/stats';

/** Appliances sharing one routing key in the storm (10 keys for 50 appliances). */
const APPLIANCES_PER_KEY = 5;

interface PartSettings {
  name: 'unthrottled' | 'throttled';
  appliances: number;
  alertsPerAppliance: number;
  /** PagerDuty simulator's limit per routing key per minute; 0 = off. */
  pagerDutyLimit: number;
  /** The worker's PAGERDUTY_RATE_LIMIT_PER_MINUTE. */
  workerLimit: number;
  timeoutMs: number;
}

interface Outcome {
  timing: DrainTiming;
  delivery: DeliveryCheck;
  rateLimited429: number;
  cpu: Record<string, ProcUsage>;
}

/** Makes the alerts appear on every appliance at once and waits until PagerDuty accepted them all. */
async function burst(
  sims: Sims,
  appliances: BenchAppliance[],
  perAppliance: number,
  trigger: () => void | Promise<unknown>,
  watch: ProcWatch,
  timeoutMs: number,
) {
  const t0 = Date.now();
  await Promise.all(appliances.map((a) => sims.sim(a.sim).bulkAlerts(perAppliance, { severity: 'Critical' })));
  await trigger();
  const total = appliances.length * perAppliance;
  await waitUntil(
    `${total} triggers accepted`,
    () => sims.pd.pagerDutyStats(),
    (s) => s.accepted >= total,
    timeoutMs,
    500,
  );
  const cpu = watch.stop();
  const keys = await expectedKeys(sims, appliances);
  const events = await sims.pd.events();
  return { t0, cpu, keys, events };
}

async function part(ctx: ScenarioContext, sims: Sims, p: PartSettings) {
  const limit = async () =>
    simCall(sims.ready.pagerDuty.url, 'POST', '/_sim/faults', { rateLimitPerMinute: p.pagerDutyLimit });
  await resetSims(sims, p.appliances);
  await limit();

  // Baseline: the forwarder polls every appliance once, at once, and posts in a plain loop (429: wait and retry).
  const direct = fleet(`direct-${p.name}`, p.appliances, APPLIANCES_PER_KEY);
  const forwarder = await startForwarder(sims, direct, 0, `forwarder-${p.name}`);
  await forwarder.poll();
  say(`storm ${p.name}: direct forwarder, ${p.appliances} × ${p.alertsPerAppliance}`);
  const fw = new ProcWatch({ forwarder: forwarder.process.pid, simulators: sims.process.pid });
  const b0 = await burst(sims, direct, p.alertsPerAppliance, () => forwarder.pollNoWait(), fw, p.timeoutMs);
  const baseline: Outcome & { forwarder: unknown } = {
    timing: drainTiming(b0.events, b0.keys, b0.t0),
    delivery: await checkDeliveries(sims, b0.keys),
    rateLimited429: (await sims.pd.pagerDutyStats()).rateLimited,
    cpu: b0.cpu,
    forwarder: await forwarder.stats(),
  };
  await forwarder.stop();
  await resetSims(sims, p.appliances);
  await limit();

  const temporal = await startTemporal(`storm-${p.name}`);
  const appliances = fleet(`storm-${p.name}`, p.appliances, APPLIANCES_PER_KEY);
  const profileDir = join(ROOT, 'bench', 'results', 'profiles', `storm-${p.name}`);
  const bridge = await startBridge({
    name: `storm-${p.name}`,
    temporal,
    sims,
    appliances,
    pollIntervalSeconds: 3600,
    rateLimitPerMinute: p.workerLimit,
    workerNodeArgs: ctx.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : undefined,
  });
  try {
    await bridge.waitForFirstPolls(
      appliances.map((a) => a.id),
      300_000,
    );
    say(`storm ${p.name}: bridge, ${p.appliances} × ${p.alertsPerAppliance}`);
    const sdk0 = await scrape(bridge.sdkMetricsUrl);
    const watch = new ProcWatch({
      worker: bridge.worker.pid,
      web: bridge.web.pid,
      temporal: temporal.pid,
      simulators: sims.process.pid,
    });
    const b1 = await burst(sims, appliances, p.alertsPerAppliance, () => bridge.forcePoll(), watch, p.timeoutMs);
    const sdk1 = await scrape(bridge.sdkMetricsUrl);
    const statuses = await bridge.statuses(appliances.map((a) => a.id));
    // Every attempt of the send activity, failed ones included: retries and 429s would show here as extra executions.
    const sends = (m: Scrape) =>
      seriesSum(m, 'temporal_activity_execution_latency_seconds_count', { activity_type: 'sendPagerDutyEvent' });
    const result = {
      timing: drainTiming(b1.events, b1.keys, b1.t0),
      delivery: await checkDeliveries(sims, b1.keys),
      rateLimited429: (await sims.pd.pagerDutyStats()).rateLimited,
      cpu: b1.cpu,
      deliveriesStarted: statuses.reduce((s, x) => s + x.counters.deliveriesStarted, 0),
      sendActivityExecutions: sends(sdk1) - sends(sdk0),
      temporalSdk: sdkLatencies(sdk0, sdk1),
    };
    await bridge.stop();
    const skip = (b1.t0 - bridge.worker.startedAt) / 1000;
    return { baseline, bridge: result, profile: ctx.profile ? summarizeProfiles(profileDir, skip) : undefined };
  } finally {
    await bridge.stop().catch(() => undefined);
    await temporal.stop().catch(() => undefined);
  }
}

/** The unthrottled storm's target: at least 75 % of Temporal's floor measured before it in the same invocation. */
function floorTarget(ctx: ScenarioContext, alertsPerSecond: number) {
  const variants = ctx.earlier.floor?.variants as Record<string, { workflowsPerSecond: number }> | undefined;
  const floor = variants?.oneActivityWorkflow?.workflowsPerSecond;
  if (floor === undefined) return { floorWorkflowsPerSecond: null, note: 'run with the floor scenario for a target' };
  return {
    floorWorkflowsPerSecond: floor,
    shareOfFloor: ratio(alertsPerSecond, floor),
    shareOfFloorAtLeast: 0.75,
    met: alertsPerSecond >= 0.75 * floor,
  };
}

/** Runs the storm scenario. */
export async function stormScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  // Experiment knobs (BENCHMARKS.md figures use the defaults): BENCH_STORM_APPLIANCES, BENCH_STORM_ALERTS, and
  // BENCH_STORM_PARTS=unthrottled|throttled to run one part only.
  const appliances = Number(process.env.BENCH_STORM_APPLIANCES ?? (ctx.quick ? 3 : 50));
  const perAppliance = Number(process.env.BENCH_STORM_ALERTS ?? (ctx.quick ? 10 : 100));
  const only = process.env.BENCH_STORM_PARTS;
  const total = appliances * perAppliance;
  const keys = Math.ceil(appliances / APPLIANCES_PER_KEY);
  const sims = await startSims(appliances, true);
  try {
    const unthrottled =
      only === 'throttled'
        ? undefined
        : await part(ctx, sims, {
            name: 'unthrottled',
            appliances,
            alertsPerAppliance: perAppliance,
            pagerDutyLimit: 0,
            workerLimit: 0,
            timeoutMs: 15 * 60_000,
          });
    // The product's default, 100 (BENCH_STORM_WORKER_LIMIT changes it).
    const pagerDutyLimit = 120;
    const workerLimit = Number(process.env.BENCH_STORM_WORKER_LIMIT ?? 100);
    const throttled =
      only === 'unthrottled'
        ? undefined
        : await part(ctx, sims, {
            name: 'throttled',
            appliances,
            alertsPerAppliance: perAppliance,
            pagerDutyLimit,
            workerLimit,
            timeoutMs: 20 * 60_000,
          });
    // The fastest any sender kept to the bridge's limit could drain; PagerDuty's own limit is the forwarder's floor.
    const limitFloorSeconds = (total / (keys * workerLimit)) * 60;
    const pagerDutyFloorSeconds = (total / (keys * pagerDutyLimit)) * 60;
    return {
      temporalServer: TEMPORAL_SERVER_NOTE,
      simulators: `separate process: ${appliances} OneView simulators (HTTPS, CA per appliance) + PagerDuty`,
      settings: {
        appliances,
        alertsPerAppliance: perAppliance,
        total,
        routingKeys: keys,
        appliancesPerKey: APPLIANCES_PER_KEY,
        trigger: 'bulk add on every simulator at once, then POST /force-poll (bridge) or one poll of all (forwarder)',
        unthrottled: { pagerDutyLimitPerMinute: 0, workerRateLimitPerMinute: 0 },
        throttled: { pagerDutyLimitPerMinute: pagerDutyLimit, workerRateLimitPerMinute: workerLimit },
        logLevel: 'INFO',
        payloadEncryption: 'on',
      },
      unthrottled: unthrottled && {
        ...unthrottled,
        ratios: {
          drainVsBaseline: ratio(unthrottled.bridge.timing.drainSeconds, unthrottled.baseline.timing.drainSeconds),
          workerCpuVsForwarderCpu: ratio(
            unthrottled.bridge.cpu.worker?.cpuSeconds,
            unthrottled.baseline.cpu.forwarder?.cpuSeconds,
          ),
          cpuMsPerAlert: {
            worker: round(((unthrottled.bridge.cpu.worker?.cpuSeconds ?? 0) * 1000) / total, 1),
            temporal: round(((unthrottled.bridge.cpu.temporal?.cpuSeconds ?? 0) * 1000) / total, 1),
            forwarder: round(((unthrottled.baseline.cpu.forwarder?.cpuSeconds ?? 0) * 1000) / total, 2),
          },
        },
        // Temporal's own floor (one-activity workflows/s) from the floor scenario of the same invocation, if it ran.
        target: floorTarget(ctx, unthrottled.bridge.timing.alertsPerSecond),
      },
      throttled: throttled && {
        ...throttled,
        limitFloorSeconds: round(limitFloorSeconds, 1),
        pagerDutyFloorSeconds: round(pagerDutyFloorSeconds, 1),
        targets: {
          zero429: throttled.bridge.rateLimited429 === 0,
          drainAtMostLimitFloorTimes: 1.15,
          drainMet: throttled.bridge.timing.drainSeconds <= 1.15 * limitFloorSeconds,
          sendExecutionsAtMostSendsTimes: 1.05,
          sendExecutionsMet: throttled.bridge.sendActivityExecutions <= 1.05 * total,
        },
        ratios: {
          drainVsLimitFloor: ratio(throttled.bridge.timing.drainSeconds, limitFloorSeconds),
          sendExecutionsPerSend: ratio(throttled.bridge.sendActivityExecutions, total),
          drainVsBaseline: ratio(throttled.bridge.timing.drainSeconds, throttled.baseline.timing.drainSeconds),
        },
      },
    };
  } finally {
    await sims.stop();
  }
}
