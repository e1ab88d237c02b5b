import { checkAlertRecord } from '../shared/alert-record';
import type { AlertRecord, PollerSettings } from '../shared/types';
import { APPLIANCE_ID_PATTERN } from '../shared/workflow-ids';

/** Most alerts one `alertsPushed` signal may carry (the webhook sends at most 500 per call). */
const MAX_ALERTS_PER_SIGNAL = 1000;

/**
 * The alerts of an `alertsPushed` payload that pass the same validator as every entrance; the rest (and anything past
 * the per-signal cap) are counted, so a forged or corrupted signal can neither poison the poller nor page.
 */
export function checkPushedAlerts(payload: unknown): { alerts: AlertRecord[]; rejected: number } {
  if (!Array.isArray(payload)) return { alerts: [], rejected: 1 };
  const alerts: AlertRecord[] = [];
  let rejected = Math.max(0, payload.length - MAX_ALERTS_PER_SIGNAL);
  for (const item of payload.slice(0, MAX_ALERTS_PER_SIGNAL)) {
    const checked = checkAlertRecord(item);
    if ('record' in checked) alerts.push(checked.record);
    else rejected++;
  }
  return { alerts, rejected };
}

/** Whether an `updateSettings` payload is settings for this appliance, with numbers a loop can run on. */
export function isSettingsFor(value: unknown, applianceId: string | undefined): value is PollerSettings {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<PollerSettings>;
  const positive = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n > 0;
  return (
    s.applianceId === applianceId &&
    typeof applianceId === 'string' &&
    APPLIANCE_ID_PATTERN.test(applianceId) &&
    typeof s.applianceHost === 'string' &&
    Array.isArray(s.severities) &&
    s.severities.every((x) => typeof x === 'string') &&
    positive(s.pollIntervalMs) &&
    positive(s.sessionLifetimeMs) &&
    positive(s.sessionRenewBeforeMs)
  );
}
