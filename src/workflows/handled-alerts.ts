import type { AlertRecord, HandledAlert } from '../shared/types';

/** How to start a delivery for an active alert version, or not at all. */
export type StartDecision =
  /** This version (or a newer one) was already decided: a duplicate, a stale push, or a delivery resolved by hand. */
  | 'skip'
  /** Never seen by this poller: start, but respect any delivery of the same ID that ended within retention. */
  | 'first'
  /** A newer version of an alert whose delivery may have ended (re-activated, or changed after a hand resolve): start again. */
  | 'again';

/** Entries kept at most; beyond it the oldest cleared ones go first (a warning is logged by the poller). */
export const MAX_HANDLED_ALERTS = 5000;

/** Retention assumed when the namespace's is unknown; long, because forgetting too early misses a re-activation. */
const DEFAULT_RETENTION_MS = 90 * 24 * 3_600_000;

/** Margin past retention: a delivery may close well after its clear was seen (a resolve retried through an outage). */
const RETENTION_MARGIN_MS = 7 * 24 * 3_600_000;

interface Entry {
  modified: string;
  modifiedMs: number;
  clearedAt?: number;
}

/**
 * The poller's memory of which alert versions it has decided about, carried across continue-as-new. A delivery's
 * workflow ID only rejects duplicates while its run is open or retained, so this memory is what keeps an alert resolved
 * by hand or refused by PagerDuty quiet until OneView changes it (a newer `modified`), even past retention, and what
 * lets a re-activated alert, whose delivery completed, page again.
 */
export class HandledAlerts {
  private readonly byId = new Map<string, Entry>();

  constructor(entries: readonly HandledAlert[] = []) {
    for (const [id, modified, clearedAt] of entries) {
      const modifiedMs = Date.parse(modified);
      if (typeof id === 'string' && !Number.isNaN(modifiedMs))
        this.byId.set(id, { modified, modifiedMs, ...(clearedAt !== undefined ? { clearedAt } : {}) });
    }
  }

  /** Number of alerts remembered. */
  get size(): number {
    return this.byId.size;
  }

  /** Whether and how a delivery should start for this active version of an alert. */
  decide(alert: AlertRecord): StartDecision {
    const entry = this.byId.get(alert.id);
    if (!entry) return 'first';
    return Date.parse(alert.modified) > entry.modifiedMs ? 'again' : 'skip';
  }

  /** Remembers that a delivery runs (or ran) for this active version. */
  recordActive(alert: AlertRecord): void {
    this.byId.set(alert.id, { modified: alert.modified, modifiedMs: Date.parse(alert.modified) });
  }

  /**
   * Remembers that an alert is over (cleared, or gone from the appliance) as of `now`; a later push of an older
   * version then stays quiet, and only a newer one pages.
   */
  recordCleared(id: string, modified: string | undefined, now: number): void {
    const entry = this.byId.get(id);
    const modifiedMs = modified === undefined ? Number.NaN : Date.parse(modified);
    const newer = !Number.isNaN(modifiedMs) && (!entry || modifiedMs > entry.modifiedMs);
    if (!entry && !newer) return;
    this.byId.set(
      id,
      newer ? { modified: modified!, modifiedMs, clearedAt: now } : { ...entry!, clearedAt: entry!.clearedAt ?? now },
    );
  }

  /** Ids remembered as active (a delivery started for them and no clear seen since). */
  /** What is remembered of one alert: the version decided about, and when it was seen cleared. */
  get(id: string): { modified: string; clearedAt?: number } | undefined {
    const e = this.byId.get(id);
    return e ? { modified: e.modified, ...(e.clearedAt !== undefined ? { clearedAt: e.clearedAt } : {}) } : undefined;
  }

  activeIds(): string[] {
    return [...this.byId].filter(([, e]) => e.clearedAt === undefined).map(([id]) => id);
  }

  /**
   * Forgets cleared alerts whose delivery can no longer be retained (so a first start is no longer rejected), then,
   * above {@link MAX_HANDLED_ALERTS}, the oldest entries; answers how many were forgotten only for the cap.
   */
  prune(now: number, retentionMs = DEFAULT_RETENTION_MS): number {
    for (const [id, e] of this.byId) {
      if (e.clearedAt !== undefined && now - e.clearedAt > retentionMs + RETENTION_MARGIN_MS) this.byId.delete(id);
    }
    const excess = this.byId.size - MAX_HANDLED_ALERTS;
    if (excess <= 0) return 0;
    const oldestFirst = [...this.byId].sort(([, a], [, b]) => activeLast(a) - activeLast(b) || since(a) - since(b));
    for (const [id] of oldestFirst.slice(0, excess)) this.byId.delete(id);
    return excess;
  }

  /** The memory as continue-as-new carries it. */
  entries(): HandledAlert[] {
    return [...this.byId].map(([id, e]) =>
      e.clearedAt === undefined ? [id, e.modified] : [id, e.modified, e.clearedAt],
    );
  }
}

// Cleared entries are forgotten before active ones (forgetting an active one may page it again), each oldest first.
const activeLast = (e: Entry) => (e.clearedAt === undefined ? 1 : 0);
const since = (e: Entry) => e.clearedAt ?? e.modifiedMs;
