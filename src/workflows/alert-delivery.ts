import {
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { dedupKeyFor } from '../shared/dedup-key';
import { FailureType } from '../shared/failure-types';
import { ALERT_STATE, DELIVERY_STATE, alertSearchAttributes } from '../shared/search-attributes';
import { checkAlertRecord } from '../shared/alert-record';
import type { AlertClear, AlertDeliveryInput, DeliveryAction, DeliveryPhase, DeliveryState, SendPriority } from '../shared/types';
import { failureMessage } from './failure-details';
import { alertClearedSignal, requestSlotSignal, slotGrantedSignal, slotUsedSignal, stateQuery } from './messages';

/** How long a delivery waits for its slot before asking the limiter again (a limiter restarted meanwhile). */
const SLOT_WAIT = '15m';

/**
 * The patch after which a delivery tells its limiter when each granted send left, so the limiter counts sends rather
 * than grants (see send-limiter.ts). Decided once per run.
 */
const REPORT_SENDS = 'delivery-reports-sends';

// Temporal owns every retry: the sender classifies, these policies decide. A 400 is final; 429s arrive with
// nextRetryDelay; 5xx and network errors back off without an attempt limit, because a lost resolve leaves a
// page open forever.
const { sendPagerDutyEvent } = proxyActivities<ReturnType<typeof createActivities>>({
  // One POST with a 10 s client timeout; a worker that dies mid-send is detected after this and the send retried.
  startToCloseTimeout: '15s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    nonRetryableErrorTypes: [FailureType.pagerDutyRejected, FailureType.configuration],
  },
});

/**
 * Delivers one OneView alert to PagerDuty: trigger, wait for OneView to clear it, resolve.
 * Its workflow ID is the alert's identity, so the alert is delivered once whoever starts it and however often.
 */
