import type { Client } from '@temporalio/client';
import { pollerWorkflowId } from '../shared/workflow-ids';

const POLLER_PREFIX = pollerWorkflowId('');

/** Ids of the appliances whose poller runs on a task queue: the web process's view of the configured appliances. */
export async function runningAppliances(client: Client, taskQueue: string): Promise<string[]> {
  const query = `WorkflowType = 'appliancePollerWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue.replace(/'/g, '')}'`;
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId.slice(POLLER_PREFIX.length));
  return ids.sort();
}

/** Whether an appliance's poller is running (describe is strongly consistent, unlike visibility). */
export async function applianceIsRunning(client: Client, applianceId: string): Promise<boolean> {
  try {
    const description = await client.workflow.getHandle(pollerWorkflowId(applianceId)).describe();
    return description.status.name === 'RUNNING';
  } catch {
    return false;
  }
}
