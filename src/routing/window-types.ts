import type { RouteMatch } from './route-types';

/**
 * What a maintenance window covers: every field given must match the alert (an empty scope covers every alert of the
 * appliance); `route` matches the routes the alert would page through.
 */
export interface WindowScope extends RouteMatch {
  route?: string[];
}

/** A window written in ROUTES_FILE: one-off (`once`) or weekly, in UTC; as workflows carry it. */
export interface WindowSchedule {
  /** Unique, 1-63 lower-case letters, digits and '-'. */
  name: string;
  scope: WindowScope;
  reason?: string;
  /** Epoch milliseconds. */
  once?: { start: number; end: number };
  /** Days 0 (Sunday) to 6, start as minutes after midnight UTC, and length. */
  weekly?: { days: number[]; startMinute: number; durationMinutes: number };
}

/** A window opened by an operator (script, signal, Web UI): until `end`, epoch milliseconds. */
export interface AdHocWindow {
  id: string;
  scope: WindowScope;
  end: number;
  reason?: string;
  /** When it was opened (workflow time). */
  opened: number;
}

/** The window an alert falls in now, and when it ends (epoch milliseconds). */
export interface CoveringWindow {
  id: string;
  end: number;
}
