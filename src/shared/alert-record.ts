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

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Id of a OneView alert: the last segment of its URI, since OneView has no id field. */
export function alertIdFromUri(uri: string): string {
  const trimmed = uri.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/**
 * Maps a raw OneView alert resource to an {@link AlertRecord}, or lists why it cannot: callers turn the reasons into a
 * 400 (webhook) or a typed error (poll), never into a silently dropped alert.
 */
export function toAlertRecord(raw: unknown): { record: AlertRecord } | { problems: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { problems: ['alert must be a JSON object'] };
  const r = raw as OneViewAlertResource;
  const problems: string[] = [];
  const uri = str(r.uri);
  if (!uri || !/^\/rest\/alerts\/[^/]+$/.test(uri)) problems.push("'uri' must look like /rest/alerts/{id}");
  for (const field of ['severity', 'alertState', 'created', 'modified'] as const) {
    if (!str(r[field])) problems.push(`'${field}' is missing or not a string`);
  }
  // Timestamps drive the watermark and the event's timestamp: an unreadable one would stall or break both.
  for (const field of ['created', 'modified'] as const) {
    const value = str(r[field]);
    if (value && Number.isNaN(Date.parse(value))) problems.push(`'${field}' is not an ISO-8601 timestamp`);
  }
  if (problems.length > 0 || !uri) return { problems };
  const assoc = r.associatedResource ?? undefined;
  const record: AlertRecord = {
    id: alertIdFromUri(uri),
    uri,
    severity: r.severity as string,
    alertState: r.alertState as string,
    description: str(r.description) ?? '(no description)',
    created: r.created as string,
    modified: r.modified as string,
  };
  const optional: Partial<AlertRecord> = {
    correctiveAction: str(r.correctiveAction),
    alertTypeID: str(r.alertTypeID),
    healthCategory: str(r.healthCategory),
    urgency: str(r.urgency),
    resourceName: str(assoc?.resourceName),
    resourceUri: str(assoc?.resourceUri) ?? str(r.resourceUri),
    resourceCategory: str(assoc?.resourceCategory),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (record as unknown as Record<string, string>)[k] = v;
  return { record };
}
