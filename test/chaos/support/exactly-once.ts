import type { AcceptedEvent, Incident } from '../../../simulators/pagerduty/server';

/** The PagerDuty dedup key of one OneView alert, as the bridge builds it. */
export function dedupKey(applianceId: string, alertId: string): string {
  return `oneview/${applianceId}/alert/${alertId}`;
}

/** What PagerDuty received for one scenario, beyond pass or fail: the numbers a report needs. */
export interface ExactlyOnceReport {
  alerts: number;
  cleared: number;
  incidents: number;
  resolved: number;
  /** Trigger events PagerDuty accepted (at least one per alert). */
  triggerEvents: number;
  resolveEvents: number;
  /** Trigger events beyond the first per dedup key: re-sent after a crash or a lost answer, deduplicated by PagerDuty. */
  retriggers: number;
  /** Dedup keys that received more than one trigger event. */
  keysRetriggered: number;
  /** How many dedup keys received n trigger events, by n. */
  triggersPerKey: Record<string, number>;
  /** Longest time PagerDuty received nothing for the appliance between its first and last event: a stall shows here. */
  longestEventGapSeconds: number;
}

/** Everything that was wrong, one line per problem, so a failure names the alerts instead of a boolean. */
export interface ExactlyOnceCheck {
  report: ExactlyOnceReport;
  problems: string[];
}

/**
 * Compares what PagerDuty holds for an appliance with what happened on the appliance: every alert opened exactly one
 * incident (`opened: 1`), every cleared alert was resolved by exactly one resolve event and the others not at all,
 * nothing was dropped, no incident exists for an alert that never was, and each key's first event is its trigger.
 * Re-sent triggers of an open incident are allowed (PagerDuty deduplicates them) and counted.
 */
export function checkExactlyOnce(input: {
  applianceId: string;
  incidents: Incident[];
  events: AcceptedEvent[];
  alertIds: readonly string[];
  clearedIds: readonly string[];
}): ExactlyOnceCheck {
  const prefix = dedupKey(input.applianceId, '');
  const cleared = new Set(input.clearedIds.map((id) => dedupKey(input.applianceId, id)));
  const expected = new Set(input.alertIds.map((id) => dedupKey(input.applianceId, id)));
  const problems: string[] = [];
  for (const key of cleared)
    if (!expected.has(key)) problems.push(`${key} is listed as cleared but is not one of the alerts`);

  const incidents = input.incidents.filter((i) => i.dedup_key.startsWith(prefix));
  const byKey = new Map(incidents.map((i) => [i.dedup_key, i]));
  const lost = [...expected].filter((k) => !byKey.has(k));
  const extra = [...byKey.keys()].filter((k) => !expected.has(k));
  if (lost.length > 0) problems.push(`${lost.length} alerts never reached PagerDuty: ${lost.slice(0, 10).join(', ')}`);
  if (extra.length > 0)
    problems.push(`${extra.length} incidents for alerts that do not exist: ${extra.slice(0, 10).join(', ')}`);

  const eventsByKey = new Map<string, AcceptedEvent[]>();
  for (const e of input.events) {
    const key = String(e.event.dedup_key);
    if (!key.startsWith(prefix)) continue;
    eventsByKey.set(key, [...(eventsByKey.get(key) ?? []), e]);
  }

  const triggersPerKey: Record<string, number> = {};
  let triggerEvents = 0;
  let resolveEvents = 0;
  let retriggers = 0;
  let keysRetriggered = 0;
  for (const incident of incidents) {
    const key = incident.dedup_key;
    const isCleared = cleared.has(key);
    const wanted = isCleared ? { status: 'resolved', resolves: 1 } : { status: 'triggered', resolves: 0 };
    if (incident.opened !== 1) problems.push(`${key} was opened ${incident.opened} times`);
    if (incident.dropped !== 0)
      problems.push(`${key} had ${incident.dropped} resolves or acknowledges that matched nothing open`);
    if (incident.status !== wanted.status || incident.resolves !== wanted.resolves) {
      problems.push(
        `${key} is ${incident.status} with ${incident.resolves} resolves; expected ${wanted.status} with ${wanted.resolves}`,
      );
    }
    const events = eventsByKey.get(key) ?? [];
    const actions = events.map((e) => String(e.event.event_action));
    const triggers = actions.filter((a) => a === 'trigger').length;
    const resolves = actions.filter((a) => a === 'resolve').length;
    if (actions[0] !== 'trigger')
      problems.push(`${key}: the first event is ${actions[0] ?? 'missing'}, not the trigger`);
    if (resolves !== wanted.resolves) problems.push(`${key}: ${resolves} resolve events; expected ${wanted.resolves}`);
    if (actions.some((a) => a !== 'trigger' && a !== 'resolve'))
      problems.push(`${key}: unexpected actions ${actions.join(',')}`);
    if (triggers !== incident.triggers)
      problems.push(`${key}: ${triggers} trigger events but the incident counts ${incident.triggers}`);
    triggersPerKey[String(triggers)] = (triggersPerKey[String(triggers)] ?? 0) + 1;
    triggerEvents += triggers;
    resolveEvents += resolves;
    retriggers += Math.max(0, triggers - 1);
    if (triggers > 1) keysRetriggered++;
  }
  const times = [...eventsByKey.values()]
    .flat()
    .map((e) => Date.parse(e.receivedAt))
    .sort((a, b) => a - b);
  const longestGapMs = times.slice(1).reduce((longest, t, i) => Math.max(longest, t - times[i]!), 0);
  return {
    problems,
    report: {
      alerts: expected.size,
      cleared: cleared.size,
      incidents: incidents.length,
      resolved: incidents.filter((i) => i.status === 'resolved').length,
      triggerEvents,
      resolveEvents,
      retriggers,
      keysRetriggered,
      triggersPerKey,
      longestEventGapSeconds: Math.round(longestGapMs / 100) / 10,
    },
  };
}

/** {@link checkExactlyOnce} as a Jest assertion: fails listing every problem, returns the report otherwise. */
export function expectExactlyOnce(input: Parameters<typeof checkExactlyOnce>[0]): ExactlyOnceReport {
  const { problems, report } = checkExactlyOnce(input);
  expect(problems).toEqual([]);
  return report;
}
