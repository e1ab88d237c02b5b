import { matchesAll } from './route-alert';
import type { AlertFacts } from './route-types';
import { globMatch } from './glob-match';
import type { AdHocWindow, CoveringWindow, WindowSchedule, WindowScope } from './window-types';

const DAY_MS = 86_400_000;

/** The occurrence of a scheduled window that is on at `now` (epoch ms), or undefined. */
export function occurrenceAt(schedule: WindowSchedule, now: number): { start: number; end: number } | undefined {
  if (schedule.once) return schedule.once.start <= now && now < schedule.once.end ? schedule.once : undefined;
  const weekly = schedule.weekly;
  if (!weekly) return undefined;
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  // An occurrence that began on an earlier day may still be on (a window across midnight, or longer than a day).
  for (let back = 0; back <= Math.ceil(weekly.durationMinutes / 1440); back++) {
    const day = today - back * DAY_MS;
    if (!weekly.days.includes(new Date(day).getUTCDay())) continue;
    const start = day + weekly.startMinute * 60_000;
    const end = start + weekly.durationMinutes * 60_000;
    if (start <= now && now < end) return { start, end };
  }
  return undefined;
}

/** Whether a window's scope covers an alert that would page through `routes`. */
export function windowCovers(scope: WindowScope, facts: AlertFacts, routes: readonly string[]): boolean {
  const { route, ...match } = scope;
  if (route && !routes.some((r) => route.some((p) => globMatch(p, r)))) return false;
  return matchesAll(match, facts);
}

/**
 * The window an alert falls in at `now`, among the scheduled and the operators' ones: the one that ends last, so an
 * alert in two overlapping windows waits for both.
 */
export function coveringWindow(
  schedules: readonly WindowSchedule[],
  adHoc: readonly AdHocWindow[],
  facts: AlertFacts,
  routes: readonly string[],
  now: number,
): CoveringWindow | undefined {
  let found: CoveringWindow | undefined;
  const consider = (id: string, end: number, scope: WindowScope) => {
    if (windowCovers(scope, facts, routes) && (!found || end > found.end)) found = { id, end };
  };
  for (const s of schedules) {
    const on = occurrenceAt(s, now);
    if (on) consider(s.name, on.end, s.scope);
  }
  for (const w of adHoc) if (w.end > now) consider(w.id, w.end, w.scope);
  return found;
}
