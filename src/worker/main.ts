import { collectDefaultMetrics } from 'prom-client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { ensurePollers } from './ensure-pollers';
import { connectionOptions } from '../client/connection-options';
import { createTemporalClient } from '../client/temporal-client';
import { loadConfig } from '../config/load-config';
import { loadOrExit } from '../config/load-or-exit';
import { createBridgeWorker } from './create-worker';
import { SHUTDOWN_SIGNALS, startFatalWatchdog } from './fatal-watchdog';
import { startWorkerHttpServer } from './http-server';
import { applySendQueueLimit } from './send-queue-limit';
import { createJsonLogger } from '../logging/json-logger';
import { workerSecrets } from './worker-secrets';

async function run(): Promise<void> {
  const config = loadOrExit(() => loadConfig(process.env));
  const logger = createJsonLogger(config.logLevel, undefined, workerSecrets(config));
  Runtime.install({
    logger,
    // Spelled out because the watchdog listens to the same signals: it counts them as a requested stop.
    shutdownSignals: SHUTDOWN_SIGNALS,
    telemetryOptions: {
      // The SDK core's own lines (gRPC retries while Temporal is unreachable, slow workflow tasks) go through the same
      // JSON logger as ours; by default core prints them to stdout in its coloured console format.
      logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } },
      // Temporal's own worker metrics (task latencies, slots, sticky cache) on a port of their own beside ours.
      ...(config.sdkMetricsPort > 0
        ? {
            metrics: {
              // Prometheus conventions (counters end in _total, durations in seconds with the unit in the name), so
              // promtool and dashboards treat them like every other exporter's.
              prometheus: {
                bindAddress: `${config.http.host}:${config.sdkMetricsPort}`,
                countersTotalSuffix: true,
                unitSuffix: true,
                useSecondsForDurations: true,
              },
            },
          }
        : {}),
    },
  });
  for (const a of config.appliances) {
    if (!a.sslVerify)
      logger.warn('TLS verification is off for this appliance (ONEVIEW_SSL_VERIFY=false)', { appliance: a.id });
  }

  // Started before the first await, so a signal during start-up is a requested stop with a deadline too; the worker
  // counts as INITIALIZED until it exists.
  let workerState = () => 'INITIALIZED';
  const watchdog = startFatalWatchdog({
    workerState: () => workerState(),
    logger,
    graceMs: config.shutdownGraceMs,
  });

  const connection = await NativeConnection.connect(connectionOptions(config.temporal));
  const client = await createTemporalClient(config.temporal);
  const bridge = await createBridgeWorker({
    config,
    connection,
    client,
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH || undefined,
    shutdownGraceMs: config.shutdownGraceMs,
    maxCachedWorkflows: config.maxCachedWorkflows,
  });
  workerState = () => bridge.state();
  // Heap, event-loop lag, GC and file descriptors: a worker whose event loop stalls misses heartbeats and task timeouts.
  collectDefaultMetrics({ register: bridge.metrics.registry });
  const http = await startWorkerHttpServer({
    ...config.http,
    registry: bridge.metrics.registry,
    workerState,
  });
  try {
    await applySendQueueLimit(client, {
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      perMinute: config.pagerDuty.ratePerMinute,
    });
    const pollers = await ensurePollers(client, config);
    logger.info('worker started', {
      taskQueue: config.temporal.taskQueue,
      ...pollers,
      httpPort: http.port,
      ...(config.sdkMetricsPort > 0 ? { sdkMetricsPort: config.sdkMetricsPort } : {}),
    });
    const [result] = await Promise.allSettled([bridge.run()]);
    watchdog.runSettled(result!);
  } finally {
    await http.close();
    await client.connection.close();
    await bridge.closeDependencies();
    await connection.close();
    logger.info('worker stopped');
  }
  // Explicitly, with the code the run calls for: 0 only after a clean requested stop.
  watchdog.exit();
}

run().catch((err: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'worker failed', error: String(err) })}\n`,
  );
  process.exit(1);
});
