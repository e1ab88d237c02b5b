/** Workflow ID of the one poller of an appliance; unique cluster-wide, so no worker needs to be a singleton. */
export function pollerWorkflowId(applianceId: string): string {
  return `oneview-poller/${applianceId}`;
}

/** Workflow ID of the delivery of one OneView alert; an already-started ID is how duplicates are rejected. */
export function alertWorkflowId(applianceId: string, alertId: string): string {
  return `oneview-alert/${applianceId}/${alertId}`;
}

/**
 * Workflow ID of the rate limiter of one PagerDuty routing key, named by a hash (the key itself is a secret) and by the
 * task queue, so that a deployment never waits on a limiter that only another deployment's workers run.
 */
export function limiterWorkflowId(taskQueue: string, routingKeyHash: string): string {
  return `pagerduty-limiter/${taskQueue}/${routingKeyHash}`;
}

/** Task queue the workers poll unless TEMPORAL_TASK_QUEUE says otherwise. */
export const DEFAULT_TASK_QUEUE = 'oneview-pagerduty-bridge';
