import type { PagerDutySeverity } from '../shared/severity';

/** The alert fields a route can match on; each lists patterns (`*`, `?`, any case), any one of which may match. */
export interface RouteMatch {
  appliance?: string[];
  /** OneView severity: Critical, Warning, OK, Unknown, Disabled. */
  severity?: string[];
  healthCategory?: string[];
  /** OneView resource category (physical type): server-hardware, enclosures, interconnects, ... */
  resourceCategory?: string[];
  alertTypeID?: string[];
  resourceName?: string[];
  /** The enclosure the resource sits in (or is), by name. */
  enclosure?: string[];
}

/** The names of {@link RouteMatch}'s fields, in the order `ops:route-test` prints them. */
export const ROUTE_MATCH_FIELDS = [
  'appliance',
  'severity',
  'healthCategory',
  'resourceCategory',
  'alertTypeID',
  'resourceName',
  'enclosure',
] as const satisfies readonly (keyof RouteMatch)[];

/**
 * One routing rule as workflows carry it: no secret, only the non-secret id of its routing key. Every field of `match`
 * must match (an empty match matches everything); any field of `exclude` that matches rules the alert out.
 */
export interface RouteRule {
  /** Unique, 1-63 lower-case letters, digits and '-'; `default` is the appliance's own key. */
  name: string;
  match: RouteMatch;
  exclude?: RouteMatch;
  /** The alert pages nobody (the decision is logged and counted). */
  drop?: boolean;
  /** Go on to the next rules after this one matched, so one alert can page several services. */
  continue?: boolean;
  /** The non-secret id of the route's routing key; absent: the appliance's own key. */
  routingKeyId?: string;
  /** PagerDuty severity of its triggers, instead of the mapped OneView severity. */
  severity?: PagerDutySeverity;
  /** Send-queue priority of its triggers, 1 (first) to 5; resolves always go first. */
  priority?: number;
}

/** Where one delivery sends: a route (its routing key), and the route's overrides. */
export interface DeliveryTarget {
  route: string;
  routingKeyId?: string;
  severity?: PagerDutySeverity;
  priority?: number;
}

/** The route name of the appliance's own routing key: what every alert gets when no rule matches. */
export const DEFAULT_ROUTE = 'default';

/** What the rules decided for one alert: where it pages, or which rule dropped it; and every rule that matched. */
export type RouteDecision = { targets: DeliveryTarget[]; matched: string[] } | { dropped: string; matched: string[] };

/** What routing knows of an alert. */
export interface AlertFacts {
  appliance: string;
  severity: string;
  healthCategory?: string;
  resourceCategory?: string;
  alertTypeID?: string;
  resourceName?: string;
  enclosure?: string;
}
