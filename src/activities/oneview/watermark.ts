import type { AlertRecord, AlertWatermark } from '../../shared/types';

/**
 * Drops the alerts a previous poll already handled (same `modified` as the watermark and listed there) and moves the
 * watermark to the newest `modified` seen, remembering every id at that instant, so that alerts sharing a timestamp
 * across a page or poll boundary are neither missed nor handled twice.
 */
export function applyWatermark(
  alerts: AlertRecord[],
  watermark: AlertWatermark | undefined,
): { fresh: AlertRecord[]; watermark: AlertWatermark | undefined } {
  const at = (iso: string) => Date.parse(iso);
  const handledAtMark = new Set(watermark?.idsAtModified ?? []);
  const markTime = watermark ? at(watermark.modified) : -Infinity;
  const fresh = alerts
    .filter((a) => !(at(a.modified) === markTime && handledAtMark.has(a.id)))
    .filter((a) => at(a.modified) >= markTime)
    .sort((a, b) => at(a.modified) - at(b.modified));

  let next = watermark;
  for (const a of fresh) {
    const t = at(a.modified);
    if (!next || t > at(next.modified)) next = { modified: a.modified, idsAtModified: [a.id] };
    else if (t === at(next.modified) && !next.idsAtModified.includes(a.id)) {
      next = { modified: next.modified, idsAtModified: [...next.idsAtModified, a.id] };
    }
  }
  return { fresh, watermark: next };
}
