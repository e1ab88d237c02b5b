/** Workflow ID of the one poller of an appliance; unique cluster-wide, so no worker needs to be a singleton. */
export function pollerWorkflowId(applianceId: string): string {
  return `oneview-poller/${applianceId}`;
}

/** Workflow ID of the delivery of one OneView alert; an already-started ID is how duplicates are rejected. */
export function alertWorkflowId(applianceId: string, alertId: string): string {
  return `oneview-alert/${applianceId}/${alertId}`;
}

/** Task queue the workers poll unless TEMPORAL_TASK_QUEUE says otherwise. */
export const DEFAULT_TASK_QUEUE = 'oneview-pagerduty-bridge';
