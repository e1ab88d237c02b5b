import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { sendTaskQueueOf } from '../shared/send-queue';
import type { PagerDutyRetry } from '../shared/types';

/** Backoff of a failing send when the starter gave none: 1 s doubling to 5 min (PAGERDUTY_RETRY_* defaults). */
const DEFAULT_RETRY: PagerDutyRetry = { baseMs: 1000, maxMs: 300_000 };

/**
 * The send activity on the send queue, where Temporal paces each routing key (fairness key) and orders its sends
 * (priority). Eager dispatch would hand the task straight to this worker past the queue's limit, so it is off. Temporal
 * owns the retrying: the backoff below for 5xx and network errors, without an attempt limit (a lost resolve leaves an
 * incident open forever); a 429 sets its own wait from Retry-After; a refused event is final (the activity marks it).
 */
export function sendActivity(options: { routingKeyId?: string; retry?: PagerDutyRetry; priorityKey: number }) {
  const retry = options.retry ?? DEFAULT_RETRY;
  return proxyActivities<ReturnType<typeof createActivities>>({
    taskQueue: sendTaskQueueOf(workflowInfo().taskQueue),
    allowEagerDispatch: false,
    // One POST with a 10 s client timeout; a worker that dies mid-send is detected after this and the send retried.
    startToCloseTimeout: '15s',
    retry: { initialInterval: retry.baseMs, backoffCoefficient: 2, maximumInterval: retry.maxMs },
    priority: {
      priorityKey: options.priorityKey,
      ...(options.routingKeyId ? { fairnessKey: options.routingKeyId } : {}),
    },
  });
}
