import { log, setHandler } from '@temporalio/workflow';
import { checkAlertRecord } from '../shared/alert-record';
import type { AlertRecord, DeliveryState } from '../shared/types';
import { relatedAlertsSignal } from './messages';
import { MAX_LISTED_CHILDREN } from './storm-groups';

/** The alerts listed in a storm parent's incident, and a version that grows with each new list. */
export interface RelatedAlerts {
  current(): { listed: AlertRecord[]; total: number } | undefined;
  version(): number;
}

/**
 * Takes a delivery's `relatedAlerts` signal (the poller's full list of the alerts that joined its incident). Anyone
 * with access to Temporal can signal, so the list is checked as strictly as any alert: one that fails is ignored.
 */
export function handleRelatedAlerts(state: DeliveryState, logFields: Record<string, unknown>): RelatedAlerts {
  let related: { listed: AlertRecord[]; total: number } | undefined;
  let version = 0;
  setHandler(relatedAlertsSignal, (payload) => {
    const listed = Array.isArray(payload?.listed) ? payload.listed : undefined;
    const total = payload?.total;
    const checked = listed?.map((a) => checkAlertRecord(a));
    if (
      !listed ||
      !checked ||
      listed.length > MAX_LISTED_CHILDREN ||
      typeof total !== 'number' ||
      !Number.isSafeInteger(total) ||
      total < listed.length ||
      checked.some((c) => !('record' in c))
    ) {
      log.warn('relatedAlerts signal with an invalid list; ignored', logFields);
      return;
    }
    related = { listed: checked.flatMap((c) => ('record' in c ? [c.record] : [])), total };
    version++;
    state.related = related.listed.map((a) => a.id);
  });
  return { current: () => related, version: () => version };
}
