import type { Client } from '@temporalio/client';
import type { ApplianceConfig, WorkerConfig } from '../config/types';
import type { PollerSettings } from '../shared/types';
import { pollerWorkflowId } from '../shared/workflow-ids';
import { updateSettingsSignal } from '../workflows/messages';

/** The secret-free settings a poller runs with, derived from an appliance's configuration. */
export function pollerSettingsFor(appliance: ApplianceConfig, session: WorkerConfig['session']): PollerSettings {
  return {
    applianceId: appliance.id,
    applianceHost: appliance.host,
    severities: [...appliance.severities],
    pollIntervalMs: appliance.pollIntervalSeconds * 1000,
    sessionLifetimeMs: session.lifetimeMs,
    sessionRenewBeforeMs: session.renewBeforeMs,
  };
}

/**
 * Makes sure each appliance's poller runs with the current settings: signal-with-start is atomic on the server, so
 * any number of workers booting at once end with exactly one poller per appliance.
 */
export async function ensurePollers(
  client: Client,
  config: Pick<WorkerConfig, 'appliances' | 'session' | 'temporal'>,
  extra: { maxPollsPerRun?: number } = {},
): Promise<string[]> {
  const ids: string[] = [];
  for (const appliance of config.appliances) {
    const settings = pollerSettingsFor(appliance, config.session);
    const workflowId = pollerWorkflowId(appliance.id);
    await client.workflow.signalWithStart('appliancePollerWorkflow', {
      workflowId,
      taskQueue: config.temporal.taskQueue,
      args: [{ settings, maxPollsPerRun: extra.maxPollsPerRun }],
      signal: updateSettingsSignal,
      signalArgs: [settings],
    });
    ids.push(workflowId);
  }
  return ids;
}
