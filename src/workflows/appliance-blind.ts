import { condition, log, setCurrentDetails } from '@temporalio/workflow';
import { blindDedupKeyFor } from '../shared/dedup-key';
import { sendPriorityOf } from '../shared/send-queue';
import type { BlindDeliveryInput, DeliveryAction, DeliveryState } from '../shared/types';
import { sendActivity } from './send-activity';
import { handleClears } from './clear-handler';

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
    // Not routed by the rules: it goes to PAGERDUTY_BLIND_ROUTING_KEY, or the appliance's own key.
    routes: [],
  };
  const logFields = { appliance: input.applianceId, since: input.incident.since };
  const clear = handleClears(state, logFields);
  const send = (action: DeliveryAction) =>
    sendActivity({
      routingKeyId: input.routingKeyId,
      retry: input.retry,
      // Critical: the silence hides whatever else breaks on the appliance.
      priorityKey: sendPriorityOf(action, 'Critical'),
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
  await condition(() => clear() !== undefined);
  state.phase = 'resolving';
  await send('resolve');
  state.phase = 'resolved';
  setCurrentDetails(`**resolved** — ${input.applianceHost} is read again`);
  log.info('appliance readable again: its own incident resolved', logFields);
  return state;
}
