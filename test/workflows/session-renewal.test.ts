import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime } from '@temporalio/worker';
import { pollerSettingsFor } from '../../src/client/ensure-pollers';
import { bridgeDataConverter } from '../../src/client/data-converter';
import { statusQuery } from '../../src/workflows/messages';
import { pollerWorkflowId } from '../../src/shared/workflow-ids';
import { createBridgeWorker } from '../../src/worker/create-worker';
import { createJsonLogger } from '../../src/worker/json-logger';
import { startOneViewSimulator } from '../../simulators/oneview/server';
import { startPagerDutySimulator } from '../../simulators/pagerduty/server';
import { findTemporalExecutable } from '../../scripts/temporal-binaries';
import { TEST_PAYLOAD_KEY, bridgeConfig, testServer, uniqueAppliance } from '../support/bridge-harness';
import { controls } from '../../simulators/control-client';
import { waitFor } from '../support/wait-for';

// Hours of session lifetime pass in seconds here: the time-skipping test server jumps over the poller's timers.
test('the poller renews its session ahead of expiry and logs the old one out, with no other login', async () => {
  Runtime.install({ logger: createJsonLogger('WARN') });
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: findTemporalExecutable('temporal-test-server') } });
  const oneView = await startOneViewSimulator({ tls: false });
  const pagerDuty = await startPagerDutySimulator();
  const sim = controls(oneView.url, pagerDuty.url);
  try {
    const ids = uniqueAppliance('renewal');
    const config = {
      ...bridgeConfig({ oneView, pagerDuty }, ids, { pollIntervalSeconds: 3600 }),
      session: { lifetimeMs: 3 * 3_600_000, renewBeforeMs: 3_600_000 },
    };
    const bridge = await createBridgeWorker({ config, connection: env.nativeConnection, workflowBundlePath: testServer().bundlePath });
    await bridge.worker.runUntil(async () => {
      const client = new Client({ connection: env.connection, dataConverter: bridgeDataConverter({ key: TEST_PAYLOAD_KEY }) });
      const handle = await client.workflow.start('appliancePollerWorkflow', {
        workflowId: pollerWorkflowId(ids.applianceId),
        taskQueue: ids.taskQueue,
        args: [{ settings: pollerSettingsFor(config.appliances[0]!, config.session) }],
      });
      const first = await waitFor('first poll', () => handle.query(statusQuery), (s) => s.counters.polls >= 1);
      expect(first.counters.logins).toBe(1);

      // Polls at 1 h and 2 h; at 2 h the 3 h session is within its 1 h renewal margin.
      await env.sleep('2h');
      const renewed = await waitFor('the renewal', () => handle.query(statusQuery), (s) => s.counters.polls >= 3 && s.counters.logins === 2);
      expect(renewed.sessionValid).toBe(true);
      expect(Date.parse(renewed.sessionExpiresAt!)).toBeGreaterThan(Date.parse(first.sessionExpiresAt!));

      const requests = await sim.oneViewRequests();
      expect(requests.filter((r) => r.method === 'POST' && r.path === '/rest/login-sessions')).toHaveLength(2);
      expect(requests.filter((r) => r.method === 'DELETE' && r.path === '/rest/login-sessions' && r.status === 204)).toHaveLength(1);
      expect(await sim.oneViewSessions()).toHaveLength(1);
      await handle.terminate('test done');
    });
    await bridge.closeDependencies();
  } finally {
    await env.teardown();
    await Promise.all([oneView.close(), pagerDuty.close()]);
  }
});
