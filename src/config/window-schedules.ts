import { timestamp } from '../shared/alert-record';
import type { WindowSchedule, WindowScope } from '../routing/window-types';
import { readMatch } from './route-match';

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const AT = /^([01]\d|2[0-3]):([0-5]\d)$/;
const KNOWN = new Set(['name', 'scope', 'reason', 'start', 'end', 'weekly']);
const MAX_WINDOWS = 200;
/** Longest window: a week. Longer quiet is a retired appliance or a drop route, not maintenance. */
const MAX_MINUTES = 7 * 1440;

/**
 * Reads the `windows` of ROUTES_FILE: scheduled maintenance, one-off (`start`, `end`, ISO-8601) or weekly
 * (`weekly: {days, at, durationMinutes}`, UTC), each with the scope it covers. Every problem is listed with its place.
 */
export function readWindowSchedules(
  raw: unknown,
  problems: string[],
  options: { applianceIds?: readonly string[]; routeNames: readonly string[] },
): WindowSchedule[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push('windows must be an array');
    return [];
  }
  if (raw.length > MAX_WINDOWS) problems.push(`windows holds ${raw.length} windows; at most ${MAX_WINDOWS}`);
  const seen = new Set<string>();
  return raw.slice(0, MAX_WINDOWS).flatMap((entry, i) => {
    const at = `windows[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${at} must be an object`);
      return [];
    }
    const e = entry as Record<string, unknown>;
    const name = typeof e.name === 'string' ? e.name : '';
    if (!NAME.test(name)) problems.push(`${at}.name must be 1-63 lower-case letters, digits or '-'`);
    else if (seen.has(name)) problems.push(`${at}.name '${name}' is used twice`);
    seen.add(name);
    const label = NAME.test(name) ? `${at} (${name})` : at;
    for (const key of Object.keys(e)) if (!KNOWN.has(key)) problems.push(`${label}.${key} is not a known field`);
    const scope = readScope(e.scope, `${label}.scope`, problems, options);
    const schedule: WindowSchedule = { name, scope };
    if (e.reason !== undefined) {
      if (typeof e.reason !== 'string' || e.reason.length > 200) problems.push(`${label}.reason must be text (≤ 200)`);
      else schedule.reason = e.reason;
    }
    const hasOnce = e.start !== undefined || e.end !== undefined;
    if (hasOnce === (e.weekly !== undefined)) {
      problems.push(`${label} needs either start and end (one-off) or weekly (recurring)`);
      return [schedule];
    }
    if (hasOnce) {
      const start = timestamp(e.start);
      const end = timestamp(e.end);
      if (!start || !end) problems.push(`${label}.start and .end must be ISO-8601 date-times with a time zone`);
      else if (Date.parse(end) <= Date.parse(start)) problems.push(`${label}.end must be after its start`);
      else if (Date.parse(end) - Date.parse(start) > MAX_MINUTES * 60_000)
        problems.push(`${label} is longer than a week`);
      else schedule.once = { start: Date.parse(start), end: Date.parse(end) };
      return [schedule];
    }
    const w = e.weekly as { days?: unknown; at?: unknown; durationMinutes?: unknown } | null;
    const days = Array.isArray(w?.days)
      ? w.days.map((d) => (typeof d === 'string' ? DAYS.indexOf(d.toLowerCase()) : -1))
      : [];
    const time = typeof w?.at === 'string' ? AT.exec(w.at) : null;
    const duration = w?.durationMinutes;
    if (days.length === 0 || days.includes(-1))
      problems.push(`${label}.weekly.days must list days such as ["sat", "sun"]`);
    if (!time) problems.push(`${label}.weekly.at must be a UTC time such as "02:00"`);
    if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 1 || duration > MAX_MINUTES)
      problems.push(`${label}.weekly.durationMinutes must be a whole number from 1 to ${MAX_MINUTES}`);
    else if (time && days.length > 0 && !days.includes(-1))
      schedule.weekly = {
        days: [...new Set(days)].sort(),
        startMinute: Number(time[1]) * 60 + Number(time[2]),
        durationMinutes: duration,
      };
    return [schedule];
  });
}

function readScope(
  raw: unknown,
  at: string,
  problems: string[],
  options: { applianceIds?: readonly string[]; routeNames: readonly string[] },
): WindowScope {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`${at} must be an object such as {"enclosure": "Encl1"} ({} covers every alert)`);
    return {};
  }
  const { route, ...match } = raw as Record<string, unknown>;
  const scope: WindowScope = readMatch(match, at, problems, options.applianceIds, true);
  if (route !== undefined) {
    const names = typeof route === 'string' ? [route] : route;
    if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string'))
      problems.push(`${at}.route must be a route name or a list of them`);
    else {
      const unknown = (names as string[]).filter(
        (n) => n !== 'default' && !options.routeNames.includes(n) && !/[*?]/.test(n),
      );
      if (unknown.length > 0) problems.push(`${at}.route: ${unknown.join(', ')} is not a route of this file`);
      scope.route = names as string[];
    }
  }
  return scope;
}
