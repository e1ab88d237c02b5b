import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, createActivityDeps } from '../activities';
import { createBridgeMetrics, type BridgeMetrics } from '../activities/bridge-metrics';
import { bridgeDataConverter } from '../client/data-converter';
import type { WorkerConfig } from '../config/types';
import { messageBusTaskQueueOf } from '../shared/message-bus-queue';
import { sendTaskQueueOf } from '../shared/send-queue';
import { WORKING_STATES } from './fatal-watchdog';
import { trackOpenDeliveries } from './open-deliveries-gauge';

/**
 * The bridge's SDK workers in one process (pollers and deliveries on the task queue; PagerDuty sends on the send queue,
 * where Temporal paces them; message-bus consumers on theirs, when an appliance has one), run, watched and stopped as
 * one, with their activity dependencies.
 */
export interface BridgeWorker {
  /** The workflows' worker (task queue TEMPORAL_TASK_QUEUE). */
  worker: Worker;
  /** The send activities' worker (its send queue). */
  sendWorker: Worker;
  metrics: BridgeMetrics;
  /** Runs both until both stopped; when one fails the other is shut down too, and the failure is thrown. */
  run(): Promise<void>;
  /** The first state of the two that is not a working one, else the workflows' worker's: one answer for probes. */
  state(): string;
  /** Asks both to stop. */
  shutdown(): void;
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
  /** WORKER_MAX_CACHED_WORKFLOWS; the SDK's default (sized from the heap) when undefined, as in tests. */
  maxCachedWorkflows?: number;
}): Promise<BridgeWorker> {
  const metrics = createBridgeMetrics();
  const { appliances, temporal } = options.config;
  for (const a of appliances) {
    metrics.pollInterval.set({ appliance: a.id }, a.pollIntervalSeconds);
    // Every worker reports 0 until one holds the consumer, so a bus that never connects is visible, not absent.
    if (a.scmb) metrics.scmbConnected.set({ appliance: a.id }, 0);
  }
  trackOpenDeliveries(
    { open: metrics.openAlerts, oldest: metrics.oldestOpenAlert },
    options.client,
    temporal.taskQueue,
    appliances.map((a) => a.id),
  );
  const deps = createActivityDeps(options.config, options.client, metrics);
  const { sendPagerDutyEvent, consumeScmb, ...pollerActivities } = createActivities(deps);
  const common = {
    connection: options.connection,
    namespace: temporal.namespace,
    ...(options.identity ? { identity: options.identity } : {}),
    dataConverter: bridgeDataConverter(temporal.encryption),
    // In-flight activities (PagerDuty posts above all) get this long to finish on SIGTERM before Temporal retries them elsewhere.
    shutdownGraceTime: options.shutdownGraceMs ?? 10_000,
  };
  const worker = await Worker.create({
    ...common,
    taskQueue: temporal.taskQueue,
    activities: pollerActivities,
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: require.resolve('../workflows') }),
    // Pollers must fit (each poll's local activity runs inside a workflow task of its cached poller; below the fleet
    // the cache thrashes); idle deliveries waiting hours for their clear may fall out and replay their short history.
    ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
  });
  const sendWorker = await Worker.create({
    ...common,
    taskQueue: sendTaskQueueOf(temporal.taskQueue),
    activities: { sendPagerDutyEvent },
  });
  // One slot per bus appliance: any worker may end up holding every consumer. No bus appliance, no queue to poll.
  const busAppliances = appliances.filter((a) => a.scmb).length;
  const busWorker =
    busAppliances > 0
      ? await Worker.create({
          ...common,
          taskQueue: messageBusTaskQueueOf(temporal.taskQueue),
          activities: { consumeScmb },
          maxConcurrentActivityTaskExecutions: busAppliances,
        })
      : undefined;
  const workers = busWorker ? [worker, sendWorker, busWorker] : [worker, sendWorker];
  return {
    worker,
    sendWorker,
    metrics,
    async run() {
      const runs = workers.map((w) => w.run());
      try {
        await Promise.all(runs);
      } catch (err) {
        for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
        await Promise.allSettled(runs);
        throw err;
      }
    },
    state() {
      return workers.map((w) => w.getState()).find((s) => !WORKING_STATES.has(s)) ?? worker.getState();
    },
    shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    },
    async closeDependencies() {
      await Promise.all([deps.registry.close(), deps.sender.close()]);
    },
  };
}
