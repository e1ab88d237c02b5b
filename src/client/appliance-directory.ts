import type { Client } from '@temporalio/client';
import { runningPollersQuery } from '../shared/visibility-query';
import { parsePollerWorkflowId, pollerWorkflowId } from '../shared/workflow-ids';

/** Ids of the appliances whose poller runs on a task queue: the web process's view of the configured appliances. */
export async function runningAppliances(client: Client, taskQueue: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query: runningPollersQuery(taskQueue) })) {
    // A poller started by hand under another ID names no appliance the bridge could address: left out.
    const poller = parsePollerWorkflowId(execution.workflowId);
    if (poller) ids.push(poller.applianceId);
  }
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
