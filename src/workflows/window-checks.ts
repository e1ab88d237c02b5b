import { boundText, isSingleLinePrintable, isWellFormed } from '../shared/bounded-text';
import { timestamp } from '../shared/alert-record';
import { ROUTE_MATCH_FIELDS } from '../routing/route-types';
import type { AdHocWindow, WindowScope } from '../routing/window-types';

const WINDOW_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const MAX_PATTERNS = 50;
/** Longest window an operator can open: a week (longer quiet is a retired appliance or a drop route). */
export const MAX_WINDOW_MS = 7 * 86_400_000;

/**
 * An `openWindow` payload as a window to keep, or why not. Anyone with access to Temporal can signal, so every field
 * is held to what the script sends: an id, a scope of known fields and bounded patterns, an end within a week.
 */
export function checkOpenWindow(payload: unknown, now: number): { window: AdHocWindow } | { problem: string } {
  if (typeof payload !== 'object' || payload === null) return { problem: 'not an object' };
  const p = payload as Record<string, unknown>;
  if (typeof p.id !== 'string' || !WINDOW_ID.test(p.id))
    return { problem: "id must be 1-63 lower-case letters, digits or '-'" };
  const scope = checkScope(p.scope);
  if (!scope)
    return { problem: `scope must name known fields (${[...ROUTE_MATCH_FIELDS, 'route'].join(', ')}) with patterns` };
  const end = timestamp(p.end);
  if (!end) return { problem: 'end must be an ISO-8601 date-time with a time zone' };
  const endMs = Date.parse(end);
  if (endMs <= now) return { problem: 'end is not in the future' };
  if (endMs - now > MAX_WINDOW_MS) return { problem: 'a window lasts at most a week' };
  const reason = typeof p.reason === 'string' ? boundText(p.reason, 200) : undefined;
  return { window: { id: p.id, scope, end: endMs, opened: now, ...(reason ? { reason } : {}) } };
}

/** A `closeWindow` payload's window id, or undefined. */
export function checkCloseWindow(payload: unknown): string | undefined {
  const id = (payload as { id?: unknown } | null)?.id;
  return typeof id === 'string' && WINDOW_ID.test(id) ? id : undefined;
}

function checkScope(value: unknown): WindowScope | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const scope: WindowScope = {};
  for (const [field, raw] of Object.entries(value)) {
    if (field !== 'route' && !(ROUTE_MATCH_FIELDS as readonly string[]).includes(field)) return undefined;
    const patterns = typeof raw === 'string' ? [raw] : raw;
    if (
      !Array.isArray(patterns) ||
      patterns.length === 0 ||
      patterns.length > MAX_PATTERNS ||
      patterns.some(
        (x) =>
          typeof x !== 'string' || x.length === 0 || x.length > 256 || !isWellFormed(x) || !isSingleLinePrintable(x),
      )
    )
      return undefined;
    scope[field as keyof WindowScope] = patterns as string[];
  }
  return scope;
}
