import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { ensurePollers } from '../../src/worker/ensure-pollers';
import { bridgeDataConverter } from '../../src/client/data-converter';
import type { ApplianceConfig, WorkerConfig } from '../../src/config/types';
import { createBridgeWorker } from '../../src/worker/create-worker';
import { startWorkerHttpServer } from '../../src/worker/http-server';
import { applySendQueueLimit } from '../../src/worker/send-queue-limit';
import { createJsonLogger } from '../../src/logging/json-logger';
import {
  startOneViewSimulator,
  type OneViewSimulator,
  type OneViewSimulatorOptions,
} from '../../simulators/oneview/server';
import { startPagerDutySimulator, type PagerDutySimulator } from '../../simulators/pagerduty/server';
import { controls } from '../../simulators/control-client';
import { logFileWriter, registerSecret } from './log-capture';

/** The payload key of this test file's workers and clients (payloads are encrypted in tests as in production). */
export const TEST_PAYLOAD_KEY = randomBytes(32);

/** A routing key of the right shape for tests. */
export const TEST_ROUTING_KEY = 'R0UT1NGKEYFORTESTS00000000000001';

registerSecret('TEST_PAYLOAD_KEY', TEST_PAYLOAD_KEY.toString('base64'));
registerSecret('TEST_ROUTING_KEY', TEST_ROUTING_KEY);
registerSecret('OneView test password', 'admin-password');

let runtimeInstalled = false;

/** Address and prebuilt workflow bundle of the dev server started by global setup. */
export function testServer(): { address: string; bundlePath: string } {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  const bundlePath = process.env.WORKFLOW_BUNDLE_PATH;
  if (!address || !bundlePath) throw new Error('global setup did not run: TEMPORAL_TEST_ADDRESS is unset');
  return { address, bundlePath };
}

/** Both simulators on loopback plus a Temporal client; one per test file. */
export async function startHarness(oneViewOptions: OneViewSimulatorOptions = {}) {
  if (!runtimeInstalled) {
    // Every line goes to the run's log directory for the suite-wide checks; the console shows WARN and above only.
    const toFile = logFileWriter('in-process-worker');
    Runtime.install({
      logger: createJsonLogger('INFO', (line) => {
        toFile(line);
        if (!/"level":"(info|debug|trace)"/.test(line)) process.stdout.write(`${line}\n`);
      }),
    });
    runtimeInstalled = true;
  }
  const oneView: OneViewSimulator = await startOneViewSimulator({ tls: true, ...oneViewOptions });
  const pagerDuty: PagerDutySimulator = await startPagerDutySimulator({ rateLimitPerMinute: 0 });
  const connection = await Connection.connect({ address: testServer().address });
  const client = new Client({ connection, dataConverter: bridgeDataConverter({ key: TEST_PAYLOAD_KEY }) });
  return {
    oneView,
    pagerDuty,
    client,
    sim: controls(oneView.url, pagerDuty.url),
    async close() {
      // Session tokens the appliance handed out are secrets too: teardown proves no log line carried one.
      for (const session of await controls(oneView.url, pagerDuty.url)
        .oneViewSessions()
        .catch(() => [])) {
        registerSecret('OneView session token', session.token);
      }
      await connection.close();
      await Promise.all([oneView.close(), pagerDuty.close()]);
    },
  };
}

/** The running harness of a test file. */
export type Harness = Awaited<ReturnType<typeof startHarness>>;

/** Starts a harness before a file's tests and closes it after them; call the returned function inside a test. */
export function useHarness(): () => Harness {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });
  return () => {
    if (!harness) throw new Error('the harness is not started');
    return harness;
  };
}

/** A fresh appliance id and task queue, so tests sharing one dev server never see each other's workflows. */
export function uniqueAppliance(prefix: string): { applianceId: string; taskQueue: string } {
  const suffix = randomBytes(4).toString('hex');
  return { applianceId: `${prefix}-${suffix}`, taskQueue: `test-${prefix}-${suffix}` };
}

/** Worker configuration pointing at the simulators, as loadConfig would build it. */
export function bridgeConfig(
  harness: { oneView: OneViewSimulator; pagerDuty: PagerDutySimulator },
  ids: { applianceId: string; taskQueue: string },
  overrides: Partial<ApplianceConfig> = {},
): WorkerConfig {
  return {
    temporal: {
      address: testServer().address,
      namespace: 'default',
      taskQueue: ids.taskQueue,
      encryption: { key: TEST_PAYLOAD_KEY },
    },
    routes: [],
    windows: [],
    appliances: [
      {
        id: ids.applianceId,
        host: harness.oneView.url.replace(/^https?:\/\//, ''),
        baseUrl: harness.oneView.url,
        username: 'administrator',
        password: 'admin-password',
        severities: ['Critical'],
        pollIntervalSeconds: 3600,
        sslVerify: true,
        caCertPem: harness.oneView.certificatePem,
        routingKey: TEST_ROUTING_KEY,
        ...overrides,
      },
    ],
    pagerDuty: {
      eventsUrl: harness.pagerDuty.eventsUrl,
      retry: { baseMs: 1000, maxMs: 300_000, rateLimitMinMs: 30_000 },
      ratePerMinute: 100,
    },
    session: { lifetimeMs: 22 * 3_600_000, renewBeforeMs: 3_600_000 },
    http: { host: '127.0.0.1', port: 0 },
    sdkMetricsPort: 0,
    shutdownGraceMs: 10_000,
    reconcileIntervalMs: 3_600_000,
    storm: { windowMs: 300_000, groupWaitMs: 0 },
    blindAfterMs: 600_000,
    logLevel: 'WARN',
  };
}

/** Runs the real bridge worker in-process and starts the appliance's poller, as `npm start` does. */
export async function runBridge(client: Client, config: WorkerConfig, options: { maxPollsPerRun?: number } = {}) {
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const bridge = await createBridgeWorker({
    config,
    connection,
    client,
    workflowBundlePath: testServer().bundlePath,
    maxCachedWorkflows: config.maxCachedWorkflows,
  });
  await applySendQueueLimit(client, {
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    perMinute: config.pagerDuty.ratePerMinute,
  });
  const running = bridge.run();
  const http = await startWorkerHttpServer({
    ...config.http,
    registry: bridge.metrics.registry,
    workerState: () => bridge.state(),
  });
  await ensurePollers(client, config, options);
  return {
    /** Both SDK workers' state as one (RUNNING while both run). */
    state: () => bridge.state(),
    /** Port of the worker's /metrics and /healthz. */
    httpPort: http.port,
    async stop() {
      bridge.shutdown();
      await running;
      await http.close();
      await bridge.closeDependencies();
      await connection.close();
    },
  };
}
