import { coveringWindow, occurrenceAt } from '../routing/maintenance-windows';
import type { AlertFacts } from '../routing/route-types';
import type { AdHocWindow, CoveringWindow, WindowSchedule } from '../routing/window-types';
import type { PollerStatus, SuppressedAlert } from '../shared/types';

/** Most operator windows one poller keeps: beyond it a new one is refused (a runaway script, not maintenance). */
export const MAX_AD_HOC_WINDOWS = 100;

/**
 * A poller's maintenance windows: those operators opened (the scheduled ones are in its settings) and the alerts whose
 * delivery started inside one, so closing or extending a window reaches them. Part of the poller's state.
 */
export class WindowState {
  private readonly adHoc: Map<string, AdHocWindow>;
  private readonly suppressed: Map<string, SuppressedAlert>;

  constructor(windows?: AdHocWindow[], suppressed?: SuppressedAlert[]) {
    this.adHoc = new Map((windows ?? []).map((w) => [w.id, { ...w }]));
    this.suppressed = new Map((suppressed ?? []).map((s) => [s.alertId, s]));
  }

  /** Opens a window, or moves the end of the open one with that id; false when the poller already holds too many. */
  open(window: AdHocWindow): boolean {
    if (!this.adHoc.has(window.id) && this.adHoc.size >= MAX_AD_HOC_WINDOWS) return false;
    this.adHoc.set(window.id, window);
    return true;
  }

  /** Ends a window now; false when no such window is open. */
  close(id: string): boolean {
    return this.adHoc.delete(id);
  }

  /** The window an alert falls in now, among the scheduled and the operators' ones. */
  covering(schedules: readonly WindowSchedule[], facts: AlertFacts, routes: readonly string[], now: number) {
    return coveringWindow(schedules, [...this.adHoc.values()], facts, routes, now);
  }

  /** Notes an alert whose delivery started suppressed by a window, with what decides which windows cover it. */
  suppress(alertId: string, window: CoveringWindow, facts: AlertFacts, routes: readonly string[]): void {
    this.suppressed.set(alertId, { alertId, window: window.id, facts, routes: [...routes] });
  }

  /**
   * Works out again which window holds each of these suppressed alerts now (after a window closed, moved or left the
   * settings): the one ending last that still covers it, or none. Returns each alert's new end (now: it pages).
   */
  recover(alertIds: readonly string[], schedules: readonly WindowSchedule[], now: number): [string, number][] {
    return alertIds.flatMap((alertId) => {
      const s = this.suppressed.get(alertId);
      if (!s) return [];
      const window = this.covering(schedules, s.facts, s.routes, now);
      if (window) this.suppressed.set(alertId, { ...s, window: window.id });
      else this.suppressed.delete(alertId);
      return [[alertId, window?.end ?? now] as [string, number]];
    });
  }

  /** Every suppressed alert's id. */
  suppressedIds(): string[] {
    return [...this.suppressed.keys()];
  }

  /** Forgets a suppressed alert (it cleared: its delivery ends without a page). */
  forget(alertId: string): void {
    this.suppressed.delete(alertId);
  }

  /** The window that holds an alert's delivery, if one does. */
  windowOf(alertId: string): string | undefined {
    return this.suppressed.get(alertId)?.window;
  }

  /** The alerts suppressed by a window. */
  alertsOf(windowId: string): string[] {
    return [...this.suppressed.values()].flatMap((s) => (s.window === windowId ? [s.alertId] : []));
  }

  /** Drops the operators' windows that are over, and the suppressed alerts of windows no longer on (they paged). */
  prune(schedules: readonly WindowSchedule[], now: number): void {
    for (const [id, w] of this.adHoc) if (w.end <= now) this.adHoc.delete(id);
    const on = new Set([...this.adHoc.keys(), ...schedules.filter((s) => occurrenceAt(s, now)).map((s) => s.name)]);
    for (const [alertId, s] of this.suppressed) if (!on.has(s.window)) this.suppressed.delete(alertId);
  }

  /** What `status` shows: the windows on now, and the alerts each holds. */
  status(schedules: readonly WindowSchedule[], now: number): Pick<PollerStatus, 'windows' | 'suppressed'> {
    const windows: PollerStatus['windows'] = [];
    for (const s of schedules) {
      const on = occurrenceAt(s, now);
      if (on)
        windows.push({
          id: s.name,
          end: new Date(on.end).toISOString(),
          scope: s.scope,
          scheduled: true,
          ...(s.reason ? { reason: s.reason } : {}),
        });
    }
    for (const w of this.adHoc.values())
      if (w.end > now)
        windows.push({
          id: w.id,
          end: new Date(w.end).toISOString(),
          scope: w.scope,
          scheduled: false,
          ...(w.reason ? { reason: w.reason } : {}),
        });
    const suppressed: Record<string, string[]> = {};
    for (const s of this.suppressed.values()) (suppressed[s.window] ??= []).push(s.alertId);
    return { windows, suppressed };
  }

  /** The state for the next run. */
  toInput(): { windows?: AdHocWindow[]; suppressed?: SuppressedAlert[] } {
    return {
      ...(this.adHoc.size > 0 ? { windows: [...this.adHoc.values()] } : {}),
      ...(this.suppressed.size > 0 ? { suppressed: [...this.suppressed.values()] } : {}),
    };
  }
}
