import type { Client } from '@temporalio/client';
import { ensureSearchAttributes } from '../client/ensure-search-attributes';
import { namespaceRetentionMs } from '../client/namespace-retention';
import { routeRulesOf } from '../config/routes-file';
import { routingKeyIdOf } from '../config/routing-key-id';
import type { ApplianceConfig, WorkerConfig } from '../config/types';
import { APPLIANCE_ID } from '../shared/search-attributes';
import type { PollerSettings } from '../shared/types';
import { runningPollersQuery } from '../shared/visibility-query';
import { parsePollerWorkflowId, pollerWorkflowId, scmbConsumerWorkflowId } from '../shared/workflow-ids';
import { updateSettingsSignal } from '../workflows/messages';

/** The secret-free settings a poller runs with, derived from an appliance's configuration. */
export function pollerSettingsFor(
  appliance: ApplianceConfig,
  config: Pick<WorkerConfig, 'session' | 'pagerDuty' | 'reconcileIntervalMs' | 'blindAfterMs'> &
    Partial<Pick<WorkerConfig, 'routes' | 'storm' | 'windows'>>,
): PollerSettings {
  return {
    applianceId: appliance.id,
    applianceHost: appliance.host,
    severities: [...appliance.severities],
    pollIntervalMs: appliance.pollIntervalSeconds * 1000,
    sessionLifetimeMs: config.session.lifetimeMs,
    sessionRenewBeforeMs: config.session.renewBeforeMs,
    reconcileIntervalMs: config.reconcileIntervalMs,
    routingKeyId: routingKeyIdOf(appliance.routingKey),
    pagerDutyRetry: { baseMs: config.pagerDuty.retry.baseMs, maxMs: config.pagerDuty.retry.maxMs },
    ...(appliance.scmb ? { scmb: { pollIntervalMs: appliance.scmb.pollIntervalSeconds * 1000 } } : {}),
    blindAfterMs: config.blindAfterMs,
    ...(config.pagerDuty.blindRoutingKey
      ? { blindRoutingKeyId: routingKeyIdOf(config.pagerDuty.blindRoutingKey) }
      : {}),
    ...(config.routes?.length ? { routes: routeRulesOf(config.routes, routingKeyIdOf) } : {}),
    ...(config.storm && config.storm.windowMs > 0 ? { storm: { ...config.storm } } : {}),
    ...(config.windows?.length ? { windows: config.windows.map((w) => ({ ...w })) } : {}),
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
  config: Pick<
    WorkerConfig,
    'appliances' | 'session' | 'temporal' | 'pagerDuty' | 'reconcileIntervalMs' | 'blindAfterMs'
  >,
  extra: { maxPollsPerRun?: number } = {},
): Promise<EnsurePollersResult> {
  const ids: string[] = [];
  const searchAttributes = await ensureSearchAttributes(client, config.temporal.namespace);
  const historyRetentionMs = await namespaceRetentionMs(client, config.temporal.namespace);
  for (const appliance of config.appliances) {
    const settings = {
      ...pollerSettingsFor(appliance, config),
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
    const applianceId = parsePollerWorkflowId(execution.workflowId)?.applianceId;
    // Its message-bus consumer too, if it had one (none: nothing to stop).
    if (applianceId)
      await client.workflow
        .getHandle(scmbConsumerWorkflowId(applianceId))
        .terminate('appliance removed from the configuration')
        .catch(() => undefined);
  }
  return retired;
}
