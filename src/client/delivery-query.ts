import { ONEVIEW_ALERT_STATES, ONEVIEW_SEVERITIES } from '../shared/alert-record';
import { ALERT_SEVERITY, ALERT_STATE, APPLIANCE_ID, DELIVERY_STATE } from '../shared/search-attributes';
import type { DeliveryPhase } from '../shared/types';
import { OperatorError, OperatorErrorCode } from './operator-error';

/** Which deliveries to list; every field narrows the list. */
export interface DeliveryFilter {
  /** Task queue of the bridge's workers: deployments sharing a namespace see only their own deliveries. */
  taskQueue: string;
  applianceId?: string;
  /** OneView severity (Critical, Warning, OK, Unknown, Disabled), any case. */
  severity?: string;
  /** OneView alert state (Active, Locked, Cleared), any case. */
  alertState?: string;
  /** Delivery phase (triggering, triggered, resolving, resolved, failed), any case. */
  deliveryState?: string;
  /** Closed deliveries too (resolved, failed, terminated); by default only running ones. @default false */
  includeClosed?: boolean;
}

/** The phases a delivery reports, in lifecycle order. */
export const DELIVERY_PHASES: readonly DeliveryPhase[] = ['triggering', 'triggered', 'resolving', 'resolved', 'failed'];

/** The OneView alert states. */
export const ALERT_STATES = ONEVIEW_ALERT_STATES;

const APPLIANCE_ID_PATTERN = /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/;
// Visibility queries are SQL-like text; values are put between single quotes, so only characters that can never end
// or escape a literal are let through (no quotes, no backslashes, no spaces).
const SAFE_VALUE = /^[A-Za-z0-9._:/@+-]{1,200}$/;

/**
 * The visibility query of {@link DeliveryFilter}: alert deliveries of one task queue narrowed by the bridge's search
 * attributes. Values are canonicalised (Keyword attributes compare case-sensitively) and checked against a whitelist,
 * so nothing an operator types can change the query's meaning; a value that fails throws an `INVALID_FILTER`
 * {@link OperatorError}.
 */
export function deliveryVisibilityQuery(filter: DeliveryFilter): string {
  const clauses = [`WorkflowType = 'alertDeliveryWorkflow'`, `TaskQueue = '${safe('task queue', filter.taskQueue, SAFE_VALUE)}'`];
  if (!filter.includeClosed) clauses.push(`ExecutionStatus = 'Running'`);
  if (filter.applianceId !== undefined) {
    clauses.push(`${APPLIANCE_ID.name} = '${safe('appliance id', filter.applianceId, APPLIANCE_ID_PATTERN, '1-63 lower-case letters, digits, dots or dashes')}'`);
  }
  if (filter.severity !== undefined) {
    const severity = canonical(filter.severity, ONEVIEW_SEVERITIES) ?? safe('severity', filter.severity, /^[A-Za-z]{1,32}$/, 'letters only');
    clauses.push(`${ALERT_SEVERITY.name} = '${severity}'`);
  }
  if (filter.alertState !== undefined) clauses.push(`${ALERT_STATE.name} = '${oneOf('alert state', filter.alertState, ALERT_STATES)}'`);
  if (filter.deliveryState !== undefined) clauses.push(`${DELIVERY_STATE.name} = '${oneOf('delivery state', filter.deliveryState, DELIVERY_PHASES)}'`);
  return clauses.join(' AND ');
}

/** Checks a filter's values without a task queue (throws like {@link deliveryVisibilityQuery}), e.g. before connecting. */
export function checkDeliveryFilter(filter: Omit<DeliveryFilter, 'taskQueue'>): void {
  deliveryVisibilityQuery({ ...filter, taskQueue: 'check' });
}

function canonical(value: string, allowed: readonly string[]): string | undefined {
  return allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase());
}

function oneOf(what: string, value: string, allowed: readonly string[]): string {
  const match = canonical(value, allowed);
  if (!match) throw new OperatorError(OperatorErrorCode.invalidFilter, `${what} must be one of ${allowed.join(', ')}, got '${value}'`);
  return match;
}

function safe(what: string, value: string, pattern: RegExp, hint = 'letters, digits and . _ : / @ + -'): string {
  if (!pattern.test(value)) throw new OperatorError(OperatorErrorCode.invalidFilter, `${what} must be ${hint}, got '${value}'`);
  return value;
}
