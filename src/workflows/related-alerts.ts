import { log, setHandler } from '@temporalio/workflow';
import { ALERT_ID_PATTERN, ONEVIEW_SEVERITIES, timestamp } from '../shared/alert-record';
import { boundText } from '../shared/bounded-text';
import type { DeliveryState, RelatedAlert } from '../shared/types';
import { relatedAlertsSignal } from './messages';
import { MAX_LISTED_CHILDREN } from './storm-groups';

/** The alerts listed in a storm parent's incident, and a version that grows with each new list. */
export interface RelatedAlerts {
  current(): { listed: RelatedAlert[]; total: number } | undefined;
  version(): number;
}

/**
 * Takes a delivery's `relatedAlerts` signal (the poller's full list of the alerts that joined its incident). Anyone
 * with access to Temporal can signal, so the list is checked as strictly as the poller builds it: one that fails is
 * ignored, whole.
 */
export function handleRelatedAlerts(state: DeliveryState, logFields: Record<string, unknown>): RelatedAlerts {
  let related: { listed: RelatedAlert[]; total: number } | undefined;
  let version = 0;
  setHandler(relatedAlertsSignal, (payload) => {
    const listed = Array.isArray(payload?.listed) ? payload.listed.map(checkRelated) : undefined;
    const total = payload?.total;
    if (
      !listed ||
      listed.length > MAX_LISTED_CHILDREN ||
      listed.some((r) => r === undefined) ||
      typeof total !== 'number' ||
      !Number.isSafeInteger(total) ||
      total < listed.length
    ) {
      log.warn('relatedAlerts signal with an invalid list; ignored', logFields);
      return;
    }
    related = { listed: listed as RelatedAlert[], total };
    version++;
    state.related = related.listed.map((a) => a.id);
  });
  return { current: () => related, version: () => version };
}

/** One listed alert made safe to send, or undefined when it is not what the poller sends. */
function checkRelated(value: unknown): RelatedAlert | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const created = timestamp(v.created);
  if (
    typeof v.id !== 'string' ||
    !ALERT_ID_PATTERN.test(v.id) ||
    v.uri !== `/rest/alerts/${v.id}` ||
    !(ONEVIEW_SEVERITIES as readonly unknown[]).includes(v.severity) ||
    typeof v.description !== 'string' ||
    !created ||
    (v.resourceName !== undefined && typeof v.resourceName !== 'string')
  )
    return undefined;
  return {
    id: v.id,
    uri: v.uri,
    severity: v.severity as string,
    description: boundText(v.description, 200),
    created,
    ...(typeof v.resourceName === 'string' ? { resourceName: boundText(v.resourceName, 256) } : {}),
  };
}
