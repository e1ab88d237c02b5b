import {
  ApplicationFailure,
  condition,
  log,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { checkAlertRecord } from '../shared/alert-record';
import { dedupKeyFor } from '../shared/dedup-key';
import { FailureType } from '../shared/failure-types';
import { ALERT_STATE, DELIVERY_STATE } from '../shared/search-attributes';
import { sendPriorityOf } from '../shared/send-queue';
import { DEFAULT_ROUTE, type DeliveryTarget } from '../routing/route-types';
import {
  type AlertClear,
  type AlertDeliveryInput,
  type DeliveryAction,
  type DeliveryPhase,
  type DeliveryState,
  MAX_SEND_LOG,
  type SendRecord,
} from '../shared/types';
import { failureMessage } from './failure-details';
import { sendActivity } from './send-activity';
import { handleClears } from './clear-handler';
import { handleRelatedAlerts } from './related-alerts';
import { explainDelivery } from './delivery-explanation';
import { MAX_WINDOW_MS } from './window-checks';
import { explainQuery, suppressUntilSignal } from './messages';

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
    routes: [],
  };
  const targets: DeliveryTarget[] = input.targets?.length ? input.targets : [{ route: DEFAULT_ROUTE }];
  state.routes = targets.map((t) => t.route);
  // Carried on every log line of this delivery, so a webhook call's X-Request-ID finds the worker's lines too.
  const logFields = {
    appliance: input.applianceId,
    alertId: input.alert.id,
    ...(input.alert.requestId ? { requestId: input.alert.requestId } : {}),
  };
  const clear = handleClears(state, logFields);
  const related = handleRelatedAlerts(state, logFields);
  const startedAt = new Date(Date.now()).toISOString();
  setHandler(explainQuery, () => explainDelivery(input, state, startedAt));
  // The first phase and the alert's own attributes came with the start (set by the starter: no event of our own).
  const firstPhase: DeliveryPhase = input.suppress ? 'suppressed' : 'triggering';
  /** Moves to a phase, visible in the `state` query, the Web UI's details and, where registered, search attributes. */
  const enter = (phase: DeliveryPhase) => {
    state.phase = phase;
    setCurrentDetails(deliveryDetails(input, phase, state.error));
    if (input.searchAttributes && phase !== firstPhase) {
      upsertSearchAttributes([
        { key: DELIVERY_STATE, value: phase },
        ...(clear() ? [{ key: ALERT_STATE, value: 'Cleared' }] : []),
      ]);
    }
  };
  enter(firstPhase);
  if (input.suppress && !(await waitOutWindow(input.suppress, state, clear))) {
    // Cleared inside the window: nothing was paged, so nothing needs resolving.
    enter('skipped');
    log.info('alert cleared inside its maintenance window; never paged', {
      ...logFields,
      window: input.suppress.window,
    });
    return state;
  }
  if (input.suppress) enter('triggering');

  const send = (action: DeliveryAction, target: DeliveryTarget) => {
    const listed = action === 'trigger' ? related.current() : undefined;
    return sendActivity({
      routingKeyId: target.routingKeyId ?? input.routingKeyId,
      retry: input.retry,
      priorityKey:
        action === 'trigger' && target.priority ? target.priority : sendPriorityOf(action, input.alert.severity),
    })
      .sendPagerDutyEvent({
        action,
        applianceId: input.applianceId,
        applianceHost: input.applianceHost,
        alert: input.alert,
        ...(target.route === DEFAULT_ROUTE
          ? {}
          : { route: target.route, ...(target.routingKeyId ? { routingKeyId: target.routingKeyId } : {}) }),
        ...(target.severity ? { severity: target.severity } : {}),
        ...(listed ? { related: listed } : {}),
      })
      .then(
        (result) => {
          recordSend(state, { action, route: target.route, ok: true, ...(listed ? { related: listed.total } : {}) });
          return result;
        },
        (err: unknown) => {
          recordSend(state, { action, route: target.route, ok: false, error: failureMessage(err) });
          throw err;
        },
      );
  };
  // Each route's service gets its own trigger; one refused for good does not keep the others from paging.
  const sentVersion = related.version();
  const outcomes = await Promise.allSettled(targets.map((t) => send('trigger', t)));
  const triggered: DeliveryTarget[] = [];
  const failures: [route: string, err: unknown][] = [];
  targets.forEach((t, i) => {
    const o = outcomes[i];
    if (o?.status === 'fulfilled') triggered.push(t);
    else failures.push([t.route, o?.reason]);
  });
  if (failures.length > 0) {
    state.error = failures.map(([route, err]) => `${route}: ${failureMessage(err)}`).join('; ');
    log.error('PagerDuty trigger failed for good', {
      ...logFields,
      routes: failures.map(([r]) => r),
      error: state.error,
    });
  }
  if (triggered.length === 0) {
    enter('failed');
    // Only final failures get here (retryable ones are retried forever): the workflow fails with the activity's
    // own failure, so its type (rejected, misconfigured) stays visible in the Web UI.
    throw failures[0]?.[1];
  }
  log.info('incident triggered', { ...logFields, routes: triggered.map((t) => t.route) });
  enter('triggered');

  // A storm's parent: each new list of the alerts that joined its incident goes out as another trigger of the same
  // dedup key, which PagerDuty adds to the open incident. Lists that arrive during a send go out together after it.
  let listedVersion = sentVersion;
  for (;;) {
    await condition(() => clear() !== undefined || related.version() !== listedVersion);
    if (clear() !== undefined) break;
    listedVersion = related.version();
    const updates = await Promise.allSettled(triggered.map((t) => send('trigger', t)));
    // At most one list a quarter-minute: a storm arriving alert by alert must not grow this history without end.
    await condition(() => clear() !== undefined, RELATED_UPDATE_EVERY_MS);
    for (const u of updates)
      if (u.status === 'rejected')
        log.warn('listing the alerts that joined the incident failed', {
          ...logFields,
          error: failureMessage(u.reason),
        });
  }

  // A clear that arrived while the trigger was still being retried is handled here, after the trigger,
  // so PagerDuty never sees the resolve first.
  enter('resolving');
  await Promise.all(triggered.map((t) => send('resolve', t)));
  log.info('incident resolved', { ...logFields, reason: clear()?.reason });
  enter('resolved');
  return state;
}

