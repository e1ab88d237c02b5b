import { enclosureNameOf } from '../../routing/enclosure-name';
import { dedupKeyFor } from '../../shared/dedup-key';
import { toPagerDutySeverity, type PagerDutySeverity } from '../../shared/severity';
import type { AlertRecord, DeliveryAction, RelatedAlert } from '../../shared/types';
import { fitEventSize } from './fit-event-size';
import { truncateGraphemes } from './truncate';

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
  /** Per-appliance overrides of the OneView → PagerDuty severity map, keyed by OneView severity. */
  severityMap?: Readonly<Record<string, PagerDutySeverity>>;
  /** The route the alert pages through, when a rule chose it: its severity wins over the map, its name is shown. */
  route?: string;
  severity?: PagerDutySeverity;
  /** A storm's parent: the alerts below it that joined its incident (listed), and how many joined. */
  related?: { listed: RelatedAlert[]; total: number };
}

/**
 * Builds the PagerDuty event for one alert: a full trigger readable on a phone, or a resolve carrying only what
 * matches it (routing key and dedup key). The encoded event always fits PagerDuty's 512,000-byte limit.
 */
export function buildEvent(input: BuildEventInput): PagerDutyEvent {
  const { alert } = input;
  const dedup_key = dedupKeyFor(input.applianceId, alert.id);
  if (input.action === 'resolve') return resolveEvent(input.routingKey, dedup_key);

  const where = nonBlank(alert.resourceName) ?? input.applianceHost;
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
    route: input.route,
  })) {
    if (nonBlank(value) !== undefined) custom_details[key] = value;
  }
  const related = input.related && input.related.total > 0 ? input.related : undefined;
  if (related) {
    // What a responder needs to see the blast radius at a glance: which resources, and what each reports.
    custom_details.related_alert_count = related.total;
    custom_details.related_alerts = related.listed.map((r) => ({
      resource: r.resourceName ?? 'unknown',
      severity: r.severity,
      description: r.description,
      alert_uri: r.uri,
      created: r.created,
    }));
  }
  const links = [{ href: `${input.applianceUrl}/#/activity/r${alert.uri}`, text: 'Alert in HPE OneView' }];
  if (alert.resourceUri && alert.resourceCategory) {
    links.push({
      href: `${input.applianceUrl}/#/${alert.resourceCategory}/show/overview/r${alert.resourceUri}`,
      text: `${where} in HPE OneView`,
    });
  }
  return triggerEvent(input.routingKey, dedup_key, input.applianceUrl, links, {
    // What broke and where, first: the part a phone's lock screen shows.
    summary: truncateGraphemes(
      `${where}: ${nonBlank(alert.description) ?? alert.alertTypeID ?? 'OneView alert'}${related ? ` (+${related.total} alerts below it)` : ''}`,
      MAX_SUMMARY_CODE_POINTS,
    ),
    source: where,
    severity: input.severity ?? input.severityMap?.[alert.severity] ?? toPagerDutySeverity(alert.severity),
    timestamp: Number.isNaN(Date.parse(alert.created)) ? undefined : alert.created,
    component: nonBlank(alert.resourceCategory),
    group: enclosureNameOf(alert) ?? input.applianceHost,
    class: nonBlank(alert.healthCategory) ?? nonBlank(alert.alertTypeID),
    custom_details,
  });
}

/**
 * A trigger as this product sends every one: its payload, links back to the appliance, the product as client, and
 * the whole fitted to PagerDuty's size limit.
 */
export function triggerEvent(
  routingKey: string,
  dedupKey: string,
  applianceUrl: string,
  links: { href: string; text?: string }[],
  payload: NonNullable<PagerDutyEvent['payload']>,
): PagerDutyEvent {
  return fitEventSize({
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload,
    links,
    client: CLIENT_NAME,
    client_url: applianceUrl,
  });
}

/** A resolve carries only what matches it to the open alert: the routing key and the dedup key. */
export function resolveEvent(routingKey: string, dedupKey: string): PagerDutyEvent {
  return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey };
}

function nonBlank(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