export async function alertDeliveryWorkflow(input: AlertDeliveryInput): Promise<DeliveryState> {
  // Anyone with access to Temporal can start one: an alert that would not pass the entrances' validator is refused
  // before any of it reaches a search attribute, a log line or PagerDuty.
  const checked = checkAlertRecord(input.alert);
  if (!('record' in checked)) {
    throw ApplicationFailure.create({ message: `invalid alert: ${checked.problems.join('; ')}`, type: FailureType.invalidAlert, nonRetryable: true });
  }
  // Deliveries whose send activity takes the slot (BENCHMARKS.md: it took the limiter off the push path's chain) are
  // told so by their starter; the patch only decides for the deliveries started before.
  const sendTakesSlot = input.sendTakesSlot === true;
  const reportSends = sendTakesSlot || patched(REPORT_SENDS);
  const state: DeliveryState = {
    applianceId: input.applianceId,
    alertId: input.alert.id,
    dedupKey: dedupKeyFor(input.applianceId, input.alert.id),
    phase: 'triggering',
    clearedSeen: false,
  };
  let clear: AlertClear | undefined;
  let slotGranted = false;
  // Carried on every log line of this delivery, so a webhook call's X-Request-ID finds the worker's lines too.
  const logFields = { appliance: input.applianceId, alertId: input.alert.id, ...(input.alert.requestId ? { requestId: input.alert.requestId } : {}) };
  if (input.searchAttributes && !input.searchAttributesAtStart) upsertSearchAttributes(alertSearchAttributes(input.applianceId, input.alert));
  /** Moves to a phase, visible in the `state` query, the Web UI's details and, where registered, search attributes. */
  const enter = (phase: DeliveryPhase) => {
    state.phase = phase;
    setCurrentDetails(deliveryDetails(input, phase, state.error));
    const setAtStart = phase === 'triggering' && input.searchAttributesAtStart;
    if (input.searchAttributes && !setAtStart) {
      upsertSearchAttributes([
        { key: DELIVERY_STATE, value: phase },
        ...(clear ? [{ key: ALERT_STATE, value: 'Cleared' }] : []),
      ]);
    }
  };
  enter('triggering');
  setHandler(stateQuery, () => state);
  setHandler(slotGrantedSignal, () => {
    slotGranted = true;
  });
  setHandler(alertClearedSignal, (payload) => {
    if (!isAlertClear(payload)) {
      log.warn('alertCleared signal without a valid reason; ignored', logFields);
      return;
    }
    clear = payload;
    state.clearedSeen = true;
  });

  /**
   * Waits for a send slot from the routing key's limiter, so no replica's sends push the key over its limit; answers
   * whether a slot was granted (and must be reported by `reportSend`).
   */
  async function takeSlot(action: DeliveryAction): Promise<boolean> {
    if (!input.limiterId) return false;
    const priority = priorityOf(action, input);
    slotGranted = false;
    for (;;) {
      try {
        await getExternalWorkflowHandle(input.limiterId).signal(requestSlotSignal, { workflowId: workflowInfo().workflowId, priority });
      } catch {
        log.warn('routing key limiter not found; sending without waiting for a slot', { ...logFields, limiterId: input.limiterId });
        return false;
      }
      if (await condition(() => slotGranted, SLOT_WAIT)) return true;
    }
  }

  /** Tells the limiter the granted send left (or failed for good), so it counts the send instead of the grant. */
  async function reportSend(granted: boolean): Promise<void> {
    if (!reportSends || !granted || !input.limiterId) return;
    // A limiter that is gone counts the grant as a send after a while by itself.
    await getExternalWorkflowHandle(input.limiterId)
      .signal(slotUsedSignal, { workflowId: workflowInfo().workflowId, sentAt: Date.now() })
      .catch(() => undefined);
  }

  /**
   * Sends one event, its slot taken by the send activity: a full window answers "queued" and the limiter's
   * `slotGranted` signal says when to send.
   */
  async function sendWithSlot(action: DeliveryAction): Promise<void> {
    const limiterId = input.limiterId;
    slotGranted = false;
    for (;;) {
      const slot = limiterId ? { slot: { limiterId, priority: priorityOf(action, input), ...(slotGranted ? { granted: true } : {}) } } : {};
      const result = await sendPagerDutyEvent({ ...event, action, alert: input.alert, ...slot });
      if (!('queued' in result)) return;
      // Not granted within the wait (a limiter restarted meanwhile): the next attempt asks again.
      await condition(() => slotGranted, SLOT_WAIT);
    }
  }

  const event = { applianceId: input.applianceId, applianceHost: input.applianceHost };
  let triggerSlot = false;
  try {
    if (sendTakesSlot) {
      await sendWithSlot('trigger');
    } else {
      triggerSlot = await takeSlot('trigger');
      await sendPagerDutyEvent({ ...event, action: 'trigger', alert: input.alert });
      await reportSend(triggerSlot);
    }
    log.info('incident triggered', logFields);
  } catch (err) {
    await reportSend(triggerSlot);
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
  if (sendTakesSlot) {
    await sendWithSlot('resolve');
  } else {
    const resolveSlot = await takeSlot('resolve');
    await sendPagerDutyEvent({ ...event, action: 'resolve', alert: input.alert });
    await reportSend(resolveSlot);
  }
  log.info('incident resolved', { ...logFields, reason: clear?.reason });
  enter('resolved');
  return state;
}

/** Resolves and Critical triggers go first. */
function priorityOf(action: DeliveryAction, input: AlertDeliveryInput): SendPriority {
  return action === 'resolve' || input.alert.severity.toLowerCase() === 'critical' ? 0 : 1;
}

/** The line the Web UI shows under a delivery: what the alert is and where its delivery stands. */
function deliveryDetails(input: AlertDeliveryInput, phase: DeliveryPhase, error?: string): string {
  const what = [input.alert.severity, input.alert.resourceName, input.alert.description].filter(Boolean).join(' · ');
  return `**${phase}** — ${what}${error ? `\n\nerror: ${error}` : ''}`;
}

const CLEAR_REASONS: readonly string[] = ['cleared', 'gone', 'resolved-by-hand'] satisfies AlertClear['reason'][];

function isAlertClear(value: unknown): value is AlertClear {
  const v = value as Partial<AlertClear> | null;
  return typeof v === 'object' && v !== null && typeof v.reason === 'string' && CLEAR_REASONS.includes(v.reason) && (v.note === undefined || typeof v.note === 'string');
}
