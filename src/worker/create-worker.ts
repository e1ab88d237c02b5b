import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, createActivityDeps } from '../activities';
import { createBridgeMetrics, type BridgeMetrics } from '../activities/bridge-metrics';
import { bridgeDataConverter } from '../client/data-converter';
import type { WorkerConfig } from '../config/types';
import { trackOpenDeliveries } from './open-deliveries-gauge';

/** A worker with its activity dependencies, so the caller can close both. */
export interface BridgeWorker {
  worker: Worker;
  metrics: BridgeMetrics;
  /** Logs out the OneView sessions this worker used and closes the OneView and PagerDuty connection pools; call after the worker stopped. */
  closeDependencies(): Promise<void>;
}

/**
 * Creates the bridge's worker on a connection: the prebuilt workflow bundle when one is given (production, tests),
 * otherwise the workflow sources bundled at start (development).
 */
export async function createBridgeWorker(options: {
  config: Pick<WorkerConfig, 'appliances' | 'pagerDuty' | 'temporal'>;
  connection: NativeConnection;
  /** For the activities' visibility queries (reconciliation). */
  client: Client;
  workflowBundlePath?: string;
  identity?: string;
  /** How long in-flight activities get on shutdown (WORKER_SHUTDOWN_GRACE_SECONDS); 10 s by default. */
  shutdownGraceMs?: number;
  /** WORKER_MAX_CACHED_WORKFLOWS; the SDK's default when undefined. */
  maxCachedWorkflows?: number;
}): Promise<BridgeWorker> {
  const metrics = createBridgeMetrics();
  const { appliances, temporal } = options.config;
  for (const a of appliances) metrics.pollInterval.set({ appliance: a.id }, a.pollIntervalSeconds);
  trackOpenDeliveries(metrics.openAlerts, options.client, temporal.taskQueue, appliances.map((a) => a.id));
  const deps = createActivityDeps(options.config, options.client, metrics);
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.config.temporal.namespace,
    taskQueue: options.config.temporal.taskQueue,
    ...(options.identity ? { identity: options.identity } : {}),
    activities: createActivities(deps),
    dataConverter: bridgeDataConverter(options.config.temporal.encryption),
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: require.resolve('../workflows') }),
    // In-flight PagerDuty posts get this long to finish on SIGTERM before Temporal retries them elsewhere.
    shutdownGraceTime: options.shutdownGraceMs ?? 10_000,
    // Each cached workflow holds about 0.7 MB (BENCHMARKS.md, idle fleet); a cache a little above the number of pollers
    // keeps every poller (hot, every interval) and lets idle deliveries (waiting hours for their clear) be replayed from
    // their short history instead.
    ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
  });
  return {
    worker,
    metrics,
    async closeDependencies() {
      await Promise.all([deps.registry.close(), deps.sender.close()]);
    },
  };
}
