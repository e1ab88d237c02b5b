import type { Client } from '@temporalio/client';
import { alertIdFromUri } from '../shared/alert-record';
import type { ListOpenDeliveriesInput } from '../shared/types';
import { alertWorkflowId } from '../shared/workflow-ids';

/**
 * Ids of the alerts of an appliance whose delivery workflow is still running (triggered, waiting for the clear), read
 * from Temporal's visibility store; reconciliation compares them with what the appliance still reports as active.
 */
export async function listOpenDeliveries(client: Client, input: ListOpenDeliveriesInput): Promise<string[]> {
  const prefix = alertWorkflowId(input.applianceId, '');
  const query = `WorkflowType = 'alertDeliveryWorkflow' AND ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH '${prefix.replace(/'/g, '')}'`;
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query })) {
    ids.push(alertIdFromUri(execution.workflowId));
  }
  return ids;
}
