import { ONEVIEW_SEVERITIES } from '../shared/alert-record';
import { APPLIANCE_ID_PATTERN } from '../shared/workflow-ids';
import { hasUserInfo, parseUrlValue, shownUrl } from './safe-url';

/** An Events API v2 integration key: 32 letters and digits. */
export const ROUTING_KEY_PATTERN = /^[A-Za-z0-9]{32}$/;

/** `https://host[:port]` from a host, host:port or URL; undefined when it is none of these or names a user. */
export function toBaseUrl(host: string): string | undefined {
  if (!host || hasUserInfo(host)) return undefined;
  const url = parseUrlValue(host);
  if (
    !url ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.pathname.length > 1 ||
    url.search ||
    url.hash
  ) {
    return undefined;
  }
  return `${url.protocol}//${url.host}`;
}

/** A default appliance id from its URL: the host (and port), lower-cased, with anything else turned into dashes. */
export function applianceIdFromUrl(baseUrl: string): string {
  return new URL(baseUrl).host
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Checks the fields every appliance has, whether from the environment or from APPLIANCES_FILE; `label` names a field
 * and `credentials` the settings that hold the user name and password. No problem repeats a secret.
 */
export function checkApplianceFields(
  fields: { id: string; host: string; baseUrl?: string; severities: string[]; routingKey: string },
  label: (field: 'id' | 'host' | 'severities' | 'routingKey') => string,
  problems: string[],
  credentials: string,
): void {
  if (fields.host && hasUserInfo(fields.host)) {
    // The value is not repeated even in part: it holds a password, and the host also ends up in logs and events.
    problems.push(`${label('host')} must not contain a user name or password; use ${credentials}`);
  } else if (fields.host && !fields.baseUrl) {
    problems.push(
      `${label('host')} must be a host name, host:port or http(s) URL without a path, got ${shownUrl(fields.host)}`,
    );
  }
  if (fields.id && !APPLIANCE_ID_PATTERN.test(fields.id)) {
    problems.push(`${label('id')} must be 1-63 lower-case letters, digits, dots or dashes, got '${fields.id}'`);
  }
  const unknown = fields.severities.filter((s) => !(ONEVIEW_SEVERITIES as readonly string[]).includes(s));
  if (unknown.length > 0 || fields.severities.length === 0) {
    problems.push(
      `${label('severities')} must list some of ${ONEVIEW_SEVERITIES.join(', ')}, got '${unknown.join(',')}'`,
    );
  }
  if (fields.routingKey && !ROUTING_KEY_PATTERN.test(fields.routingKey)) {
    // Never echo the key: a wrong one may still be a real secret of another integration.
    problems.push(`${label('routingKey')} must be a 32-character Events API v2 integration key (letters and digits)`);
  }
}

const PAGERDUTY_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;

/**
 * Parses a severity map override, `Critical=critical,Warning=error` (environment) or `{"Warning": "error"}` (file);
 * keys are OneView severities, values PagerDuty's.
 */
export function parseSeverityMap(
  raw: string | Record<string, unknown> | undefined,
  label: string,
  problems: string[],
): ApplianceSeverityMap | undefined {
  if (raw === undefined) return undefined;
  const pairs: [string, unknown][] =
    typeof raw === 'string'
      ? raw
          .split(',')
          .filter((p) => p.trim() !== '')
          .map((p) => {
            const [k = '', v = ''] = p.split('=');
            return [k.trim(), v.trim()];
          })
      : Object.entries(raw);
  const map: ApplianceSeverityMap = {};
  for (const [key, value] of pairs) {
    const from = ONEVIEW_SEVERITIES.find((s) => s.toLowerCase() === key.toLowerCase());
    const to = PAGERDUTY_SEVERITIES.find((s) => typeof value === 'string' && s === value.toLowerCase());
    if (!from || !to) {
      problems.push(
        `${label} must map OneView severities to critical, error, warning or info, got '${key}=${String(value)}'`,
      );
      continue;
    }
    map[from] = to;
  }
  return map;
}

/** A per-appliance severity map override. */
export type ApplianceSeverityMap = Record<string, (typeof PAGERDUTY_SEVERITIES)[number]>;

/** Canonical spelling of severities given in any case. */
export function normalizeSeverities(list: string[]): string[] {
  return list
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => ONEVIEW_SEVERITIES.find((k) => k.toLowerCase() === s.toLowerCase()) ?? s);
}
