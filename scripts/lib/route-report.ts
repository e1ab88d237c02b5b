import type { RouteConfig } from '../../src/config/routes-file';
import type { AlertFacts, RouteDecision } from '../../src/routing/route-types';
import type { AlertRecord } from '../../src/shared/types';
import { occurrenceAt, windowCovers } from '../../src/routing/maintenance-windows';
import type { WindowSchedule } from '../../src/routing/window-types';
import { isBelowEnclosure, isEnclosureAlert } from '../../src/routing/resource-level';

/** What `ops:route-test` says of one alert, as JSON prints it. */
export interface RouteReport {
  alertId: string;
  appliance: string;
  facts: AlertFacts;
  matched: string[];
  /** Routes it pages through (`default`: the appliance's own key), or absent when dropped. */
  pages?: { route: string; routingKey: string; severity?: string; priority?: number }[];
  dropped?: string;
  /** Set when the appliance's severity filter keeps it from paging at all (routes never see it). */
  filtered?: string;
  storm?: string;
  maintenance?: string;
  /** The scheduled windows of the rule file that cover it, and whether one is on now. */
  windows?: string[];
}

/** The report of one alert's routing, with what storm control and maintenance would do with it. */
export function routeReport(
  alert: AlertRecord,
  facts: AlertFacts,
  decision: RouteDecision,
  routes: readonly RouteConfig[],
  storm: { windowMs: number; groupWaitMs: number },
  severities: readonly string[],
  schedules: readonly WindowSchedule[] = [],
): RouteReport {
  const byName = new Map(routes.map((r) => [r.name, r]));
  const report: RouteReport = {
    alertId: alert.id,
    appliance: facts.appliance,
    facts,
    matched: decision.matched,
  };
  if (!severities.some((s) => s.toLowerCase() === alert.severity.toLowerCase())) {
    report.filtered = `severity ${alert.severity} is not one the appliance pages on (${severities.join(', ')})`;
    return report;
  }
  if ('dropped' in decision) {
    report.dropped = decision.dropped;
    return report;
  }
  report.storm = stormLine(alert, facts, storm);
    report.pages = decision.targets.map((t) => ({
      route: t.route,
      routingKey: byName.get(t.route)?.routingKeyRef ?? "the appliance's own key",
      ...(t.severity ? { severity: t.severity } : {}),
      ...(t.priority ? { priority: t.priority } : {}),
    }));
  const routeNames = (report.pages ?? []).map((p) => p.route);
  const covering = schedules.filter((s) => windowCovers(s.scope, facts, routeNames));
  if (covering.length > 0) report.windows = covering.map((s) => describeSchedule(s, Date.now()));
  if (alert.resourceCategory === 'server-hardware')
    report.maintenance = 'held (not paged) while its server is in OneView maintenance mode; paged when it leaves';
  return report;
}

/** The report as the lines a person reads. */
export function formatRouteReport(r: RouteReport): string {
  const f = r.facts;
  const what = [f.severity, f.healthCategory, f.resourceCategory, f.resourceName].filter(Boolean).join(' · ');
  const lines = [`alert ${r.alertId} · ${what} · appliance ${r.appliance}`];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(12)}${text}`);
  if (r.filtered) {
    row('pages', `nobody: ${r.filtered}`);
    return `${lines.join('\n')}\n`;
  }
  row('matched', r.matched.length > 0 ? r.matched.join(', ') : 'no rule (the appliance key)');
  if (r.dropped) row('pages', `nobody: dropped by route ${r.dropped}`);
  r.pages?.forEach((p, i) => {
    const extra = [p.severity ? `severity ${p.severity}` : '', p.priority ? `priority ${p.priority}` : '']
      .filter(Boolean)
      .join(', ');
    row(i === 0 ? 'pages' : '', `${p.route}: ${p.routingKey}${extra ? `, ${extra}` : ''}`);
  });
  if (r.storm) row('storm', r.storm);
  r.windows?.forEach((w, i) => row(i === 0 ? 'windows' : '', w));
  if (r.maintenance) row('maintenance', r.maintenance);
  return `${lines.join('\n')}\n`;
}

/** A scheduled window as a person reads it, and whether it is on now. */
function describeSchedule(s: WindowSchedule, now: number): string {
  const on = occurrenceAt(s, now);
  const when = s.once
    ? `${new Date(s.once.start).toISOString()} to ${new Date(s.once.end).toISOString()}`
    : s.weekly
      ? `weekly on ${s.weekly.days.map((d) => DAYS[d]).join(', ')} at ${hhmm(s.weekly.startMinute)} UTC for ${s.weekly.durationMinutes} min`
      : '';
  return `${s.name} (${when}): ${on ? `on now, suppressed until ${new Date(on.end).toISOString()}` : 'held while it is on'}`;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

function stormLine(alert: AlertRecord, facts: AlertFacts, storm: { windowMs: number; groupWaitMs: number }): string {
  if (storm.windowMs <= 0) return 'storm control is off (STORM_WINDOW_SECONDS=0)';
  const window = `${storm.windowMs / 1000} s`;
  if (isEnclosureAlert(alert))
    return `an enclosure's own alert: while active, alerts of its blades and interconnects raised within ${window} join its incident`;
  if (!isBelowEnclosure(alert)) return 'not below an enclosure: pages on its own';
  const enclosure = facts.enclosure
    ? `the incident of enclosure ${facts.enclosure}'s own alert`
    : "its enclosure's incident (if the appliance's topology puts it in one)";
  const wait =
    storm.groupWaitMs > 0
      ? `; held ${storm.groupWaitMs / 1000} s first in case that alert follows`
      : '; pages at once when there is none';
  return `joins ${enclosure} while one raised within ${window} is active${wait}`;
}
