import type { AlertWatermark } from '../../shared/types';

/** Page size asked for; OneView caps alert pages at 25 whatever is asked, so paging is never optional. */
export const ALERT_PAGE_SIZE = 25;

/**
 * The first-page URI of an incremental alert query: alerts modified since the watermark (all states, so clears are
 * seen), or on the first poll every alert not yet cleared; severity filtered on the appliance; oldest change first.
 */
export function alertQueryPath(watermark: AlertWatermark | undefined, severities: readonly string[]): string {
  const filters: string[] = [];
  if (severities.length > 0) filters.push(severities.map((s) => `severity EQ '${quote(s)}'`).join(' OR '));
  filters.push(watermark ? `modified GE '${quote(watermark.modified)}'` : `alertState NE 'Cleared'`);
  const params = new URLSearchParams({ start: '0', count: String(ALERT_PAGE_SIZE) });
  for (const f of filters) params.append('filter', `"${f}"`);
  params.append('sort', 'modified:ascending');
  return `/rest/alerts?${params.toString()}`;
}

function quote(value: string): string {
  return value.replace(/'/g, "''");
}

/** The newest change of any alert, whatever its state or severity: where a poll that found nothing active starts. */
export function newestChangePath(): string {
  const params = new URLSearchParams({ start: '0', count: '1', sort: 'modified:descending' });
  return `/rest/alerts?${params.toString()}`;
}
