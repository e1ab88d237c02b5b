import { type RetryPolicy } from '@temporalio/common';
import { ActivityCancellationType, continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { FailureType } from '../shared/failure-types';
import { messageBusTaskQueueOf } from '../shared/message-bus-queue';

/** How long one activity holds the subscription before the next takes over (a fresh connection, same queue rules). */
const RUN_FOR_MS = 6 * 3_600_000;
/** Activities per run before continue-as-new: history stays a few dozen events. */
const ACTIVITIES_PER_RUN = 20;

// A dead worker stops heartbeating: after 20 s the server retries the activity on another worker, so the appliance has
// a consumer again within about 30 s. The activity itself never fails on a broker or network error (it reconnects);
// what reaches this retry policy is a lost worker.
const CONSUMER_ACTIVITY = {
  startToCloseTimeout: RUN_FOR_MS + 10 * 60_000,
  heartbeatTimeout: '20s',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    nonRetryableErrorTypes: [FailureType.configuration],
  } satisfies RetryPolicy,
} as const;

/** Input of {@link scmbConsumerWorkflow}. */
export interface ScmbConsumerInput {
  applianceId: string;
}

/**
 * The one consumer of an appliance's State-Change Message Bus, started by its poller under a workflow ID of its own:
 * however many workers run, the server runs one of it, and its activity on one worker at a time.
 */
export async function scmbConsumerWorkflow(input: ScmbConsumerInput): Promise<void> {
  const { consumeScmb } = proxyActivities<ReturnType<typeof createActivities>>({
    ...CONSUMER_ACTIVITY,
    taskQueue: messageBusTaskQueueOf(workflowInfo().taskQueue),
  });
  for (let i = 0; i < ACTIVITIES_PER_RUN; i++)
    await consumeScmb({ applianceId: input.applianceId, runForMs: RUN_FOR_MS });
  await continueAsNew<typeof scmbConsumerWorkflow>(input);
}
