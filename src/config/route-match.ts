import { ONEVIEW_SEVERITIES } from '../shared/alert-record';
import { isSingleLinePrintable, isWellFormed } from '../shared/bounded-text';
import { isGlob } from '../routing/glob-match';
import { ROUTE_MATCH_FIELDS, type RouteMatch } from '../routing/route-types';

const MAX_PATTERN = 256;

/**
 * Reads a `match` (or `exclude`, or a window's scope) of ROUTES_FILE: known fields only, each a pattern or a list of
 * them; exact severities and appliance ids that cannot occur are problems, since a rule that never matches routes
 * nothing, silently. `optional`: an absent or empty match is allowed (it matches everything).
 */
export function readMatch(
  raw: unknown,
  at: string,
  problems: string[],
  applianceIds: readonly string[] | undefined,
  optional: boolean,
): RouteMatch {
  if (raw === undefined && optional) return {};
  if (!isObject(raw)) {
    problems.push(`${at} must be an object such as {"healthCategory": ["Power"]}`);
    return {};
  }
  const match: RouteMatch = {};
  for (const [field, value] of Object.entries(raw)) {
    if (!(ROUTE_MATCH_FIELDS as readonly string[]).includes(field)) {
      problems.push(`${at}.${field} is not a field routes match on (${ROUTE_MATCH_FIELDS.join(', ')})`);
      continue;
    }
    const patterns = typeof value === 'string' ? [value] : value;
    if (
      !Array.isArray(patterns) ||
      patterns.length === 0 ||
      patterns.some((p) => typeof p !== 'string' || !isPattern(p))
    ) {
      problems.push(`${at}.${field} must be a pattern or a non-empty list of patterns (printable, 1-${MAX_PATTERN})`);
      continue;
    }
    const key = field as keyof RouteMatch;
    match[key] = patterns as string[];
    // Exact values that cannot occur are typos: a rule that never matches would route nothing, silently.
    const exact = (patterns as string[]).filter((p) => !isGlob(p));
    if (key === 'severity') {
      const unknown = exact.filter((p) => !ONEVIEW_SEVERITIES.some((s) => s.toLowerCase() === p.toLowerCase()));
      if (unknown.length > 0)
        problems.push(
          `${at}.severity: ${unknown.join(', ')} is not a OneView severity (${ONEVIEW_SEVERITIES.join(', ')})`,
        );
    }
    if (key === 'appliance' && applianceIds) {
      const unknown = exact.filter((p) => !applianceIds.some((id) => id === p.toLowerCase()));
      if (unknown.length > 0) problems.push(`${at}.appliance: ${unknown.join(', ')} is not a configured appliance`);
    }
  }
  if (!optional && Object.keys(match).length === 0) problems.push(`${at} must name at least one field`);
  return match;
}

function isPattern(p: string): boolean {
  return p.length > 0 && p.length <= MAX_PATTERN && isWellFormed(p) && isSingleLinePrintable(p);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
