import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { freePort } from '../chaos/support/temporal-dev-server';
import { bridgeConfig, uniqueAppliance, useHarness } from '../support/bridge-harness';
import { metricTypes } from '../support/promtool';
import { waitFor } from '../support/wait-for';
import { exited, spawnWorker, workerEnv } from '../support/worker-process';

const harness = useHarness();

const RULES = join(__dirname, '../../deploy/helm/hponeview-pagerduty-bridge/files/bridge-alerts.rules.yaml');
const METRIC = 'temporal_workflow_task_execution_failed_total';

test('a failing workflow task shows on the SDK metrics port under the name and labels BridgeWorkflowTaskFailing watches', async () => {
  // A real poisoned task without a product hook: a workflow of a type the worker does not have, on its task queue.
  // The worker fails each of its workflow tasks and the server retries them, as with any task the code cannot run.
  const h = harness();
  const ids = uniqueAppliance('wft-failed');
  const sdkPort = await freePort();
  const worker = spawnWorker(
    workerEnv(bridgeConfig(h, ids, { caCertPem: undefined, sslVerify: false }), {
      TEMPORAL_METRICS_PORT: String(sdkPort),
    }),
  );
  const workflowId = `poisoned-${ids.applianceId}`;
  try {
    await waitFor('the worker', async () => worker.output().includes('"msg":"worker started"'), Boolean, 60_000);
    await h.client.workflow.start('noSuchWorkflowType', {
      taskQueue: ids.taskQueue,
      workflowId,
      workflowExecutionTimeout: '10 minutes',
    });
    const series = `${METRIC}{failure_reason="WorkflowError",namespace="default",service_name="temporal-core-sdk",task_queue="${ids.taskQueue}",workflow_type="noSuchWorkflowType"}`;
    // The server retries the task: the counter keeps climbing, which is what the alert's "repeated" means.
    const text = await waitFor(
      'two failed workflow tasks counted',
      async () => (await request(`http://127.0.0.1:${sdkPort}/metrics`)).body.text(),
      (t) =>
        Number(
          t
            .split('\n')
            .find((l) => l.startsWith(`${series} `))
            ?.split(' ')[1] ?? 0,
        ) >= 2,
      60_000,
    );
    expect(metricTypes(text).get(METRIC)).toBe('counter');
    // The rule selects this exact name and groups by labels the series carries.
    const rules = readFileSync(RULES, 'utf8');
    expect(rules).toContain(`${METRIC}{job=~".*bridge.*worker.*"}`);
    expect(rules).toContain('sum by (namespace, task_queue, workflow_type)');
  } finally {
    await h.client.workflow
      .getHandle(workflowId)
      .terminate('test done')
      .catch(() => undefined);
    worker.child.kill('SIGTERM');
    await exited(worker.child);
  }
  expect(worker.child.exitCode).toBe(0);
});
