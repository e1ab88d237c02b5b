/** PagerDuty's limit on an encoded event (Alertmanager and Grafana read "512 KB" as 512,000 bytes). */
export const MAX_EVENT_BYTES = 512_000;

const SEVERITIES = ['critical', 'warning', 'error', 'info'];
const ACTIONS = ['trigger', 'acknowledge', 'resolve'];

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/**
 * Validates an Events API v2 alert event, collecting every problem as PagerDuty does. Strings seen from the real API are
 * reproduced exactly (including its "maiximum" typo); the rest follow the same shape.
 */
export function validateAlertEvent(event: unknown): string[] {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return ['Event object is invalid'];
  const e = event as Record<string, unknown>;
  const errors: string[] = [];
  const key = e.routing_key;
  if (blank(key)) errors.push("'routing_key' is missing or blank");
  else if (typeof key !== 'string') errors.push("'routing_key' must be a string");
  else {
    if (key.length !== 32) errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
    if (!/^[A-Za-z0-9]*$/.test(key)) errors.push("'routing_key' cannot contain non-alphanumeric characters.");
  }
  const action = e.event_action;
  if (blank(action)) errors.push("'event_action' is missing or blank");
  else if (typeof action !== 'string' || !ACTIONS.includes(action)) {
    errors.push("'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')");
  }
  if (e.dedup_key !== undefined && e.dedup_key !== null) {
    if (typeof e.dedup_key !== 'string') errors.push("'dedup_key' must be a string");
    else if (e.dedup_key.length > 255) errors.push("'dedup_key' is too long (maximum is 255 characters)");
  }
  if ((action === 'acknowledge' || action === 'resolve') && blank(e.dedup_key))
    errors.push("'dedup_key' is missing or blank");
  if (action === 'trigger') errors.push(...validatePayload(e.payload));
  if (e.links !== undefined) {
    if (!Array.isArray(e.links)) errors.push("'links' must be an array");
    else if (e.links.some((l) => blank((l as { href?: unknown } | null)?.href)))
      errors.push("'link href' is missing or blank");
  }
  if (e.images !== undefined) {
    if (!Array.isArray(e.images)) errors.push("'images' must be an array");
    else if (e.images.some((i) => blank((i as { src?: unknown } | null)?.src)))
      errors.push("'image src' is missing or blank");
  }
  return errors;
}

function validatePayload(payload: unknown): string[] {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    return ["'payload' is missing or blank"];
  const p = payload as Record<string, unknown>;
  const errors: string[] = [];
  if (blank(p.summary)) errors.push("'payload.summary' is missing or blank");
  else if (typeof p.summary !== 'string') errors.push("'payload.summary' must be a string");
  else if (Array.from(p.summary).length > 1024) errors.push("'summary' is too long (maiximum is 1024 characters)");
  if (blank(p.source)) errors.push("'payload.source' is missing or blank");
  if (blank(p.severity)) errors.push("'payload.severity' is missing or blank");
  else if (typeof p.severity !== 'string' || !SEVERITIES.includes(p.severity)) {
    errors.push(
      "'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')",
    );
  }
  if (p.timestamp !== undefined && (typeof p.timestamp !== 'string' || Number.isNaN(Date.parse(p.timestamp)))) {
    errors.push("'payload.timestamp' is invalid");
  }
  if (p.custom_details !== undefined && (typeof p.custom_details !== 'object' || p.custom_details === null)) {
    errors.push("'payload.custom_details' must be an object");
  }
  return errors;
}
