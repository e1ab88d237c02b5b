import { log, setHandler } from '@temporalio/workflow';
import type { AlertClear, DeliveryState } from '../shared/types';
import { alertClearedSignal, stateQuery } from './messages';
import { isAlertClear } from './signal-checks';

/**
 * Answers a delivery's `state` query and takes its `alertCleared` signal: a payload with a known reason is kept (the
 * state shows it arrived), any other is logged and ignored. Returns what arrived, for the workflow to wait on.
 */
export function handleClears(state: DeliveryState, logFields: Record<string, unknown>): () => AlertClear | undefined {
  let clear: AlertClear | undefined;
  setHandler(stateQuery, () => state);
  setHandler(alertClearedSignal, (payload) => {
    if (!isAlertClear(payload)) {
      log.warn('alertCleared signal without a valid reason; ignored', logFields);
      return;
    }
    clear = payload;
    state.clearedSeen = true;
  });
  return () => clear;
}
