import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime } from '@temporalio/worker';
import { bridgeDataConverter } from '../../src/client/data-converter';
import { pollerSettingsFor } from '../../src/worker/ensure-pollers';
import { pollerWorkflowId } from '../../src/shared/workflow-ids';
import { statusQuery } from '../../src/workflows/messages';
import { createBridgeWorker } from '../../src/worker/create-worker';
import { createJsonLogger } from '../../src/logging/json-logger';
import { findTemporalExecutable } from '../../scripts/temporal-binaries';
import { controls } from '../../simulators/control-client';
import { startOneViewSimulator } from '../../simulators/oneview/server';
import { startPagerDutySimulator } from '../../simulators/pagerduty/server';
import { TEST_PAYLOAD_KEY, bridgeConfig, testServer, uniqueAppliance } from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';

// Hours of polling pass in seconds: the time-skipping test server jumps over the poller's timers.
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  Runtime.install({ logger: createJsonLogger('WARN') });
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: findTemporalExecutable('temporal-test-server') },
  });
});
afterAll(() => env?.teardown());

async function withPoller(
  session: { lifetimeMs: number; renewBeforeMs: number },
  pollIntervalSeconds: number,
  maxPollsPerRun: number | undefined,
  body: (ctx: {
    query: () => Promise<import('../../src/shared/types').PollerStatus>;
    sim: ReturnType<typeof controls>;
  }) => Promise<void>,
) {
  const oneView = await startOneViewSimulator({ tls: false });
  const pagerDuty = await startPagerDutySimulator();
  const sim = controls(oneView.url, pagerDuty.url);
  const ids = uniqueAppliance('lifecycle');
  const config = { ...bridgeConfig({ oneView, pagerDuty }, ids, { pollIntervalSeconds }), session };
  const client = new Client({
    connection: env.connection,
    dataConverter: bridgeDataConverter({ key: TEST_PAYLOAD_KEY }),
  });
  const bridge = await createBridgeWorker({
    config,
    connection: env.nativeConnection,
    client,
    workflowBundlePath: testServer().bundlePath,
  });
  try {
    await bridge.worker.runUntil(async () => {
      const handle = await client.workflow.start('appliancePollerWorkflow', {
        workflowId: pollerWorkflowId(ids.applianceId),
        taskQueue: ids.taskQueue,
        // The time-skipping server has no visibility queries, so reconciliation is off here (tested in e2e).
        args: [
          { settings: pollerSettingsFor(config.appliances[0]!, { ...config, reconcileIntervalMs: 0 }), maxPollsPerRun },
        ],
      });
      await body({ query: () => handle.query(statusQuery), sim });
      await handle.terminate('test done');
    });
    await bridge.closeDependencies();
    // A stopped worker leaves no session behind on the appliance.
    expect(await sim.oneViewSessions()).toHaveLength(0);
  } finally {
    await Promise.all([oneView.close(), pagerDuty.close()]);
  }
}

test('the poller renews its session ahead of expiry and logs the old one out, with no other login', async () => {
  await withPoller({ lifetimeMs: 3 * 3_600_000, renewBeforeMs: 3_600_000 }, 3600, undefined, async ({ query, sim }) => {
    const first = await waitFor('first poll', query, (s) => s.counters.polls >= 1);
    expect(first.counters.logins).toBe(1);
    // Polls at 1 h and 2 h; at 2 h the 3 h session is within its 1 h renewal margin.
    await env.sleep('2h');
    const renewed = await waitFor('the renewal', query, (s) => s.counters.polls >= 3 && s.counters.logins === 2);
    expect(renewed.sessionValid).toBe(true);
    expect(Date.parse(renewed.sessionExpiresAt!)).toBeGreaterThan(Date.parse(first.sessionExpiresAt!));
    const requests = await sim.oneViewRequests();
    expect(requests.filter((r) => r.method === 'POST' && r.path === '/rest/login-sessions')).toHaveLength(2);
    expect(
      requests.filter((r) => r.method === 'DELETE' && r.path === '/rest/login-sessions' && r.status === 204),
    ).toHaveLength(1);
    expect(await sim.oneViewSessions()).toHaveLength(1);
  });
});

test('200 polls with 3 renewals never hold more than 2 live sessions', async () => {
  // One poll a minute; a 60-minute session renewed 10 minutes early: renewals at polls 51, 101 and 151.
  // One run throughout (the default would continue-as-new at poll 100, which shifts the rhythm by a few ms).
  await withPoller({ lifetimeMs: 60 * 60_000, renewBeforeMs: 10 * 60_000 }, 60, 500, async ({ query, sim }) => {
    await waitFor('first poll', query, (s) => s.counters.polls >= 1);
    await env.sleep('199m');
    const status = await waitFor('200 polls', query, (s) => s.counters.polls >= 200, 60_000);
    expect(status.counters.polls).toBe(200);
    expect(status.counters.logins).toBe(4);
    expect(status.counters.failedPolls).toBe(0);
    const stats = await sim.oneViewStats();
    expect(stats.peakSessions).toBeLessThanOrEqual(2);
    expect(stats.liveSessions).toBe(1);
  });
});

test('by default a poller continues-as-new after 20 polls, keeping its session and counters', async () => {
  await withPoller({ lifetimeMs: 22 * 3_600_000, renewBeforeMs: 3_600_000 }, 60, undefined, async ({ query, sim }) => {
    await waitFor('first poll', query, (s) => s.counters.polls >= 1);
    await env.sleep('21m');
    const status = await waitFor('a fresh run', query, (s) => s.counters.continuedAsNew >= 1, 60_000);
    expect(status.counters.continuedAsNew).toBe(1);
    expect(status.counters.polls).toBeGreaterThanOrEqual(20);
    expect(status.counters.polls).toBeLessThan(40);
    expect(status.counters.logins).toBe(1);
    expect((await sim.oneViewStats()).liveSessions).toBe(1);
  });
});
