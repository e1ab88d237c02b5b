const MARKER = '…';
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Cuts text to at most `maxCodePoints` code points (PagerDuty counts characters; Alertmanager counts runes), ending in
 * `…` when cut. It cuts between graphemes, so neither a surrogate pair nor an accent and its letter are split.
 */
export function truncateGraphemes(text: string, maxCodePoints: number): string {
  if (Array.from(text).length <= maxCodePoints) return text;
  const budget = maxCodePoints - 1;
  let kept = '';
  let used = 0;
  for (const { segment } of segmenter.segment(text)) {
    const size = Array.from(segment).length;
    if (used + size > budget) break;
    kept += segment;
    used += size;
  }
  return `${kept}${MARKER}`;
}
