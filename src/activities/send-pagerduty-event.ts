import { activityInfo, log } from '@temporalio/activity';
import type { SendPagerDutyEventInput, SendPagerDutyEventResult } from '../shared/types';
import type { ApplianceRegistry } from './appliance-registry';
import type { BridgeMetrics } from './bridge-metrics';
import { BridgeError, ErrorCode } from './errors';
import type { LimiterSlots, SlotOutcome } from './limiter-slots';
import { buildEvent } from './pagerduty/build-event';
import type { PagerDutySender, SendOutcome } from './pagerduty/pagerduty-sender';
import { type PagerDutyRetryPolicy, backoffDelayMs, rateLimitDelayMs } from './pagerduty/retry-delay';
import { validateEvent } from './pagerduty/validate-event';

/** What sending needs besides the input. */
export interface SendDeps {
  registry: ApplianceRegistry;
  sender: PagerDutySender;
  metrics: BridgeMetrics;
  retry: PagerDutyRetryPolicy;
  slots: LimiterSlots;
}

/**
 * Takes a slot from the routing key's limiter, then builds, checks and sends one trigger or resolve. A full window
 * returns "queued" without sending; any send outcome but "accepted" is thrown as a typed error carrying the wait before
 * the next attempt; Temporal does the retrying.
 */
export async function sendPagerDutyEvent(deps: SendDeps, input: SendPagerDutyEventInput): Promise<SendPagerDutyEventResult> {
  const appliance = deps.registry.config(input.applianceId);
  const labels = { appliance: input.applianceId, action: input.action };
  const event = buildEvent({ ...input, applianceUrl: appliance.baseUrl, routingKey: appliance.routingKey, severityMap: appliance.severityMap });
  const problems = validateEvent(event);
  if (problems.length > 0) {
    deps.metrics.alertsFailed.inc({ ...labels, reason: 'invalid_event' });
    log.error('refusing to send an invalid PagerDuty event (a bug in the bridge)', { appliance: input.applianceId, alertId: input.alert.id, requestId: input.alert.requestId, problems });
    throw new BridgeError(ErrorCode.pagerDutyRejected, `built an invalid ${input.action} event: ${problems.join('; ')}`);
  }
  // The delivery's workflow ID names the slot, so a retried send finds the slot it already holds.
  const workflowId = activityInfo().workflowExecution?.workflowId ?? '';
  let slot: SlotOutcome = 'unlimited';
  const limiter = input.slot;
  if (limiter && workflowId) {
    slot = await deps.slots.take(limiter, workflowId);
    deps.metrics.sendSlots.inc({ ...labels, outcome: slot });
    if (slot === 'queued') return { queued: true };
    if (slot === 'unlimited') log.warn('routing key limiter not found; sending without waiting for a slot', { appliance: input.applianceId, alertId: input.alert.id, limiterId: limiter.limiterId });
  }
  const outcome = await deps.sender.send(event);
  // The limiter counts the send once it left, whatever PagerDuty answered, except an answer that will be retried:
  // the retry keeps the slot.
  const final = outcome.kind === 'accepted' || outcome.kind === 'rejected';
  if (final && slot === 'granted' && limiter) deps.slots.reportUsed(limiter.limiterId, workflowId, Date.now());
  if (outcome.kind === 'accepted') {
    deps.metrics.alertsSent.inc(labels);
    // End to end: from the change on the appliance (creation or clear) to PagerDuty's 202.
    const since = Date.parse(input.alert.modified);
    if (!Number.isNaN(since)) deps.metrics.deliveryDuration.observe(labels, Math.max(0, (Date.now() - since) / 1000));
    log.info('PagerDuty accepted event', { appliance: input.applianceId, action: input.action, alertId: input.alert.id, requestId: input.alert.requestId, dedupKey: event.dedup_key });
    return { dedupKey: outcome.dedupKey };
  }
  const err = outcomeError(outcome, input, deps.retry, activityInfo().attempt);
  if (err.code === ErrorCode.pagerDutyRejected) {
    deps.metrics.alertsFailed.inc({ ...labels, reason: 'rejected' });
    log.error('PagerDuty rejected the event for good; not retrying', { appliance: input.applianceId, action: input.action, alertId: input.alert.id, requestId: input.alert.requestId, error: err.message });
  } else {
    deps.metrics.sendErrors.inc({ ...labels, reason: err.code });
    log.warn('PagerDuty send failed, will retry', { appliance: input.applianceId, action: input.action, alertId: input.alert.id, requestId: input.alert.requestId, error: err.message, retryInMs: err.details.nextRetryDelayMs });
  }
  throw err;
}

function outcomeError(
  outcome: Exclude<SendOutcome, { kind: 'accepted' }>,
  input: SendPagerDutyEventInput,
  retry: PagerDutyRetryPolicy,
  attempt: number,
): BridgeError {
  const what = `PagerDuty ${input.action} of alert ${input.alert.id}`;
  const backoff = { nextRetryDelayMs: backoffDelayMs(retry, attempt) };
  switch (outcome.kind) {
    case 'rejected':
      return new BridgeError(ErrorCode.pagerDutyRejected, `${what} rejected (${outcome.status}): ${outcome.reason}`, {
        status: outcome.status,
      });
    case 'rate_limited':
      return new BridgeError(ErrorCode.pagerDutyRateLimited, `${what} rate-limited (429)`, {
        status: 429,
        nextRetryDelayMs: rateLimitDelayMs(retry, outcome.retryAfterMs),
      });
    case 'server_error':
      return new BridgeError(ErrorCode.pagerDutyServerError, `${what} failed (${outcome.status}): ${outcome.reason}`, {
        status: outcome.status,
        ...backoff,
      });
    case 'timeout':
      return new BridgeError(ErrorCode.pagerDutyTimeout, `${what} timed out`, backoff);
    case 'network':
      return new BridgeError(ErrorCode.pagerDutyNetwork, `${what} could not reach PagerDuty: ${outcome.reason}`, backoff);
  }
}
