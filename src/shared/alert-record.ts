import { boundText, isSingleLinePrintable, isWellFormed } from './bounded-text';
import type { AlertRecord } from './types';

/** The fields of a OneView alert resource this product reads; everything else is ignored. */
export interface OneViewAlertResource {
  uri?: unknown;
  severity?: unknown;
  alertState?: unknown;
  description?: unknown;
  correctiveAction?: unknown;
  alertTypeID?: unknown;
  healthCategory?: unknown;
  urgency?: unknown;
  resourceUri?: unknown;
  associatedResource?: { resourceName?: unknown; resourceUri?: unknown; resourceCategory?: unknown } | null;
  created?: unknown;
  modified?: unknown;
}

/** Why an alert was refused, as a stable label for logs and `oneview_alerts_rejected_total{reason}`. */
export type AlertRejectReason =
  | 'not_an_object'
  | 'invalid_uri'
  | 'invalid_severity'
  | 'invalid_state'
  | 'invalid_timestamp'
  | 'invalid_resource'
  | 'invalid_request_id';

/** A validated alert, or every reason it was refused (the first one's label in `reason`). */
export type AlertParse = { record: AlertRecord } | { problems: string[]; reason: AlertRejectReason };

/** OneView's own severities, in its spelling. */
export const ONEVIEW_SEVERITIES = ['Critical', 'Warning', 'OK', 'Unknown', 'Disabled'] as const;

/** OneView's alert states, in its spelling. */
export const ONEVIEW_ALERT_STATES = ['Active', 'Locked', 'Cleared'] as const;

/**
 * An alert id as OneView issues them (integers, UUIDs): it becomes part of a workflow ID and of the PagerDuty dedup key,
 * so it is held to characters that need no escaping anywhere and to a length that keeps both far below their limits
 * (dedup key ≤ 255: `oneview/` + appliance ≤ 63 + `/alert/` + id ≤ 64).
 */
export const ALERT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,63}$/;

const ALERT_URI = /^\/rest\/alerts\/([^/]*)$/;
// A path on the appliance: it becomes a link in the page, so no scheme, host, query or fragment can ride along.
const RESOURCE_URI = /^\/rest\/[A-Za-z0-9._~:@%+-]+(\/[A-Za-z0-9._~:@%+-]+)*$/;
const MAX_RESOURCE_URI = 512;
// Resource categories name OneView collections (server-hardware, enclosures); one becomes a search attribute and a path
// segment of a link.
const RESOURCE_CATEGORY = /^[a-z][a-z0-9-]{0,63}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** An X-Request-ID the web process keeps (else it makes one): it travels into alert records and log lines. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/** Longest kept text per field, in code points: OneView's own limits where it documents one (description 1024). */
const TEXT_LIMITS = {
  description: 1024,
  correctiveAction: 1024,
  alertTypeID: 256,
  healthCategory: 64,
  urgency: 32,
  resourceName: 256,
} as const;

/**
 * Maps a raw OneView alert resource (polled, pushed by the webhook, or from the message bus) to an {@link AlertRecord},
 * or lists why it cannot. The one validator of every entrance: identities and enumerations must be exactly right
 * (else refused), text is made safe and bounded (never refused), so nothing one alert carries can reach a workflow ID,
 * search attribute, dedup key, log line or PagerDuty field unchecked.
 */
export function toAlertRecord(raw: unknown): AlertParse {
  if (!isObject(raw)) return { problems: ['alert must be a JSON object'], reason: 'not_an_object' };
  const r = raw as OneViewAlertResource;
  const assoc = isObject(r.associatedResource) ? r.associatedResource : {};
  return normalize({
    uri: r.uri,
    severity: r.severity,
    alertState: r.alertState,
    description: r.description,
    correctiveAction: r.correctiveAction,
    alertTypeID: r.alertTypeID,
    healthCategory: r.healthCategory,
    urgency: r.urgency,
    resourceName: assoc.resourceName,
    resourceUri: assoc.resourceUri ?? r.resourceUri,
    resourceCategory: assoc.resourceCategory,
    created: r.created,
    modified: r.modified,
  });
}

/**
 * Checks a record that arrives as a workflow input or signal payload (anyone with access to Temporal can send one) as
 * strictly as {@link toAlertRecord} checked it at the entrance; a record that passed there passes here unchanged.
 */
export function checkAlertRecord(value: unknown): AlertParse {
  if (!isObject(value)) return { problems: ['alert must be an object'], reason: 'not_an_object' };
  const parsed = normalize(value);
  if ('record' in parsed && value.id !== parsed.record.id) {
    return { problems: ["'id' does not match the last segment of 'uri'"], reason: 'invalid_uri' };
  }
  return parsed;
}

