import { forcePoll } from '../../src/client/poller-operations';
import { controls } from '../../simulators/control-client';
import { startPagerDutySimulator, type PagerDutySimulator } from '../../simulators/pagerduty/server';
import { bridgeConfig, runBridge, uniqueAppliance, useHarness } from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';

const harness = useHarness();
const LIMIT_PER_MINUTE = 120;
/**
 * The bridge's own rate: ten events a minute under PagerDuty's, the room sends need when a loaded machine delays them
 * after their grant (at exactly 120 a CI run on a busy 2-core machine drew 22 × 429). The product's default is 100.
 */
const BRIDGE_PER_MINUTE = 110;
/** 300 in CI (three limiter windows); `npm run test:storm` runs the 600 of the issue. */
const ALERTS = Number(process.env.STORM_ALERTS ?? 300);

// About 2.5 minutes (600: 5.5): PagerDuty's limit is what is being tested, so it runs at its real rate.
test(`a storm of ${ALERTS} alerts on one routing key draws no 429 and drains within 10% of the limit, Criticals first`, async () => {
  const h = harness();
  const pagerDuty: PagerDutySimulator = await startPagerDutySimulator({ rateLimitPerMinute: LIMIT_PER_MINUTE });
  const pd = controls(h.oneView.url, pagerDuty.url);
  const ids = uniqueAppliance('storm');
  const config = bridgeConfig({ oneView: h.oneView, pagerDuty }, ids, { severities: ['Critical', 'Warning'] });
  const bridge = await runBridge(h.client, { ...config, pagerDuty: { ...config.pagerDuty, ratePerMinute: BRIDGE_PER_MINUTE } });
  try {
    await h.sim.bulkAlerts(ALERTS / 2, { severity: 'Warning' });
    await h.sim.bulkAlerts(ALERTS / 2, { severity: 'Critical' });
    await forcePoll(h.client, ids.applianceId);
    const events = await waitFor('every trigger accepted', () => pd.events(), (e) => e.length >= ALERTS, 9 * 60_000);

    const stats = await pd.pagerDutyStats();
    expect(stats).toMatchObject({ accepted: ALERTS, rateLimited: 0 });
    const incidents = await pd.incidents();
    expect(incidents).toHaveLength(ALERTS);
    expect(incidents.every((i) => i.opened === 1 && i.triggers === 1)).toBe(true);

    // The limit's minimum: N events at 120 per minute take N/120 minutes (600: 5 minutes).
    const times = events.map((e) => Date.parse(e.receivedAt));
    const drainMs = Math.max(...times) - Math.min(...times);
    const minimumMs = (ALERTS / LIMIT_PER_MINUTE) * 60_000;
    expect(drainMs).toBeLessThanOrEqual(minimumMs * 1.1);

    // Only the first window's burst, granted as requests arrived, may let Warnings ahead of Criticals.
    const severities = events.map((e) => (e.event.payload as { severity: string }).severity);
    const lastCritical = severities.lastIndexOf('critical');
    expect(severities.slice(0, lastCritical).filter((s) => s === 'warning').length).toBeLessThan(LIMIT_PER_MINUTE);
    process.stdout.write(`storm: ${ALERTS} triggers drained in ${(drainMs / 1000).toFixed(1)} s (limit's minimum ${minimumMs / 1000} s), 0 × 429\n`);
  } finally {
    await bridge.stop();
    await pagerDuty.close();
    await h.sim.reset();
  }
}, 10 * 60_000);
