import type { DeliveryAction } from './types';

/**
 * The activity task queue PagerDuty sends run on, beside the workers' own queue: Temporal limits each routing key's
 * sends there (a fairness key per routing key, a per-key rate on the queue) and dispatches by priority, so no workflow
 * of ours coordinates sends.
 */
export function sendTaskQueueOf(taskQueue: string): string {
  return `${taskQueue}-pagerduty-sends`;
}

/** Dispatch order within a routing key: resolves first (an open incident is the costliest noise), then Critical. */
export const SEND_PRIORITY = { resolve: 1, criticalTrigger: 2, trigger: 3 } as const;

/** The priority key of one send. */
export function sendPriorityOf(action: DeliveryAction, severity: string): number {
  if (action === 'resolve') return SEND_PRIORITY.resolve;
  return severity.toLowerCase() === 'critical' ? SEND_PRIORITY.criticalTrigger : SEND_PRIORITY.trigger;
}
