import type { PagerDutyEvent } from './build-event';
import { MAX_EVENT_BYTES } from './fit-event-size';

const SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);
const blank = (v: unknown) => typeof v !== 'string' || v.trim() === '';

/**
 * PagerDuty's own checks, run before sending: an event that would be refused with a final 400 is a bug of ours and is
 * reported as such instead of being sent.
 */
export function validateEvent(event: PagerDutyEvent): string[] {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9]{32}$/.test(event.routing_key)) problems.push('routing_key must be 32 letters or digits');
  if (blank(event.dedup_key) || event.dedup_key.length > 255) problems.push('dedup_key must be 1-255 characters');
  if (event.event_action === 'trigger') {
    const p = event.payload;
    if (!p) problems.push('a trigger needs a payload');
    else {
      if (blank(p.summary) || Array.from(p.summary).length > 1024)
        problems.push('payload.summary must be 1-1024 characters');
      if (blank(p.source)) problems.push('payload.source must not be blank');
      if (!SEVERITIES.has(p.severity))
        problems.push(`payload.severity '${p.severity}' is not one of critical, error, warning, info`);
      if (p.timestamp !== undefined && Number.isNaN(Date.parse(p.timestamp)))
        problems.push('payload.timestamp is not a date');
    }
    for (const link of event.links ?? []) if (blank(link.href)) problems.push('every link needs an href');
  }
  const size = Buffer.byteLength(JSON.stringify(event));
  if (size > MAX_EVENT_BYTES) problems.push(`the event is ${size} bytes, over PagerDuty's ${MAX_EVENT_BYTES}`);
  return problems;
}
