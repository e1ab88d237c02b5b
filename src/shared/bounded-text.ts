/** What a cut string ends with, so a reader knows there was more. */
export const TRUNCATION_MARKER = '…[truncated]';

// A lone surrogate cannot be encoded as UTF-8: the Temporal core refuses any command string that holds one, and the
// worker then shuts down. Replaced, never passed on.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// C0 and C1 controls, DEL, and the bidirectional overrides and isolates that can make a summary read differently from
// what it says ("Trojan Source"). Tab and line feed are kept only where text may span lines. Matching control
// characters is the point here.
// eslint-disable-next-line no-control-regex
const CONTROLS_MULTI_LINE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS_SINGLE_LINE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u2028\u2029]/g;

/** True when a string holds no lone surrogate, so it can travel as UTF-8. */
export function isWellFormed(text: string): boolean {
  return !new RegExp(LONE_SURROGATE.source).test(text);
}

/** True when a string holds no control, bidirectional-override or line-separator character. */
export function isSingleLinePrintable(text: string): boolean {
  return !new RegExp(CONTROLS_SINGLE_LINE.source).test(text);
}

/**
 * Makes outside text safe to carry and show: lone surrogates become U+FFFD, control characters a space (line breaks
 * kept when `multiLine`), surrounding blanks trimmed, and text longer than `maxChars` code points cut with
 * {@link TRUNCATION_MARKER}, never inside a surrogate pair.
 */
export function boundText(text: string, maxChars: number, multiLine = false): string {
  const cleaned = text
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(multiLine ? CONTROLS_MULTI_LINE : CONTROLS_SINGLE_LINE, ' ')
    .trim();
  const codePoints = Array.from(cleaned);
  if (codePoints.length <= maxChars) return cleaned;
  return `${codePoints.slice(0, Math.max(0, maxChars - TRUNCATION_MARKER.length)).join('')}${TRUNCATION_MARKER}`;
}

/**
 * Cuts text to at most `maxBytes` bytes of UTF-8 (with {@link TRUNCATION_MARKER} when cut), for fields the server
 * limits by size rather than by characters, such as a workflow's summary.
 */
export function boundUtf8(text: string, maxBytes: number): string {
  const size = (s: string) => Array.from(s).reduce((n, c) => n + utf8Length(c.codePointAt(0)!), 0);
  if (size(text) <= maxBytes) return text;
  const budget = maxBytes - size(TRUNCATION_MARKER);
  let kept = '';
  let used = 0;
  for (const c of Array.from(text)) {
    const n = utf8Length(c.codePointAt(0)!);
    if (used + n > budget) break;
    kept += c;
    used += n;
  }
  return `${kept}${TRUNCATION_MARKER}`;
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}
