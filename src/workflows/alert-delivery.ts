import {
  ApplicationFailure,
  condition,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { checkAlertRecord } from '../shared/alert-record';
import { dedupKeyFor } from '../shared/dedup-key';
import { FailureType } from '../shared/failure-types';
import { ALERT_STATE, DELIVERY_STATE } from '../shared/search-attributes';
import { sendPriorityOf, sendTaskQueueOf } from '../shared/send-queue';
import type {
  AlertClear,
  AlertDeliveryInput,
  DeliveryAction,
  DeliveryPhase,
  DeliveryState,
  PagerDutyRetry,
} from '../shared/types';
import { failureMessage } from './failure-details';
import { alertClearedSignal, stateQuery } from './messages';

/** Backoff of a failing send when the starter gave none: 1 s doubling to 5 min (PAGERDUTY_RETRY_* defaults). */
const DEFAULT_RETRY: PagerDutyRetry = { baseMs: 1000, maxMs: 300_000 };

/**
 * Delivers one OneView alert to PagerDuty: trigger, wait for OneView to clear it, resolve.
 * Its workflow ID is the alert's identity, so the alert is delivered once whoever starts it and however often.
 */
export async function alertDeliveryWorkflow(input: AlertDeliveryInput): Promise<DeliveryState> {
  // Anyone with access to Temporal can start one: an alert that would not pass the entrances' validator is refused
  // before any of it reaches a search attribute, a log line or PagerDuty.
  const checked = checkAlertRecord(input.alert);
  if (!('record' in checked)) {
    throw ApplicationFailure.create({
      message: `invalid alert: ${checked.problems.join('; ')}`,
      type: FailureType.invalidAlert,
      nonRetryable: true,
    });
  }
  const state: DeliveryState = {
    applianceId: input.applianceId,
    alertId: input.alert.id,
    dedupKey: dedupKeyFor(input.applianceId, input.alert.id),
    phase: 'triggering',
    clearedSeen: false,
  };
  let clear: AlertClear | undefined;
  // Carried on every log line of this delivery, so a webhook call's X-Request-ID finds the worker's lines too.
  const logFields = {
    appliance: input.applianceId,
    alertId: input.alert.id,
    ...(input.alert.requestId ? { requestId: input.alert.requestId } : {}),
  };
  /** Moves to a phase, visible in the `state` query, the Web UI's details and, where registered, search attributes. */
  const enter = (phase: DeliveryPhase) => {
    state.phase = phase;
    setCurrentDetails(deliveryDetails(input, phase, state.error));
    // `triggering` and the alert's own attributes came with the start (set by the starter: no event of our own).
    if (input.searchAttributes && phase !== 'triggering') {
      upsertSearchAttributes([
        { key: DELIVERY_STATE, value: phase },
        ...(clear ? [{ key: ALERT_STATE, value: 'Cleared' }] : []),
      ]);
    }
  };
  enter('triggering');
  setHandler(stateQuery, () => state);
  setHandler(alertClearedSignal, (payload) => {
    if (!isAlertClear(payload)) {
      log.warn('alertCleared signal without a valid reason; ignored', logFields);
      return;
    }
    clear = payload;
    state.clearedSeen = true;
  });

  const send = (action: DeliveryAction) =>
    sendActivity(input, action).sendPagerDutyEvent({
      action,
      applianceId: input.applianceId,
      applianceHost: input.applianceHost,
      alert: input.alert,
    });
  try {
    await send('trigger');
    log.info('incident triggered', logFields);
  } catch (err) {
    state.error = failureMessage(err);
    enter('failed');
    log.error('PagerDuty trigger failed for good', { ...logFields, error: state.error });
    // Only final failures get here (retryable ones are retried forever): the workflow fails with the activity's
    // own failure, so its type (rejected, misconfigured) stays visible in the Web UI.
    throw err;
  }
  enter('triggered');

  // A clear that arrived while the trigger was still being retried is handled here, after the trigger,
  // so PagerDuty never sees the resolve first.
  await condition(() => clear !== undefined);
  enter('resolving');
  await send('resolve');
  log.info('incident resolved', { ...logFields, reason: clear?.reason });
  enter('resolved');
  return state;
}

/**
 * The send activity on the send queue, where Temporal paces each routing key (fairness key) and orders its sends
 * (priority). Eager dispatch would hand the task straight to this worker past the queue's limit, so it is off. Temporal
 * owns the retrying: the backoff below for 5xx and network errors, without an attempt limit (a lost resolve leaves an
 * incident open forever); a 429 sets its own wait from Retry-After; a refused event is final (the activity marks it).
 */
function sendActivity(input: AlertDeliveryInput, action: DeliveryAction) {
  const retry = input.retry ?? DEFAULT_RETRY;
  return proxyActivities<ReturnType<typeof createActivities>>({
    taskQueue: sendTaskQueueOf(workflowInfo().taskQueue),
    allowEagerDispatch: false,
    // One POST with a 10 s client timeout; a worker that dies mid-send is detected after this and the send retried.
    startToCloseTimeout: '15s',
    retry: { initialInterval: retry.baseMs, backoffCoefficient: 2, maximumInterval: retry.maxMs },
    priority: {
      priorityKey: sendPriorityOf(action, input.alert.severity),
      ...(input.routingKeyId ? { fairnessKey: input.routingKeyId } : {}),
    },
  });
}

/** The line the Web UI shows under a delivery: what the alert is and where its delivery stands. */
function deliveryDetails(input: AlertDeliveryInput, phase: DeliveryPhase, error?: string): string {
  const what = [input.alert.severity, input.alert.resourceName, input.alert.description].filter(Boolean).join(' · ');
  return `**${phase}** — ${what}${error ? `\n\nerror: ${error}` : ''}`;
}

const CLEAR_REASONS: readonly string[] = ['cleared', 'gone', 'resolved-by-hand'] satisfies AlertClear['reason'][];

function isAlertClear(value: unknown): value is AlertClear {
  const v = value as Partial<AlertClear> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.reason === 'string' &&
    CLEAR_REASONS.includes(v.reason) &&
    (v.note === undefined || typeof v.note === 'string')
  );
}
