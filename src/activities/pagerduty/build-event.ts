import { dedupKeyFor } from '../../shared/dedup-key';
import { toPagerDutySeverity, type PagerDutySeverity } from '../../shared/severity';
import type { AlertRecord, DeliveryAction } from '../../shared/types';

/** PagerDuty's limit on `payload.summary`, counted in code points as Alertmanager and Grafana do. */
export const MAX_SUMMARY_CODE_POINTS = 1024;

/** Name this product gives itself in the `client` field of triggers. */
export const CLIENT_NAME = 'HPE OneView → PagerDuty bridge';

/** An Events API v2 alert event as this product sends it. */
export interface PagerDutyEvent {
  routing_key: string;
  event_action: DeliveryAction;
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: PagerDutySeverity;
    timestamp?: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details?: Record<string, unknown>;
  };
  links?: { href: string; text?: string }[];
  client?: string;
  client_url?: string;
}

/** What an event is built from. */
export interface BuildEventInput {
  action: DeliveryAction;
  applianceId: string;
  applianceHost: string;
  /** Base URL of the appliance's UI, for links back to the alert. */
  applianceUrl: string;
  routingKey: string;
  alert: AlertRecord;
}

/** Builds the PagerDuty event for one alert: a full trigger, or a resolve carrying only what matches it. */
export function buildEvent(input: BuildEventInput): PagerDutyEvent {
  const { alert } = input;
  const dedup_key = dedupKeyFor(input.applianceId, alert.id);
  if (input.action === 'resolve') return { routing_key: input.routingKey, event_action: 'resolve', dedup_key };

  const where = alert.resourceName ?? input.applianceHost;
  const custom_details: Record<string, unknown> = {
    appliance: input.applianceHost,
    alert_uri: alert.uri,
    alert_state: alert.alertState,
    oneview_severity: alert.severity,
    created: alert.created,
    modified: alert.modified,
  };
  for (const [key, value] of Object.entries({
    corrective_action: alert.correctiveAction,
    alert_type_id: alert.alertTypeID,
    urgency: alert.urgency,
    resource_uri: alert.resourceUri,
    health_category: alert.healthCategory,
  })) {
    if (value !== undefined) custom_details[key] = value;
  }
  return {
    routing_key: input.routingKey,
    event_action: 'trigger',
    dedup_key,
    payload: {
      summary: truncateCodePoints(`${alert.severity}: ${alert.description} (${where})`, MAX_SUMMARY_CODE_POINTS),
      source: where,
      severity: toPagerDutySeverity(alert.severity),
      timestamp: alert.created,
      component: alert.resourceName,
      group: alert.resourceCategory,
      class: alert.healthCategory ?? alert.alertTypeID,
      custom_details,
    },
    links: [{ href: `${input.applianceUrl}/#/activity/r${alert.uri}`, text: 'Alert in HPE OneView' }],
    client: CLIENT_NAME,
    client_url: input.applianceUrl,
  };
}

/** Cuts a string to at most `max` code points, ending in `…` when cut, never splitting a surrogate pair. */
export function truncateCodePoints(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`;
}
