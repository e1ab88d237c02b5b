import { ROUTE_MATCH_FIELDS } from '../routing/route-types';
import type { PollerSettings } from '../shared/types';

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const SEVERITIES: readonly unknown[] = ['critical', 'error', 'warning', 'info'];
const MAX_RULES = 500;
const MAX_PATTERNS = 50;
const WEEK_MINUTES = 7 * 1440;

/**
 * Whether the routing part of an `updateSettings` payload (routes, storm, scheduled windows) holds only what a worker
 * builds from a checked ROUTES_FILE, within the same bounds. Anyone with access to Temporal can signal, and a value the
 * poller's code cannot run on (a name that is not a string, a window of a million days) would fail its every task.
 */
export function isRoutingSettings(s: Partial<PollerSettings>): boolean {
  const int = (n: unknown, min: number, max: number) =>
    Number.isInteger(n) && (n as number) >= min && (n as number) <= max;
  return (
    (s.storm === undefined || (int(s.storm?.windowMs, 1, 86_400_000) && int(s.storm?.groupWaitMs, 0, 600_000))) &&
    (s.routes === undefined ||
      (Array.isArray(s.routes) &&
        s.routes.length <= MAX_RULES &&
        s.routes.every(
          (r) =>
            typeof r === 'object' &&
            r !== null &&
            typeof r.name === 'string' &&
            NAME.test(r.name) &&
            isMatch(r.match) &&
            (r.exclude === undefined || isMatch(r.exclude)) &&
            (r.drop === undefined || typeof r.drop === 'boolean') &&
            (r.continue === undefined || typeof r.continue === 'boolean') &&
            (r.routingKeyId === undefined ||
              (typeof r.routingKeyId === 'string' && /^[0-9a-f]{16}$/.test(r.routingKeyId))) &&
            (r.severity === undefined || SEVERITIES.includes(r.severity)) &&
            (r.priority === undefined || int(r.priority, 1, 5)),
        ))) &&
    (s.windows === undefined ||
      (Array.isArray(s.windows) &&
        s.windows.length <= 200 &&
        s.windows.every(
          (w) =>
            typeof w === 'object' &&
            w !== null &&
            typeof w.name === 'string' &&
            NAME.test(w.name) &&
            isMatch(w.scope, true) &&
            (w.once === undefined ||
              (int(w.once?.start, 0, 8.64e15) &&
                int(w.once?.end, 0, 8.64e15) &&
                w.once.end - w.once.start <= WEEK_MINUTES * 60_000)) &&
            (w.weekly === undefined ||
              (Array.isArray(w.weekly?.days) &&
                w.weekly.days.length <= 7 &&
                w.weekly.days.every((d) => int(d, 0, 6)) &&
                int(w.weekly.startMinute, 0, 1439) &&
                int(w.weekly.durationMinutes, 1, WEEK_MINUTES))),
        )))
  );
}

/** A match (or a window's scope, which may also name routes): known fields, each a short list of strings. */
function isMatch(value: unknown, scope = false): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(
    ([field, v]) =>
      ((ROUTE_MATCH_FIELDS as readonly string[]).includes(field) || (scope && field === 'route')) &&
      Array.isArray(v) &&
      v.length > 0 &&
      v.length <= MAX_PATTERNS &&
      v.every((p) => typeof p === 'string' && p.length <= 256),
  );
}
