/**
 * Latency: from an alert appearing to PagerDuty's 202, for the webhook push path and the force-poll path of the
 * bridge, and for the direct forwarder's poll triggered at once.
 */
import { join } from 'node:path';
import { idOf, pushedAlert, resetSims, waitForTriggers } from './support/deliveries';
import { ROOT, sleep } from './support/processes';
import { scrape, sdkLatencies, type Scrape } from './support/prom';
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
  type Bridge,
  type Sims,
} from './support/stack';
import { TEMPORAL_SERVER_NOTE } from './support/stack';
import { ratio, summarize } from './support/stats';
import { summarizeProfiles } from './support/cpu-profile';
import { traceOnePush } from './support/trace';

/** Appliances the alerts rotate over, each with its own routing key: 30 alerts/min per key stays under the limit. */
const APPLIANCES = 4;
/** Gap between two alerts: the bench measures one alert at a time, not a queue. */
const SPACING_MS = 500;

interface Sent {
  key: string;
  t0: number;
  httpMs?: number;
}

/** Sends `count` alerts one after another, `SPACING_MS` apart, and answers their latencies once all have arrived. */
async function measure(sims: Sims, count: number, send: (i: number) => Promise<Sent>) {
  const sent: Sent[] = [];
  for (let i = 0; i < count; i++) {
    const started = Date.now();
    sent.push(await send(i));
    await sleep(Math.max(0, SPACING_MS - (Date.now() - started)));
  }
  const arrived = await waitForTriggers(
    sims,
    sent.map((s) => s.key),
    60_000 + count * 500,
  );
  const latencies = sent.map((s) => arrived.get(s.key)! - s.t0);
  const http = sent.filter((s) => s.httpMs !== undefined).map((s) => s.httpMs!);
  return { latencyMs: summarize(latencies), ...(http.length > 0 ? { requestMs: summarize(http) } : {}) };
}

/** Adds one Critical alert to an appliance's simulator and answers its dedup key and when it appeared. */
async function addAlert(sims: Sims, a: BenchAppliance): Promise<Sent> {
  const t0 = Date.now();
  const [added] = await sims.sim(a.sim).addAlerts([{ severity: 'Critical' }]);
  return { key: dedupKey(a.id, idOf(added!)), t0 };
}

/** Runs the latency scenario. */
export async function latencyScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const count = ctx.quick ? 8 : 200;
  const warmup = ctx.quick ? 2 : 10;
  const sims = await startSims(APPLIANCES, true);
  const temporal = await startTemporal('latency');
  let bridge: Bridge | undefined;
  try {
    // Baseline: the forwarder's poll, triggered the moment the alert exists.
    const direct = fleet('direct-lat', APPLIANCES, 1);
    const forwarder = await startForwarder(sims, direct, 0);
    await forwarder.poll();
    const at = (i: number) => direct[i % APPLIANCES]!;
    for (let i = 0; i < warmup; i++) await addAlert(sims, at(i)).then(() => forwarder.poll([at(i).id]));
    say(`latency: direct forwarder, ${count} alerts`);
    const baseline = await measure(sims, count, async (i) => {
      const sent = await addAlert(sims, at(i));
      forwarder.pollNoWait([at(i).id]);
      return sent;
    });
    await forwarder.stop();
    await resetSims(sims, APPLIANCES);

    const appliances = fleet('lat', APPLIANCES, 1);
    const on = (i: number) => appliances[i % APPLIANCES]!;
    bridge = await startBridge({
      name: 'latency',
      temporal,
      sims,
      appliances,
      // Only forced polls and pushes: no scheduled poll lands inside the measurement.
      pollIntervalSeconds: 3600,
      // The product's default per-routing-key limit: the server paces every send, and this measures what that costs.
      rateLimitPerMinute: 100,
      workerNodeArgs: ctx.profile
        ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench', 'results', 'profiles', 'latency')}`]
        : undefined,
    });
    const b = bridge;
    await b.waitForFirstPolls(
      appliances.map((a) => a.id),
      120_000,
    );
    let nextId = 100_000;
    const push = async (i: number): Promise<Sent> => {
      const id = nextId++;
      const t0 = Date.now();
      const status = await b.webhook(on(i).id, pushedAlert(id));
      if (status !== 202) throw new Error(`webhook answered ${status}`);
      return { key: dedupKey(on(i).id, String(id)), t0, httpMs: Date.now() - t0 };
    };
    const forced = async (i: number): Promise<Sent> => {
      const sent = await addAlert(sims, on(i));
      const started = Date.now();
      const status = await b.forcePoll(on(i).id);
      if (status !== 202) throw new Error(`force-poll answered ${status}`);
      return { ...sent, httpMs: Date.now() - started };
    };
    const phase = async (name: string, send: (i: number) => Promise<Sent>) => {
      for (let i = 0; i < warmup; i++) await send(i);
      await sleep(2000);
      say(`latency: bridge ${name}, ${count} alerts`);
      const before: Scrape = await scrape(b.sdkMetricsUrl);
      const figures = await measure(sims, count, send);
      return { ...figures, temporalSdk: sdkLatencies(before, await scrape(b.sdkMetricsUrl)) };
    };
    const measuredFrom = Date.now();
    const pushPath = await phase('webhook push', push);
    await sleep(3000);
    const trace = await traceOnePush(b, sims, on(0), 900_001);
    const forcePollPath = await phase('force-poll', forced);
    await b.stop();
    bridge = undefined;
    const profile = ctx.profile
      ? summarizeProfiles(
          join(ROOT, 'bench', 'results', 'profiles', 'latency'),
          (measuredFrom - b.worker.startedAt) / 1000,
        )
      : undefined;

    return {
      temporalServer: TEMPORAL_SERVER_NOTE,
      simulators: `separate process: ${APPLIANCES} OneView simulators (HTTPS, CA per appliance) + PagerDuty (unthrottled)`,
      settings: {
        alertsPerPath: count,
        warmupAlertsPerPath: warmup,
        spacingMs: SPACING_MS,
        appliances: APPLIANCES,
        routingKeys: APPLIANCES,
        pollIntervalSeconds: 3600,
        workerRateLimitPerMinute: 100,
        logLevel: 'INFO',
        payloadEncryption: 'on',
        origin:
          'push: just before the webhook POST; force-poll and baseline: just before the alert is added to the simulator',
        end: "PagerDuty simulator's receivedAt of the trigger (202)",
      },
      baseline,
      bridge: { push: pushPath, forcePoll: forcePollPath },
      // One alert pushed into the idle bridge, its histories side by side: the task round trips of the floor.
      trace,
      ratios: {
        pushP50VsBaseline: ratio(pushPath.latencyMs.p50, baseline.latencyMs.p50),
        pushP99VsBaseline: ratio(pushPath.latencyMs.p99, baseline.latencyMs.p99),
        forcePollP50VsBaseline: ratio(forcePollPath.latencyMs.p50, baseline.latencyMs.p50),
        forcePollP99VsBaseline: ratio(forcePollPath.latencyMs.p99, baseline.latencyMs.p99),
      },
      target: { pushP99AtMostMs: 100, met: pushPath.latencyMs.p99 <= 100 },
      ...(profile ? { workerProfile: profile } : {}),
    };
  } finally {
    await bridge?.stop().catch(() => undefined);
    await temporal.stop().catch(() => undefined);
    await sims.stop();
  }
}