function normalize(c: Record<string, unknown>): AlertParse {
  const problems: [AlertRejectReason, string][] = [];
  const id = alertIdOf(c.uri);
  if (id === undefined) {
    problems.push([
      'invalid_uri',
      "'uri' must be /rest/alerts/{id}, the id 1-64 letters, digits, '.', '_', '~' or '-' starting with a letter or digit",
    ]);
  }
  const severity = oneOf(c.severity, ONEVIEW_SEVERITIES);
  if (!severity) problems.push(['invalid_severity', `'severity' must be one of ${ONEVIEW_SEVERITIES.join(', ')}`]);
  const alertState = oneOf(c.alertState, ONEVIEW_ALERT_STATES);
  if (!alertState) problems.push(['invalid_state', `'alertState' must be one of ${ONEVIEW_ALERT_STATES.join(', ')}`]);
  const created = timestamp(c.created);
  const modified = timestamp(c.modified);
  for (const [field, value] of [
    ['created', created],
    ['modified', modified],
  ] as const) {
    // Timestamps drive the watermark and the event's timestamp: an unreadable one would stall or break both.
    if (!value)
      problems.push([
        'invalid_timestamp',
        `'${field}' must be an ISO-8601 date-time with a time zone, e.g. 2026-01-31T12:00:00.000Z`,
      ]);
  }
  const resourceUri = optionalMatch(c.resourceUri, RESOURCE_URI, MAX_RESOURCE_URI);
  if (resourceUri === null)
    problems.push(['invalid_resource', "'resourceUri' must be a path under /rest/ on the appliance"]);
  const resourceCategory = optionalMatch(c.resourceCategory, RESOURCE_CATEGORY, 64);
  if (resourceCategory === null)
    problems.push([
      'invalid_resource',
      "'resourceCategory' must be a OneView category: 1-64 lower-case letters, digits or '-'",
    ]);
  const requestId = optionalMatch(c.requestId, REQUEST_ID_PATTERN, 128);
  if (requestId === null)
    problems.push(['invalid_request_id', "'requestId' must be 1-128 letters, digits, '.', '_' or '-'"]);

  if (problems.length > 0 || !id || !severity || !alertState || !created || !modified) {
    return { problems: problems.map(([, p]) => p), reason: problems[0]?.[0] ?? 'invalid_uri' };
  }
  const record: AlertRecord = {
    id,
    uri: `/rest/alerts/${id}`,
    severity,
    alertState,
    description: text(c.description, TEXT_LIMITS.description, true) ?? '(no description)',
    created,
    modified,
  };
  const optional: Partial<AlertRecord> = {
    correctiveAction: text(c.correctiveAction, TEXT_LIMITS.correctiveAction, true),
    alertTypeID: text(c.alertTypeID, TEXT_LIMITS.alertTypeID),
    healthCategory: text(c.healthCategory, TEXT_LIMITS.healthCategory),
    urgency: text(c.urgency, TEXT_LIMITS.urgency),
    resourceName: text(c.resourceName, TEXT_LIMITS.resourceName),
    resourceUri: resourceUri ?? undefined,
    resourceCategory: resourceCategory ?? undefined,
    requestId: requestId ?? undefined,
  };
  for (const [k, v] of Object.entries(optional))
    if (v !== undefined) (record as unknown as Record<string, string>)[k] = v;
  return { record };
}

function alertIdOf(uri: unknown): string | undefined {
  if (typeof uri !== 'string') return undefined;
  const id = ALERT_URI.exec(uri)?.[1];
  return id !== undefined && ALERT_ID_PATTERN.test(id) ? id : undefined;
}

/** The allowed spelling of a value given in any case; padding or anything else is not the same value. */
function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.toLowerCase();
  return allowed.find((a) => a.toLowerCase() === v);
}

/** The canonical form (`toISOString`) of a strict ISO-8601 date-time, or undefined. */
export function timestamp(value: unknown): string | undefined {
  if (typeof value !== 'string' || !TIMESTAMP.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The value when absent-or-blank (undefined), matching (the value) or anything else (null: a problem). */
function optionalMatch(value: unknown, pattern: RegExp, maxLength: number): string | undefined | null {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > maxLength || !isWellFormed(value) || !isSingleLinePrintable(value))
    return null;
  return pattern.test(value) ? value : null;
}

function text(value: unknown, maxChars: number, multiLine = false): string | undefined {
  if (typeof value !== 'string') return undefined;
  const bounded = boundText(value, maxChars, multiLine);
  return bounded === '' ? undefined : bounded;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
