import type { PagerDutySeverity } from '../shared/severity';
import { DEFAULT_ROUTE, type RouteRule } from '../routing/route-types';
import type { WindowSchedule } from '../routing/window-types';
import { ROUTING_KEY_PATTERN } from './appliance-fields';
import type { EnvReader } from './env-reader';
import { readJsonFile } from './json-file';
import { readMatch } from './route-match';
import { readWindowSchedules } from './window-schedules';
import { secretRef } from './secret-ref';

/** A route as the worker holds it: the rule, and its routing key (a secret, never handed to a workflow). */
export interface RouteConfig extends RouteRule {
  routingKey?: string;
  /** Where the key comes from, for people (`routingKeyEnv PD_X`, `routingKeyFile /path`); never the key. */
  routingKeyRef?: string;
}

/** How {@link readRoutesFile} reads a file: which appliance ids exist, and whether the routing keys are read. */
export interface ReadRoutesOptions {
  /** Ids of the configured appliances; absent: a rule's appliance names are not checked. */
  applianceIds?: readonly string[];
  /** Read the routing keys (the worker); false checks the rules without their secrets (`ops:route-test`). */
  readKeys?: boolean;
}

const ROUTE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const PAGERDUTY_SEVERITIES: readonly PagerDutySeverity[] = ['critical', 'error', 'warning', 'info'];
const MAX_ROUTES = 500;
const KNOWN_FIELDS = new Set([
  'name',
  'match',
  'exclude',
  'drop',
  'continue',
  'routingKeyEnv',
  'routingKeyFile',
  'severity',
  'priority',
]);

/** What ROUTES_FILE holds: the rules, and the scheduled maintenance windows. */
export interface RoutingConfig {
  routes: RouteConfig[];
  windows: WindowSchedule[];
}

/**
 * Reads ROUTES_FILE: a JSON array of rules (or `{ "routes": [...], "windows": [...] }`), walked in order for every
 * alert, and the scheduled maintenance windows. Routing keys are references only (`routingKeyEnv`/`routingKeyFile`).
 * Every problem is listed with its path; `applianceIds` lets a rule naming an appliance that is not configured be
 * caught as the typo it is.
 */
export function readRoutesFile(reader: EnvReader, path: string, options: ReadRoutesOptions = {}): RoutingConfig {
  const parsed = readJsonFile(reader, path, 'ROUTES_FILE');
  if (parsed === undefined) return { routes: [], windows: [] };
  const file = Array.isArray(parsed) ? { routes: parsed } : ((parsed ?? {}) as { routes?: unknown; windows?: unknown });
  const list = file.routes ?? [];
  if (!Array.isArray(list)) {
    reader.problems.push(`ROUTES_FILE (${path}) must hold an array of routes (or {"routes": [...], "windows": [...]})`);
    return { routes: [], windows: [] };
  }
  if (list.length > MAX_ROUTES) reader.problems.push(`ROUTES_FILE holds ${list.length} routes; at most ${MAX_ROUTES}`);
  const routes = list.slice(0, MAX_ROUTES).map((entry, i) => readRoute(reader, entry, `routes[${i}]`, options));
  const seen = new Set<string>();
  for (const [i, r] of routes.entries()) {
    if (r.name && seen.has(r.name)) reader.problems.push(`routes[${i}].name '${r.name}' is used twice`);
    seen.add(r.name);
  }
  const windows = readWindowSchedules(file.windows, reader.problems, {
    applianceIds: options.applianceIds,
    routeNames: routes.map((r) => r.name),
  });
  return { routes, windows };
}

/** The rules as a poller carries them: everything but the routing keys, which only their ids stand for. */
export function routeRulesOf(routes: readonly RouteConfig[], routingKeyIdOf: (key: string) => string): RouteRule[] {
  return routes.map(({ routingKey, routingKeyRef: _ref, ...rule }) => ({
    ...rule,
    ...(routingKey ? { routingKeyId: routingKeyIdOf(routingKey) } : {}),
  }));
}

function readRoute(reader: EnvReader, entry: unknown, at: string, options: ReadRoutesOptions): RouteConfig {
  const applianceIds = options.applianceIds;
  const problems = reader.problems;
  if (!isObject(entry)) {
    problems.push(`${at} must be an object`);
    return { name: '', match: {} };
  }
  const name = typeof entry.name === 'string' ? entry.name : '';
  if (!ROUTE_NAME.test(name)) problems.push(`${at}.name must be 1-63 lower-case letters, digits or '-'`);
  else if (name === DEFAULT_ROUTE)
    problems.push(`${at}.name '${DEFAULT_ROUTE}' is the appliance's own key; choose another`);
  const label = name && ROUTE_NAME.test(name) ? `${at} (${name})` : at;
  for (const key of Object.keys(entry))
    if (!KNOWN_FIELDS.has(key)) problems.push(`${label}.${key} is not a known field`);
  const route: RouteConfig = { name, match: readMatch(entry.match, `${label}.match`, problems, applianceIds, true) };
  if (entry.exclude !== undefined)
    route.exclude = readMatch(entry.exclude, `${label}.exclude`, problems, applianceIds, false);
  for (const flag of ['drop', 'continue'] as const) {
    if (entry[flag] === undefined) continue;
    if (typeof entry[flag] !== 'boolean') problems.push(`${label}.${flag} must be true or false`);
    else if (entry[flag]) route[flag] = true;
  }
  const keyEnv = stringField(entry, 'routingKeyEnv', label, problems);
  const keyFile = stringField(entry, 'routingKeyFile', label, problems);
  if (keyEnv !== undefined || keyFile !== undefined)
    route.routingKeyRef = keyEnv !== undefined ? `routingKeyEnv ${keyEnv}` : `routingKeyFile ${keyFile}`;
  const routingKey = options.readKeys === false ? undefined : secretRef(reader, label, 'routingKey', keyEnv, keyFile);
  if (routingKey !== undefined && routingKey !== '') {
    if (!ROUTING_KEY_PATTERN.test(routingKey))
      problems.push(`${label}: its routing key must be a 32-character Events API v2 integration key`);
    route.routingKey = routingKey;
  }
  if (entry.severity !== undefined) {
    const s = typeof entry.severity === 'string' ? entry.severity.toLowerCase() : '';
    if (!(PAGERDUTY_SEVERITIES as readonly string[]).includes(s))
      problems.push(`${label}.severity must be one of ${PAGERDUTY_SEVERITIES.join(', ')} (PagerDuty's)`);
    else route.severity = s as PagerDutySeverity;
  }
  if (entry.priority !== undefined) {
    const p = entry.priority;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 5)
      problems.push(`${label}.priority must be a whole number from 1 (sent first) to 5`);
    else route.priority = p;
  }
  if (route.drop) {
    const extra = ['continue', 'routingKeyEnv', 'routingKeyFile', 'severity', 'priority'].filter(
      (k) => entry[k] !== undefined && entry[k] !== false,
    );
    if (extra.length > 0) problems.push(`${label}: a drop route pages nobody, so ${extra.join(', ')} cannot apply`);
  }
  return route;
}

function stringField(entry: Record<string, unknown>, key: string, at: string, problems: string[]): string | undefined {
  const v = entry[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') {
    problems.push(`${at}.${key} must be a string`);
    return undefined;
  }
  return v.trim();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
