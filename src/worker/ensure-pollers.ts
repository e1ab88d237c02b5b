import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { ApplianceConfig, WorkerConfig } from '../config/types';
import { APPLIANCE_ID } from '../shared/search-attributes';
import type { PollerSettings } from '../shared/types';
import { limiterWorkflowId, pollerWorkflowId } from '../shared/workflow-ids';
import { ensureSearchAttributes } from '../client/ensure-search-attributes';
import { runningPollersQuery } from '../shared/visibility-query';
import { namespaceRetentionMs } from '../client/namespace-retention';
import { limiterSettingsSignal, updateSettingsSignal } from '../workflows/messages';

/** The limiter of a routing key: named by a SHA-256 prefix, since workflow IDs are stored in plaintext. */
export function limiterIdFor(taskQueue: string, routingKey: string): string {
  return limiterWorkflowId(taskQueue, createHash('sha256').update(routingKey).digest('hex').slice(0, 16));
}

/** The secret-free settings a poller runs with, derived from an appliance's configuration. */
export function pollerSettingsFor(
  appliance: ApplianceConfig,
  session: WorkerConfig['session'],
  limiter?: { taskQueue: string; ratePerMinute: number },
  reconcileIntervalMs?: number,
): PollerSettings {
  return {
    ...(reconcileIntervalMs !== undefined ? { reconcileIntervalMs } : {}),
    ...(limiter && limiter.ratePerMinute > 0 ? { limiterId: limiterIdFor(limiter.taskQueue, appliance.routingKey) } : {}),
    applianceId: appliance.id,
    applianceHost: appliance.host,
    severities: [...appliance.severities],
    pollIntervalMs: appliance.pollIntervalSeconds * 1000,
    sessionLifetimeMs: session.lifetimeMs,
    sessionRenewBeforeMs: session.renewBeforeMs,
  };
}

/** What {@link ensurePollers} did. */
export interface EnsurePollersResult {
  running: string[];
  /** Pollers of appliances no longer configured, stopped. */
  retired: string[];
}

/**
 * Makes sure each appliance's poller runs with the current settings (signal-with-start is atomic on the server, so any
 * number of workers booting at once end with exactly one poller per appliance), and stops the pollers of appliances
 * removed from the configuration.
 */
export async function ensurePollers(
  client: Client,
  config: Pick<WorkerConfig, 'appliances' | 'session' | 'temporal' | 'pagerDuty' | 'reconcileIntervalMs'>,
  extra: { maxPollsPerRun?: number } = {},
): Promise<EnsurePollersResult> {
  const ids: string[] = [];
  const { ratePerMinute } = config.pagerDuty;
  const searchAttributes = await ensureSearchAttributes(client, config.temporal.namespace);
  const historyRetentionMs = await namespaceRetentionMs(client, config.temporal.namespace);
  if (ratePerMinute > 0) {
    for (const limiterId of new Set(config.appliances.map((a) => limiterIdFor(config.temporal.taskQueue, a.routingKey)))) {
      await client.workflow.signalWithStart('pagerDutyLimiterWorkflow', {
        workflowId: limiterId,
        taskQueue: config.temporal.taskQueue,
        args: [{ perMinute: ratePerMinute }],
        staticSummary: `PagerDuty send limiter of one routing key (${ratePerMinute} events/min)`,
        signal: limiterSettingsSignal,
        signalArgs: [{ perMinute: ratePerMinute }],
      });
    }
  }
  for (const appliance of config.appliances) {
    const settings = {
      ...pollerSettingsFor(appliance, config.session, { taskQueue: config.temporal.taskQueue, ratePerMinute }, config.reconcileIntervalMs),
      searchAttributes,
      ...(historyRetentionMs !== undefined ? { historyRetentionMs } : {}),
    };
    const workflowId = pollerWorkflowId(appliance.id);
    await client.workflow.signalWithStart('appliancePollerWorkflow', {
      workflowId,
      taskQueue: config.temporal.taskQueue,
      args: [{ settings, maxPollsPerRun: extra.maxPollsPerRun }],
      staticSummary: `OneView poller of ${appliance.id} (${appliance.host})`,
      ...(searchAttributes ? { typedSearchAttributes: [{ key: APPLIANCE_ID, value: appliance.id }] } : {}),
      signal: updateSettingsSignal,
      signalArgs: [settings],
    });
    ids.push(workflowId);
  }
  return { running: ids, retired: await retireRemovedPollers(client, config.temporal.taskQueue, new Set(ids)) };
}

async function retireRemovedPollers(client: Client, taskQueue: string, keep: Set<string>): Promise<string[]> {
  const retired: string[] = [];
  for await (const execution of client.workflow.list({ query: runningPollersQuery(taskQueue) })) {
    if (keep.has(execution.workflowId)) continue;
    // Its delivery workflows are left alone: an open incident is resolved only while some worker still knows the
    // appliance, so remove an appliance after its incidents are resolved (docs/architecture.md).
    await client.workflow.getHandle(execution.workflowId).terminate('appliance removed from the configuration');
    retired.push(execution.workflowId);
  }
  return retired;
}
