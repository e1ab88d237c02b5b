import type { PagerDutyEvent } from './build-event';
import { truncateGraphemes } from './truncate';

/** PagerDuty's limit on an encoded event; Alertmanager and Grafana read "512 KB" as 512,000 bytes. */
export const MAX_EVENT_BYTES = 512_000;

/** Longest custom-details string kept when an event has to shrink. */
const SHRUNK_VALUE_CODE_POINTS = 2048;

const bytes = (event: PagerDutyEvent) => Buffer.byteLength(JSON.stringify(event));

/**
 * Makes an event fit PagerDuty's size limit, shrinking `custom_details` first (long values cut, then the details
 * replaced by a note), since the summary and the routing fields are what pages and must stay intact.
 */
export function fitEventSize(event: PagerDutyEvent): PagerDutyEvent {
  if (bytes(event) <= MAX_EVENT_BYTES || !event.payload?.custom_details) return event;
  const details = event.payload.custom_details;
  const shrunk: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    shrunk[key] = typeof value === 'string' ? truncateGraphemes(value, SHRUNK_VALUE_CODE_POINTS) : value;
  }
  shrunk.truncated = `custom details were shortened to fit PagerDuty's ${MAX_EVENT_BYTES}-byte event limit`;
  const smaller = { ...event, payload: { ...event.payload, custom_details: shrunk } };
  if (bytes(smaller) <= MAX_EVENT_BYTES) return smaller;
  return {
    ...event,
    payload: {
      ...event.payload,
      custom_details: {
        removed: `custom details were removed: the event exceeded PagerDuty's ${MAX_EVENT_BYTES}-byte limit`,
      },
    },
  };
}
