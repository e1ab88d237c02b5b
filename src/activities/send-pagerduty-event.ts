import { log } from '@temporalio/activity';
import type { SendPagerDutyEventInput, SendPagerDutyEventResult } from '../shared/types';
import type { ApplianceRegistry } from './appliance-registry';
import { BridgeError, ErrorCode } from './errors';
import { buildEvent } from './pagerduty/build-event';
import type { PagerDutySender, SendOutcome } from './pagerduty/pagerduty-sender';

/** Builds and sends one trigger or resolve; any outcome but "accepted" is thrown as a typed error for Temporal. */
export async function sendPagerDutyEvent(
  registry: ApplianceRegistry,
  sender: PagerDutySender,
  input: SendPagerDutyEventInput,
): Promise<SendPagerDutyEventResult> {
  const appliance = registry.config(input.applianceId);
  const event = buildEvent({
    ...input,
    applianceUrl: appliance.baseUrl,
    routingKey: appliance.routingKey,
  });
  const outcome = await sender.send(event);
  if (outcome.kind === 'accepted') {
    log.info('PagerDuty accepted event', { action: input.action, alertId: input.alert.id, dedupKey: event.dedup_key });
    return { dedupKey: outcome.dedupKey };
  }
  throw outcomeError(outcome, input);
}

function outcomeError(outcome: Exclude<SendOutcome, { kind: 'accepted' }>, input: SendPagerDutyEventInput): BridgeError {
  const what = `PagerDuty ${input.action} of alert ${input.alert.id}`;
  switch (outcome.kind) {
    case 'rejected':
      return new BridgeError(ErrorCode.pagerDutyRejected, `${what} rejected (${outcome.status}): ${outcome.reason}`, {
        status: outcome.status,
      });
    case 'rate_limited':
      return new BridgeError(ErrorCode.pagerDutyRateLimited, `${what} rate-limited (429)`, {
        status: 429,
        retryAfterMs: outcome.retryAfterMs,
      });
    case 'server_error':
      return new BridgeError(ErrorCode.pagerDutyServerError, `${what} failed (${outcome.status}): ${outcome.reason}`, {
        status: outcome.status,
      });
    case 'timeout':
      return new BridgeError(ErrorCode.pagerDutyTimeout, `${what} timed out`);
    case 'network':
      return new BridgeError(ErrorCode.pagerDutyNetwork, `${what} could not reach PagerDuty: ${outcome.reason}`);
  }
}
