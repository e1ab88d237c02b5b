import { ONEVIEW_ALERT_STATES, ONEVIEW_SEVERITIES } from '../shared/alert-record';
import { DELIVERY_PHASES } from '../shared/search-attributes';
import { type DeliveriesQueryFilter, VisibilityQueryError, deliveriesQuery } from '../shared/visibility-query';
import { OperatorError, OperatorErrorCode } from './operator-error';

/** Which deliveries to list, as an operator types it: every field narrows the list, enumerations in any case. */
export interface DeliveryFilter extends DeliveriesQueryFilter {
  /** OneView severity (Critical, Warning, OK, Unknown, Disabled), any case. */
  severity?: string;
  /** OneView alert state (Active, Locked, Cleared), any case. */
  alertState?: string;
  /** Delivery phase (suppressed, skipped, triggering, triggered, resolving, resolved, failed), any case. */
  deliveryState?: string;
}

/**
 * The visibility query of {@link DeliveryFilter}: values are canonicalised (Keyword attributes compare case-sensitively),
 * then built by `deliveriesQuery`, so nothing an operator types can change the query's meaning; a value that fails
 * throws an `INVALID_FILTER` {@link OperatorError}.
 */
export function deliveryVisibilityQuery(filter: DeliveryFilter): string {
  try {
    return deliveriesQuery({
      ...filter,
      ...canonicalised('severity', filter.severity, ONEVIEW_SEVERITIES),
      ...canonicalised('alertState', filter.alertState, ONEVIEW_ALERT_STATES),
      ...canonicalised('deliveryState', filter.deliveryState, DELIVERY_PHASES),
    });
  } catch (err) {
    if (err instanceof VisibilityQueryError)
      throw new OperatorError(OperatorErrorCode.invalidFilter, err.message, { cause: err });
    throw err;
  }
}

/** Checks a filter's values without a task queue (throws like {@link deliveryVisibilityQuery}), e.g. before connecting. */
export function checkDeliveryFilter(filter: Omit<DeliveryFilter, 'taskQueue'>): void {
  deliveryVisibilityQuery({ ...filter, taskQueue: 'check' });
}

// A value that matches none is passed on as typed, for the query builder to refuse or quote by its shape.
function canonicalised<K extends string>(
  key: K,
  value: string | undefined,
  allowed: readonly string[],
): Partial<Record<K, string>> {
  if (value === undefined) return {};
  const match = allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase());
  return { [key]: match ?? value } as Partial<Record<K, string>>;
}
