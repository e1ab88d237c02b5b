import { log } from '@temporalio/activity';
import type { RouteConfig } from '../config/routes-file';
import { routingKeyIdOf } from '../config/routing-key-id';
import type { SendPagerDutyEventInput, SendPagerDutyEventResult } from '../shared/types';
import type { ApplianceRegistry } from './appliance-registry';
import type { BridgeMetrics } from './bridge-metrics';
import { BridgeError, ErrorCode } from './errors';
import { buildBlindEvent } from './pagerduty/build-blind-event';
import { buildEvent } from './pagerduty/build-event';
import type { PagerDutySender, SendOutcome } from './pagerduty/pagerduty-sender';
import { rateLimitDelayMs } from './pagerduty/rate-limit-delay';
import { validateEvent } from './pagerduty/validate-event';

/** What sending needs besides the input. */
export interface SendDeps {
  registry: ApplianceRegistry;
  sender: PagerDutySender;
  metrics: BridgeMetrics;
  rateLimitMinMs: number;
  /** Where appliances' own "cannot see it" incidents go (PAGERDUTY_BLIND_ROUTING_KEY); each appliance's key otherwise. */
  blindRoutingKey?: string;
  /** ROUTES_FILE's routes by name, with their routing keys. */
  routes?: ReadonlyMap<string, RouteConfig>;
}

/**
 * Builds, checks and sends one trigger or resolve. Any outcome but "accepted" is thrown as a typed error (a refusal
 * final, a 429 carrying its Retry-After wait); Temporal does the retrying and the pacing (the send queue's per-key rate).
 */
export async function sendPagerDutyEvent(
  deps: SendDeps,
  input: SendPagerDutyEventInput,
): Promise<SendPagerDutyEventResult> {
  const appliance = deps.registry.config(input.applianceId);
  const labels = { appliance: input.applianceId, action: input.action };
  const event = input.blind
    ? buildBlindEvent({
        ...input,
        applianceUrl: appliance.baseUrl,
        routingKey: deps.blindRoutingKey ?? appliance.routingKey,
        incident: input.blind,
      })
    : buildEvent({
        ...input,
        applianceUrl: appliance.baseUrl,
        routingKey: routingKeyOf(deps, input) ?? appliance.routingKey,
        severityMap: appliance.severityMap,
      });
  // What each log line says this event is about: an alert, or the appliance's own incident.
  const about = input.alert
    ? { alertId: input.alert.id, requestId: input.alert.requestId }
    : { incident: 'appliance unreadable' as const };
  const problems = validateEvent(event);
  if (problems.length > 0) {
    deps.metrics.alertsFailed.inc({ ...labels, reason: 'invalid_event' });
    log.error('refusing to send an invalid PagerDuty event (a bug in the bridge)', {
      appliance: input.applianceId,
      ...about,
      problems,
    });
    throw new BridgeError(
      ErrorCode.pagerDutyRejected,
      `built an invalid ${input.action} event: ${problems.join('; ')}`,
    );
  }
  const outcome = await deps.sender.send(event);
  if (outcome.kind === 'accepted') {
    deps.metrics.alertsSent.inc(labels);
    // End to end: from the change on the appliance (creation or clear) to PagerDuty's 202.
    const since = input.alert ? Date.parse(input.alert.modified) : NaN;
    if (!Number.isNaN(since)) deps.metrics.deliveryDuration.observe(labels, Math.max(0, (Date.now() - since) / 1000));
    log.info('PagerDuty accepted event', {
      appliance: input.applianceId,
      action: input.action,
      ...about,
      dedupKey: event.dedup_key,
    });
    return { dedupKey: outcome.dedupKey };
  }
  const err = outcomeError(outcome, input, deps.rateLimitMinMs);
  if (err.code === ErrorCode.pagerDutyRejected) {
    deps.metrics.alertsFailed.inc({ ...labels, reason: 'rejected' });
    log.error('PagerDuty rejected the event for good; not retrying', {
      appliance: input.applianceId,
      action: input.action,
      ...about,
      error: err.message,
    });
  } else {
    deps.metrics.sendErrors.inc({ ...labels, reason: err.code });
    log.warn('PagerDuty send failed, will retry', {
      appliance: input.applianceId,
      action: input.action,
      ...about,
      error: err.message,
      retryInMs: err.details.nextRetryDelayMs,
    });
  }
  throw err;
}

/** A route's own routing key (undefined: the appliance's); a route this worker does not know is an error, retried. */
function routingKeyOf(deps: SendDeps, input: SendPagerDutyEventInput): string | undefined {
  const route = input.route;
  if (route === undefined) return undefined;
  const config = deps.routes?.get(route);
  if (!config)
    throw new BridgeError(
      ErrorCode.unknownRoute,
      `route '${route}' is not in this worker's ROUTES_FILE; retrying until a worker that has it takes the send`,
    );
  // The key changed since the incident opened: PagerDuty scopes dedup keys per integration, so a resolve sent with the
  // new key cannot close the incident the old one opened. Said loudly; the old incident needs resolving in PagerDuty.
  if (input.routingKeyId && config.routingKey && routingKeyIdOf(config.routingKey) !== input.routingKeyId)
    log.warn("the route's routing key changed since this incident opened; it goes to the new key", {
      appliance: input.applianceId,
      route,
      action: input.action,
      alertId: input.alert?.id,
    });
  return config.routingKey;
}

function outcomeError(
  outcome: Exclude<SendOutcome, { kind: 'accepted' }>,
  input: SendPagerDutyEventInput,
  rateLimitMinMs: number,
): BridgeError {
  const what = `PagerDuty ${input.action} of ${input.alert ? `alert ${input.alert.id}` : "the appliance's own incident"}`;
  switch (outcome.kind) {
    case 'rejected':
      return new BridgeError(ErrorCode.pagerDutyRejected, `${what} rejected (${outcome.status}): ${outcome.reason}`, {
        status: outcome.status,
      });
    case 'rate_limited':
      return new BridgeError(ErrorCode.pagerDutyRateLimited, `${what} rate-limited (429)`, {
        status: 429,
        nextRetryDelayMs: rateLimitDelayMs(rateLimitMinMs, outcome.retryAfterMs),
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
