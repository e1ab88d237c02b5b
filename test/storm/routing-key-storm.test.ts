import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { controls } from '../../simulators/control-client';
import { startPagerDutySimulator, type PagerDutySimulator } from '../../simulators/pagerduty/server';
import { forcePoll } from '../../src/client/poller-operations';
import { bridgeConfig, uniqueAppliance, useHarness } from '../support/bridge-harness';
import { registerSecret } from '../support/log-capture';
import { waitFor } from '../support/wait-for';
import { appliancesFileEnv, exited, spawnWorker, workerEnv } from '../support/worker-process';

const harness = useHarness();
/** PagerDuty's own limit per routing key. */
const PAGERDUTY_PER_MINUTE = 120;
/** The bridge's PAGERDUTY_RATE_LIMIT_PER_MINUTE: the product's default. */
const BRIDGE_PER_MINUTE = 100;
/** Alerts on the appliance; each of the two appliances pages every one of them on its own routing key. */
const ALERTS = Number(process.env.STORM_ALERTS ?? 150);
const ROUTING_KEYS = ['R0UT1NGKEYF0RST0RMA0000000000001', 'R0UT1NGKEYF0RST0RMB0000000000002'];
for (const key of ROUTING_KEYS) registerSecret('storm routing key', key);

/** The most events of one routing key that arrived within any 60 s. */
function busiestMinute(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 60_000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

// About 2 minutes (`npm run test:storm`: 600 alerts per key, about 6.5): the limit is what is tested, at its real rate.
test(
  `two worker processes share a storm of ${ALERTS} alerts on each of two routing keys: Temporal keeps every key under its limit, no 429, Criticals first, both workers send`,
  async () => {
    const h = harness();
    const pagerDuty: PagerDutySimulator = await startPagerDutySimulator({ rateLimitPerMinute: PAGERDUTY_PER_MINUTE });
    const pd = controls(h.oneView.url, pagerDuty.url);
    const { taskQueue, applianceId: prefix } = uniqueAppliance('storm');
    const appliances = ROUTING_KEYS.map((_, i) => `${prefix}-${i}`);
    const dir = mkdtempSync(join(tmpdir(), 'bridge-storm-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, h.oneView.certificatePem ?? '');
    const appliancesFile = join(dir, 'appliances.json');
    writeFileSync(
      appliancesFile,
      JSON.stringify({
        appliances: appliances.map((id, i) => ({
          id,
          host: h.oneView.url,
          username: 'administrator',
          passwordEnv: 'OV_PASSWORD',
          caFile,
          routingKeyEnv: `PD_KEY_${i}`,
          severities: ['Critical', 'Warning'],
          pollIntervalSeconds: 3600,
        })),
      }),
    );
    const env = appliancesFileEnv(
      workerEnv(bridgeConfig({ oneView: h.oneView, pagerDuty }, { applianceId: appliances[0]!, taskQueue })),
      appliancesFile,
      {
        OV_PASSWORD: 'admin-password',
        PD_KEY_0: ROUTING_KEYS[0]!,
        PD_KEY_1: ROUTING_KEYS[1]!,
        PAGERDUTY_RATE_LIMIT_PER_MINUTE: String(BRIDGE_PER_MINUTE),
      },
    );
    const workers = [spawnWorker(env), spawnWorker(env)];
    const port = (w: (typeof workers)[number]) =>
      waitFor('the worker HTTP port', async () => /"httpPort":(\d+)/.exec(w.output())?.[1], Boolean, 60_000);
    try {
      await Promise.all(workers.map(port));
      await h.sim.bulkAlerts(ALERTS / 2, { severity: 'Warning' });
      await h.sim.bulkAlerts(ALERTS / 2, { severity: 'Critical' });
      for (const id of appliances) await forcePoll(h.client, id);
      const events = await waitFor(
        'every trigger accepted',
        () => pd.events(),
        (e) => e.length >= 2 * ALERTS,
        12 * 60_000,
        1000,
      );

      const stats = await pd.pagerDutyStats();
      expect(stats).toMatchObject({ accepted: 2 * ALERTS, rateLimited: 0 });
      const incidents = await pd.incidents();
      expect(incidents).toHaveLength(2 * ALERTS);
      expect(incidents.every((i) => i.opened === 1 && i.triggers === 1)).toBe(true);

      const report: Record<string, unknown> = {};
      for (const key of ROUTING_KEYS) {
        const ofKey = events.filter((e) => e.event.routing_key === key);
        const times = ofKey.map((e) => Date.parse(e.receivedAt));
        // Temporal's per-key rate keeps every minute of every key at or under the configured limit.
        const most = busiestMinute(times);
        expect(most).toBeLessThanOrEqual(BRIDGE_PER_MINUTE);
        // And it drains close to that limit's own minimum: N events at BRIDGE_PER_MINUTE a minute.
        const drainMs = Math.max(...times) - Math.min(...times);
        const floorMs = ((ALERTS - 1) / BRIDGE_PER_MINUTE) * 60_000;
        expect(drainMs).toBeLessThanOrEqual(floorMs * 1.15);
        // Within a key, Critical triggers go before Warnings (priority), but for the few dispatched before a backlog formed.
        const severities = ofKey.map((e) => (e.event.payload as { severity: string }).severity);
        const warningsBeforeLastCritical = severities
          .slice(0, severities.lastIndexOf('critical'))
          .filter((s) => s === 'warning').length;
        expect(warningsBeforeLastCritical).toBeLessThan(ALERTS / 10);
        report[key.slice(-4)] = {
          busiestMinute: most,
          drainSeconds: drainMs / 1000,
          floorSeconds: floorMs / 1000,
          warningsBeforeLastCritical,
        };
      }

      // Both workers sent: the send queue hands tasks to whichever polls, and neither process is idle.
      const sent = await Promise.all(
        workers.map(async (w) => {
          const text = await (await request(`http://127.0.0.1:${await port(w)}/metrics`)).body.text();
          return [...text.matchAll(/^pagerduty_alerts_sent_total\{[^}]*\} (\d+)/gm)].reduce(
            (sum, m) => sum + Number(m[1]),
            0,
          );
        }),
      );
      expect(sent[0]! + sent[1]!).toBe(2 * ALERTS);
      for (const share of sent) expect(share).toBeGreaterThanOrEqual(0.35 * 2 * ALERTS);
      process.stdout.write(
        `storm: ${JSON.stringify({ perKey: report, sentByWorker: sent, rateLimited: stats.rateLimited })}\n`,
      );
    } finally {
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => exited(w.child)));
      await pagerDuty.close();
      await h.sim.reset();
    }
  },
  15 * 60_000,
);
