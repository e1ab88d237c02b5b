import type { Client } from '@temporalio/client';
import type { ListOpenDeliveriesInput } from '../shared/types';
import { applianceRunningDeliveriesQuery } from '../shared/visibility-query';
import { parseAlertWorkflowId } from '../shared/workflow-ids';

/**
 * Ids of the alerts of an appliance whose delivery workflow is still running (triggered, waiting for the clear), read
 * from Temporal's visibility store; reconciliation compares them with what the appliance still reports as active.
 */
export async function listOpenDeliveries(client: Client, input: ListOpenDeliveriesInput): Promise<string[]> {
  const query = applianceRunningDeliveriesQuery(input.applianceId);
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query })) {
    // An ID that is not exactly one of ours cannot be signalled as an alert of this appliance: skipped, not guessed at.
    const delivery = parseAlertWorkflowId(execution.workflowId);
    if (delivery?.applianceId === input.applianceId) ids.push(delivery.alertId);
  }
  return ids;
}
