import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { sendTaskQueueOf } from '../shared/send-queue';

const { TaskQueueType, TaskQueueKind } = temporal.api.enums.v1;

/** Why the send queue's limit could not be put in place; the worker refuses to start with it. */
export class SendQueueLimitError extends Error {
  readonly code = 'SEND_QUEUE_LIMIT';
}

/**
 * Sets the per-routing-key rate of the send queue on the Temporal server (each fairness key, i.e. each routing key,
 * gets `perMinute` dispatches a minute; 0 removes the limit) and reads it back. The limit lives in the server's
 * matching service, so every worker applies it at start (idempotent) and every worker's sends share it. Throws
 * {@link SendQueueLimitError} when the server does not keep it: a limit that only looks configured would let a storm
 * run into PagerDuty's 429s.
 */
export async function applySendQueueLimit(
  client: Client,
  options: { namespace: string; taskQueue: string; perMinute: number },
): Promise<void> {
  const taskQueue = sendTaskQueueOf(options.taskQueue);
  const requestsPerSecond = serverRatePerMinute(options.perMinute) / 60;
  try {
    await client.workflowService.updateTaskQueueConfig({
      namespace: options.namespace,
      identity: 'hponeview-pagerduty-bridge',
      taskQueue,
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      updateFairnessKeyRateLimitDefault:
        options.perMinute > 0
          ? {
              rateLimit: { requestsPerSecond },
              reason: `PagerDuty events per routing key (PAGERDUTY_RATE_LIMIT_PER_MINUTE=${options.perMinute})`,
            }
          : { reason: 'PAGERDUTY_RATE_LIMIT_PER_MINUTE=0' },
    });
  } catch (err) {
    throw new SendQueueLimitError(
      `the Temporal server refused the per-routing-key rate of task queue ${taskQueue}: ${firstLine(err)}. ` +
        'It needs server 1.32 or later with task queue fairness (dynamic config matching.enableFairness=true); ' +
        'or set PAGERDUTY_RATE_LIMIT_PER_MINUTE=0 to send without a limit',
      { cause: err },
    );
  }
  const { config } = await client.workflowService.describeTaskQueue({
    namespace: options.namespace,
    taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    reportConfig: true,
  });
  const kept = config?.fairnessKeysRateLimitDefault?.rateLimit?.requestsPerSecond ?? 0;
  // The server stores a float32: compare with its precision.
  if (Math.abs(kept - requestsPerSecond) > 1e-4 * Math.max(1, requestsPerSecond)) {
    throw new SendQueueLimitError(
      `the Temporal server keeps ${Math.round(kept * 600) / 10} sends a minute per routing key on ${taskQueue}, not the ${Math.round(requestsPerSecond * 600) / 10} asked for PAGERDUTY_RATE_LIMIT_PER_MINUTE=${options.perMinute}; it needs server 1.32 or later with task queue fairness`,
    );
  }
}

/**
 * The rate asked of the server for a limit of `perMinute` events in any 60 s: a little less, because its limiter lets a
 * small burst through when a backlog starts (at 100 a minute, up to 102 arrived within one 60 s window).
 */
export function serverRatePerMinute(perMinute: number): number {
  if (perMinute <= 1) return perMinute;
  return perMinute - Math.max(1, Math.min(3, Math.ceil(perMinute * 0.03)));
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'unknown error';
}
