import { condition, log, setCurrentDetails, setHandler } from '@temporalio/workflow';
import { blindDedupKeyFor } from '../shared/dedup-key';
import { SEND_PRIORITY } from '../shared/send-queue';
import type { AlertClear, BlindDeliveryInput, DeliveryAction, DeliveryState } from '../shared/types';
import { alertClearedSignal, stateQuery } from './messages';
import { sendActivity } from './send-activity';

/**
 * An appliance's own incident while the bridge cannot read it: trigger, wait until its poller says polls succeed
 * again (`alertCleared`), resolve. Started by the poller under one ID per appliance, so it is one incident however
 * long the outage and whichever worker polls.
 */
export async function applianceBlindWorkflow(input: BlindDeliveryInput): Promise<DeliveryState> {
  const state: DeliveryState = {
    applianceId: input.applianceId,
    alertId: 'bridge',
    dedupKey: blindDedupKeyFor(input.applianceId),
    phase: 'triggering',
    clearedSeen: false,
  };
  let clear: AlertClear | undefined;
  const logFields = { appliance: input.applianceId, since: input.incident.since };
  setHandler(stateQuery, () => state);
  setHandler(alertClearedSignal, (payload) => {
    clear = payload;
    state.clearedSeen = true;
  });
  const send = (action: DeliveryAction) =>
    sendActivity({
      routingKeyId: input.routingKeyId,
      retry: input.retry,
      priorityKey: action === 'resolve' ? SEND_PRIORITY.resolve : SEND_PRIORITY.criticalTrigger,
    }).sendPagerDutyEvent({
      action,
      applianceId: input.applianceId,
      applianceHost: input.applianceHost,
      blind: input.incident,
    });
  setCurrentDetails(`**triggering** — cannot read ${input.applianceHost} since ${input.incident.since}`);
  await send('trigger');
  state.phase = 'triggered';
  setCurrentDetails(`**triggered** — cannot read ${input.applianceHost} since ${input.incident.since}`);
  log.warn('appliance unreadable: its own incident triggered', logFields);
  // A resolve that arrived while the trigger was retried waits for it: PagerDuty never sees the resolve first.
  await condition(() => clear !== undefined);
  state.phase = 'resolving';
  await send('resolve');
  state.phase = 'resolved';
  setCurrentDetails(`**resolved** — ${input.applianceHost} is read again`);
  log.info('appliance readable again: its own incident resolved', logFields);
  return state;
}
