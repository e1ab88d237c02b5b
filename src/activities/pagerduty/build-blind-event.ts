import { blindDedupKeyFor } from '../../shared/dedup-key';
import type { BlindIncident, DeliveryAction } from '../../shared/types';
import { MAX_SUMMARY_CODE_POINTS, type PagerDutyEvent, resolveEvent, triggerEvent } from './build-event';
import { truncateGraphemes } from './truncate';

/** What the "cannot see it" event is built from. */
export interface BuildBlindEventInput {
  action: DeliveryAction;
  applianceId: string;
  applianceHost: string;
  applianceUrl: string;
  routingKey: string;
  incident: BlindIncident;
}

/**
 * The event of an appliance's own incident: the bridge has not been able to read it since `since`, so its hardware
 * alerts are not reaching anyone. Critical, because the silence hides whatever else is wrong.
 */
export function buildBlindEvent(input: BuildBlindEventInput): PagerDutyEvent {
  const dedup_key = blindDedupKeyFor(input.applianceId);
  if (input.action === 'resolve') return resolveEvent(input.routingKey, dedup_key);
  const { incident } = input;
  return triggerEvent(
    input.routingKey,
    dedup_key,
    input.applianceUrl,
    [{ href: input.applianceUrl, text: 'HPE OneView' }],
    {
      summary: truncateGraphemes(
        `${input.applianceHost}: the OneView bridge cannot read this appliance since ${incident.since}; its hardware alerts are not paging (${incident.errorType})`,
        MAX_SUMMARY_CODE_POINTS,
      ),
      source: input.applianceHost,
      severity: 'critical',
      timestamp: incident.since,
      component: 'oneview-pagerduty-bridge',
      group: input.applianceHost,
      class: incident.errorType,
      custom_details: {
        appliance: input.applianceHost,
        appliance_id: input.applianceId,
        failing_since: incident.since,
        error_type: incident.errorType,
        last_error: incident.error,
        what_to_do:
          'Check the appliance is up and reachable from the bridge workers, and that the bridge account can log in (npm run ops:status, docs/operations.md).',
      },
    },
  );
}