/** Shortest time between two sends of a storm parent's growing list of the alerts that joined its incident. */
const RELATED_UPDATE_EVERY_MS = 15_000;

/** Notes one send's outcome in the delivery's state (the `state` and `explain` queries show it). */
function recordSend(state: DeliveryState, record: Omit<SendRecord, 'at'>): void {
  state.sends = [...(state.sends ?? []), { ...record, at: new Date(Date.now()).toISOString() }].slice(-MAX_SEND_LOG);
}

/**
 * Waits until the maintenance window the delivery started in is over (its end moved by `suppressUntil`, e.g. when an
 * operator closes it) or the alert clears; true when the alert is still active at the end, so it pages.
 */
async function waitOutWindow(
  suppress: { window: string; until: number },
  state: DeliveryState,
  clear: () => AlertClear | undefined,
): Promise<boolean> {
  let until = suppress.until;
  let moved = false;
  setHandler(suppressUntilSignal, (payload) => {
    const next = payload?.until;
    if (typeof next !== 'number' || !Number.isFinite(next)) return;
    // Anyone with access to Temporal can signal: no window outlasts the longest one an operator can open.
    until = Math.min(next, Date.now() + MAX_WINDOW_MS);
    moved = true;
  });
  for (;;) {
    state.suppressedBy = { window: suppress.window, until: new Date(until).toISOString() };
    if (clear() !== undefined) return false;
    const remaining = until - Date.now();
    if (remaining <= 0) break;
    moved = false;
    await condition(() => clear() !== undefined || moved, remaining);
  }
  state.suppressedBy = undefined;
  return true;
}

/** The line the Web UI shows under a delivery: what the alert is and where its delivery stands. */
function deliveryDetails(input: AlertDeliveryInput, phase: DeliveryPhase, error?: string): string {
  const what = [input.alert.severity, input.alert.resourceName, input.alert.description].filter(Boolean).join(' · ');
  return `**${phase}** — ${what}${error ? `\n\nerror: ${error}` : ''}`;
}
