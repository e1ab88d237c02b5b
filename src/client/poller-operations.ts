import type { Client } from '@temporalio/client';
import type { AlertRecord, PollerStatus } from '../shared/types';
import { pollerWorkflowId } from '../shared/workflow-ids';
import { alertsPushedSignal, forcePollSignal, statusQuery } from '../workflows/messages';

/** Asks an appliance's poller to poll now; answers its workflow ID. */
export async function forcePoll(client: Client, applianceId: string): Promise<string> {
  const workflowId = pollerWorkflowId(applianceId);
  await client.workflow.getHandle(workflowId).signal(forcePollSignal);
  return workflowId;
}

/** Hands pushed alerts to an appliance's poller, which treats them exactly like polled ones. */
export async function pushAlerts(client: Client, applianceId: string, alerts: AlertRecord[]): Promise<string> {
  const workflowId = pollerWorkflowId(applianceId);
  await client.workflow.getHandle(workflowId).signal(alertsPushedSignal, alerts);
  return workflowId;
}

/** Reads an appliance poller's status. */
export async function pollerStatus(client: Client, applianceId: string): Promise<PollerStatus> {
  return client.workflow.getHandle(pollerWorkflowId(applianceId)).query(statusQuery);
}
