import type { PollerStatusEntry } from '../../src/client/poller-operations';

/** Column headings and text cells: what a table printer needs, with no printing of its own. */
export interface TextTable {
  columns: string[];
  rows: string[][];
}

/** Longest error text shown in a table cell; the whole message is in `--json` and the Web UI. */
const MAX_ERROR_CHARS = 80;

/** The `status` table of pollers: one row per appliance, times relative to `now`. */
export function pollerStatusTable(entries: PollerStatusEntry[], now = Date.now()): TextTable {
  const columns = ['APPLIANCE', 'HOST', 'PAUSED', 'SESSION', 'LAST POLL', 'RESULT', 'FAILURES', 'BLIND', 'NEXT POLL', 'DELIVERIES', 'CLEARS', 'BUS', 'LAST ERROR'];
  const rows = entries.map(({ applianceId, status: s, error }) => {
    if (!s) return [applianceId, '?', '?', '?', '?', 'unknown', '?', '?', '?', '?', '?', '?', truncate(`status query failed: ${error ?? 'unknown error'}`)];
    return [
      applianceId,
      s.applianceHost,
      s.paused ? 'yes' : 'no',
      s.sessionValid ? 'valid' : 'none',
      relativeTime(s.lastPollAt, now),
      s.lastPollResult ?? '-',
      String(s.consecutiveFailures),
      // Unread since when; 'paged' once the appliance's own incident is open.
      s.blindIncidentOpen ? 'paged' : s.failingSince ? relativeTime(s.failingSince, now).replace(/ ago$/, '') : '-',
      s.paused ? 'paused' : relativeTime(s.nextPollAt, now),
      String(s.counters.deliveriesStarted),
      String(s.counters.clearsSignalled),
      // The appliance's message bus: '-' when it is off.
      s.scmb ? (s.scmb.connected ? 'connected' : 'down') : '-',
      s.lastError ? truncate(`${s.lastErrorType ? `${s.lastErrorType}: ` : ''}${s.lastError}`) : '-',
    ];
  });
  return { columns, rows };
}

/** `12s ago`, `in 3m 5s`, `-` when unset. */
export function relativeTime(iso: string | undefined, now: number): string {
  if (!iso) return '-';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const delta = Math.round((at - now) / 1000);
  const span = duration(Math.abs(delta));
  return delta > 0 ? `in ${span}` : `${span} ago`;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86_400)}d ${Math.floor((seconds % 86_400) / 3600)}h`;
}

function truncate(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > MAX_ERROR_CHARS ? `${line.slice(0, MAX_ERROR_CHARS - 1)}…` : line;
}
