import { simCall } from '../../simulators/control-client';
import type { AcceptedEvent } from '../../simulators/pagerduty/server';
import { dedupKey, type BenchAppliance, type Sims } from './stack';
import { round } from './stats';
import { waitUntil } from './processes';

/** When each dedup key's first event of one action reached PagerDuty (the simulator's receivedAt, epoch ms). */
export async function firstEvents(sims: Sims, action: 'trigger' | 'resolve' = 'trigger'): Promise<Map<string, number>> {
  const events = await sims.pd.events();
  const out = new Map<string, number>();
  for (const e of events) {
    if (e.event.event_action !== action) continue;
    const key = String(e.event.dedup_key);
    if (!out.has(key)) out.set(key, Date.parse(e.receivedAt));
  }
  return out;
}

/** When each dedup key's first trigger reached PagerDuty. */
export function firstTriggers(sims: Sims): Promise<Map<string, number>> {
  return firstEvents(sims, 'trigger');
}

/** Waits until PagerDuty has an event of `action` for every key; answers their first arrival times. */
export async function waitForEvents(
  sims: Sims,
  keys: readonly string[],
  timeoutMs: number,
  action: 'trigger' | 'resolve',
): Promise<Map<string, number>> {
  return waitUntil(
    `${keys.length} ${action}s at PagerDuty`,
    () => firstEvents(sims, action),
    (m) => keys.every((k) => m.has(k)),
    timeoutMs,
    250,
  );
}

/** Waits until PagerDuty has a trigger for every key; answers their first arrival times. */
export function waitForTriggers(sims: Sims, keys: readonly string[], timeoutMs: number): Promise<Map<string, number>> {
  return waitForEvents(sims, keys, timeoutMs, 'trigger');
}

/**
 * Like {@link waitForTriggers}, but on timeout answers what did arrive instead of failing: a saturated fleet is a
 * result, not a broken bench.
 */
export async function triggersWithin(
  sims: Sims,
  keys: readonly string[],
  timeoutMs: number,
): Promise<Map<string, number>> {
  try {
    return await waitForTriggers(sims, keys, timeoutMs);
  } catch {
    return firstTriggers(sims);
  }
}

/** The dedup keys of every alert the simulators of `appliances` hold. */
export async function expectedKeys(sims: Sims, appliances: readonly BenchAppliance[]): Promise<string[]> {
  const keys: string[] = [];
  for (const a of appliances) {
    const alerts = await simCall<{ uri: string }[]>(sims.ready.oneView[a.sim]!.url, 'GET', '/_sim/alerts');
    for (const alert of alerts) keys.push(dedupKey(a.id, alert.uri.slice(alert.uri.lastIndexOf('/') + 1)));
  }
  return keys;
}

/** Exactly-once check of a run: duplicate triggers and lost alerts, from PagerDuty's own incident records. */
export interface DeliveryCheck {
  expected: number;
  delivered: number;
  /** Trigger events beyond the first for one dedup key. */
  duplicates: number;
  /** Expected alerts PagerDuty never got a trigger for. */
  lost: number;
  /** Triggers for keys not expected (another phase's leftovers would show here). */
  unexpected: number;
}

/** Counts events per dedup key at PagerDuty. */
export async function checkDeliveries(sims: Sims, expected: readonly string[]): Promise<DeliveryCheck> {
  const incidents = await sims.pd.incidents();
  const want = new Set(expected);
  const byKey = new Map(incidents.map((i) => [i.dedup_key, i]));
  let duplicates = 0;
  let unexpected = 0;
  for (const i of incidents) {
    if (i.triggers > 1) duplicates += i.triggers - 1;
    if (!want.has(i.dedup_key) && i.triggers > 0) unexpected++;
  }
  const lost = expected.filter((k) => (byKey.get(k)?.triggers ?? 0) === 0).length;
  return { expected: expected.length, delivered: expected.length - lost, duplicates, lost, unexpected };
}

/** Timing of a burst: first and last arrival after `t0`, drain time and rate. */
export interface DrainTiming {
  firstSeconds: number;
  drainSeconds: number;
  alertsPerSecond: number;
  /** Most events one routing key had accepted in any 60 s window. */
  maxPerKeyPer60s: number;
}

/** Drain timing of the triggers for `keys` after `t0`, from the simulator's arrival times. */
export function drainTiming(events: AcceptedEvent[], keys: readonly string[], t0: number): DrainTiming {
  const want = new Set(keys);
  const mine = events.filter((e) => e.event.event_action === 'trigger' && want.has(String(e.event.dedup_key)));
  const times = mine.map((e) => Date.parse(e.receivedAt)).sort((a, b) => a - b);
  const first = times[0] ?? t0;
  const last = times[times.length - 1] ?? t0;
  const byKey = new Map<string, number[]>();
  for (const e of mine) {
    const k = String(e.event.routing_key);
    const list = byKey.get(k) ?? [];
    list.push(Date.parse(e.receivedAt));
    byKey.set(k, list);
  }
  let maxPerKeyPer60s = 0;
  for (const list of byKey.values()) {
    list.sort((a, b) => a - b);
    let lo = 0;
    for (let hi = 0; hi < list.length; hi++) {
      while (list[hi]! - list[lo]! >= 60_000) lo++;
      maxPerKeyPer60s = Math.max(maxPerKeyPer60s, hi - lo + 1);
    }
  }
  const drainSeconds = (last - t0) / 1000;
  return {
    firstSeconds: round((first - t0) / 1000, 3),
    drainSeconds: round(drainSeconds, 3),
    alertsPerSecond: round(times.length / Math.max(0.001, drainSeconds), 1),
    maxPerKeyPer60s,
  };
}

/** Resets the simulators of the first `count` appliances and PagerDuty (alerts, sessions, request logs, events). */
export async function resetSims(sims: Sims, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await sims.sim(i).resetOneView();
  await simCall(sims.ready.pagerDuty.url, 'POST', '/_sim/reset');
}

/** A OneView alert resource as an appliance would push it (same shape and size as the simulator's own). */
export function pushedAlert(id: number, at = new Date().toISOString()): Record<string, unknown> {
  const bay = (id % 16) + 1;
  const resourceUri = `/rest/server-hardware/30373737-3237-4D32-3230-3135303147${String(bay).padStart(2, '0')}`;
  return {
    type: 'AlertResourceV3',
    uri: `/rest/alerts/${id}`,
    category: 'alerts',
    description: 'The power supply in bay 2 has failed.',
    correctiveAction: 'Replace the power supply in bay 2.',
    severity: 'Critical',
    alertState: 'Active',
    urgency: 'High',
    healthCategory: 'Power',
    alertTypeID: 'Trap.cpqHe4FltTolPowerSupplyFailed',
    physicalResourceType: 'server-hardware',
    resourceUri,
    associatedResource: {
      resourceName: `Encl1, bay ${bay}`,
      resourceUri,
      resourceCategory: 'server-hardware',
      associationType: 'HAS_A',
    },
    created: at,
    modified: at,
    eTag: at,
  };
}

/** The id (last URI segment) of an alert the simulator answered. */
export function idOf(alert: { uri: string }): string {
  return alert.uri.slice(alert.uri.lastIndexOf('/') + 1);
}
