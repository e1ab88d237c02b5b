/**
 * Latency: from an alert appearing to PagerDuty's 202, for the webhook push path, the message-bus (SCMB) path and the
 * force-poll path of the bridge, and for the direct forwarder's poll triggered at once; and from a clear to the
 * resolve on the message bus.
 */
import { join } from 'node:path';
import { idOf, pushedAlert, resetSims, waitForEvents } from './support/deliveries';
import { ROOT, sleep, waitUntil } from './support/processes';
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
/** The message-bus appliance has one routing key to itself: 700 ms apart is 86 sends/min, under the 100/min limit. */
const BUS_SPACING_MS = 700;
/** Alerts (and then their clears) on the message bus: the count the SCMB issue asks for. */
const BUS_ALERTS = 100;

interface Sent {
  key: string;
  t0: number;
  httpMs?: number;
}

/**
 * Sends `count` changes one after another, `spacingMs` apart, and answers their latencies once PagerDuty has an event
 * of `action` for each.
 */
async function measure(
  sims: Sims,
  count: number,
  send: (i: number) => Promise<Sent>,
  spacingMs = SPACING_MS,
  action: 'trigger' | 'resolve' = 'trigger',
) {
  const sent: Sent[] = [];
  for (let i = 0; i < count; i++) {
    const started = Date.now();
    sent.push(await send(i));
    await sleep(Math.max(0, spacingMs - (Date.now() - started)));
  }
  const arrived = await waitForEvents(
    sims,
    sent.map((s) => s.key),
    60_000 + count * 500,
    action,
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
  const busCount = ctx.quick ? 8 : BUS_ALERTS;
  const warmup = ctx.quick ? 2 : 10;
  // One more appliance, with its own message bus (a RabbitMQ broker) and its own routing key.
  const sims = await startSims(APPLIANCES + 1, true, [APPLIANCES]);
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

    const onPoll = fleet('lat', APPLIANCES, 1);
    const bus: BenchAppliance = { id: 'lat-bus', sim: APPLIANCES, key: APPLIANCES };
    const appliances = [...onPoll, bus];
    const on = (i: number) => onPoll[i % APPLIANCES]!;
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
    await waitUntil(
      'the message-bus consumer to connect',
      () => b.statuses([bus.id]),
      ([s]) => s?.scmb?.connected === true,
      120_000,
      1000,
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
    const phase = async (
      name: string,
      send: (i: number) => Promise<Sent>,
      n = count,
      spacingMs = SPACING_MS,
      action: 'trigger' | 'resolve' = 'trigger',
    ) => {
      say(`latency: bridge ${name}, ${n} changes`);
      const before: Scrape = await scrape(b.sdkMetricsUrl);
      const figures = await measure(sims, n, send, spacingMs, action);
      return { ...figures, temporalSdk: sdkLatencies(before, await scrape(b.sdkMetricsUrl)) };
    };
    // Warm-up alerts go at the phase's own pace and must all have paged before measuring: sent back to back, they
    // queue behind the server's per-key limit (0.6 s apart at 100/min) and the backlog would land in the measurement.
    const warm = async (send: (i: number) => Promise<Sent>, spacingMs = SPACING_MS) => {
      await measure(sims, warmup, send, spacingMs);
      await sleep(2000);
    };
    const onBus = async (): Promise<Sent & { id: string }> => {
      const sent = await addAlert(sims, bus);
      return { ...sent, id: sent.key.slice(sent.key.lastIndexOf('/') + 1) };
    };
    const measuredFrom = Date.now();
    await warm(push);
    const pushPath = await phase('webhook push', push);
    await sleep(3000);
    const trace = await traceOnePush(b, sims, on(0), 900_001);
    // The message bus: the simulator publishes each change to its broker; nothing polls (interval 1 h, the bus's 15 min).
    await warm(onBus, BUS_SPACING_MS);
    const pollsOf = async () => (await b.statuses([bus.id]))[0]?.counters.polls ?? 0;
    const pollsBefore = await pollsOf();
    const busAlerts: string[] = [];
    const busPath = await phase(
      'message bus (SCMB) triggers',
      async () => {
        const sent = await onBus();
        busAlerts.push(sent.id);
        return sent;
      },
      busCount,
      BUS_SPACING_MS,
    );
    const pollsDuringTriggers = (await pollsOf()) - pollsBefore;
    await sleep(3000);
    const pollsBeforeClears = await pollsOf();
    const busClears = await phase(
      'message bus (SCMB) clears',
      async (i) => {
        const id = busAlerts[i]!;
        const t0 = Date.now();
        await sims.sim(bus.sim).clearAlert(id);
        return { key: dedupKey(bus.id, id), t0 };
      },
      busCount,
      BUS_SPACING_MS,
      'resolve',
    );
    // A pushed clear is a hint the poller confirms by polling the appliance: these polls are that, not the schedule.
    const pollsDuringClears = (await pollsOf()) - pollsBeforeClears;
    await sleep(3000);
    await warm(forced);
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
      simulators: `separate process: ${APPLIANCES + 1} OneView simulators (HTTPS, CA per appliance; the last with its message bus on a RabbitMQ broker of its own) + PagerDuty (unthrottled)`,
      settings: {
        alertsPerPath: count,
        warmupAlertsPerPath: warmup,
        spacingMs: SPACING_MS,
        appliances: APPLIANCES + 1,
        routingKeys: APPLIANCES + 1,
        messageBus: {
          alerts: busCount,
          spacingMs: BUS_SPACING_MS,
          origin: 'just before the alert is added to (or cleared in) the simulator, which publishes it to the broker',
          pollIntervalSeconds: 'POLL_INTERVAL 3600, SCMB stretch 900: no poll during the phase',
        },
        pollIntervalSeconds: 3600,
        workerRateLimitPerMinute: 100,
        logLevel: 'INFO',
        payloadEncryption: 'on',
        origin:
          'push: just before the webhook POST; force-poll and baseline: just before the alert is added to the simulator',
        end: "PagerDuty simulator's receivedAt of the trigger (202)",
      },
      baseline,
      bridge: {
        push: pushPath,
        scmb: { ...busPath, polls: pollsDuringTriggers },
        scmbClearToResolve: { ...busClears, confirmingPolls: pollsDuringClears },
        forcePoll: forcePollPath,
      },
      // One alert pushed into the idle bridge, its histories side by side: the task round trips of the floor.
      trace,
      ratios: {
        pushP50VsBaseline: ratio(pushPath.latencyMs.p50, baseline.latencyMs.p50),
        pushP99VsBaseline: ratio(pushPath.latencyMs.p99, baseline.latencyMs.p99),
        forcePollP50VsBaseline: ratio(forcePollPath.latencyMs.p50, baseline.latencyMs.p50),
        forcePollP99VsBaseline: ratio(forcePollPath.latencyMs.p99, baseline.latencyMs.p99),
        scmbP50VsBaseline: ratio(busPath.latencyMs.p50, baseline.latencyMs.p50),
        scmbP99VsBaseline: ratio(busPath.latencyMs.p99, baseline.latencyMs.p99),
      },
      target: {
        pushP99AtMostMs: 100,
        met: pushPath.latencyMs.p99 <= 100,
        scmbP99AtMostMs: 1000,
        scmbMet: busPath.latencyMs.p99 <= 1000,
        scmbClearToResolveAtMostMs: 1000,
        scmbClearsMet: busClears.latencyMs.max <= 1000,
      },
      ...(profile ? { workerProfile: profile } : {}),
    };
  } finally {
    await bridge?.stop().catch(() => undefined);
    await temporal.stop().catch(() => undefined);
    await sims.stop();
  }
}
