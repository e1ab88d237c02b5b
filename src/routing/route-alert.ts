import type { AlertRecord } from '../shared/types';
import { globMatch } from './glob-match';
import { enclosureNameOf } from './enclosure-name';
import {
  type AlertFacts,
  DEFAULT_ROUTE,
  type DeliveryTarget,
  ROUTE_MATCH_FIELDS,
  type RouteDecision,
  type RouteMatch,
  type RouteRule,
} from './route-types';

/**
 * Walks the rules in order, as Alertmanager walks a route's children: the first match decides unless it says
 * `continue`; a `drop` match pages nobody (targets of earlier `continue` matches stand); no match at all pages the
 * appliance's own key. Pure and deterministic: the poller runs it in workflow code and `ops:route-test` runs it offline.
 */
export function routeAlert(rules: readonly RouteRule[], facts: AlertFacts): RouteDecision {
  const targets: DeliveryTarget[] = [];
  const matched: string[] = [];
  for (const rule of rules) {
    if (!matchesAll(rule.match, facts) || (rule.exclude && matches(rule.exclude, facts, false))) continue;
    matched.push(rule.name);
    if (rule.drop) return targets.length > 0 ? { targets, matched } : { dropped: rule.name, matched };
    targets.push(targetOf(rule));
    if (!rule.continue) break;
  }
  return { targets: targets.length > 0 ? targets : [{ route: DEFAULT_ROUTE }], matched };
}

/** What routing knows of an alert of an appliance. */
export function alertFactsOf(applianceId: string, alert: AlertRecord): AlertFacts {
  return {
    appliance: applianceId,
    severity: alert.severity,
    healthCategory: alert.healthCategory,
    resourceCategory: alert.resourceCategory,
    alertTypeID: alert.alertTypeID,
    resourceName: alert.resourceName,
    enclosure: enclosureNameOf(alert),
  };
}

/** Whether every field a match gives matches the alert (an empty match matches everything). */
export function matchesAll(match: RouteMatch, facts: AlertFacts): boolean {
  return matches(match, facts, true);
}

/**
 * `all`: every field given must match (a match). Otherwise any field given that matches is enough (an exclude). A field
 * the alert lacks matches only the pattern `*`.
 */
function matches(match: RouteMatch, facts: AlertFacts, all: boolean): boolean {
  for (const field of ROUTE_MATCH_FIELDS) {
    const patterns = match[field];
    if (!patterns) continue;
    const value = facts[field] ?? '';
    const hit = patterns.some((p) => globMatch(p, value));
    if (all && !hit) return false;
    if (!all && hit) return true;
  }
  return all;
}

function targetOf(rule: RouteRule): DeliveryTarget {
  return {
    route: rule.name,
    ...(rule.routingKeyId ? { routingKeyId: rule.routingKeyId } : {}),
    ...(rule.severity ? { severity: rule.severity } : {}),
    ...(rule.priority ? { priority: rule.priority } : {}),
  };
}
