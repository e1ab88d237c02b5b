import { checkAlertRecord } from '../shared/alert-record';
import { boundUtf8 } from '../shared/bounded-text';
import type { AlertClear, AlertRecord, PollerSettings, ScmbStatus } from '../shared/types';
import { APPLIANCE_ID_PATTERN } from '../shared/workflow-ids';
import { isRoutingSettings } from './routing-settings-check';

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
    positive(s.sessionRenewBeforeMs) &&
    (s.scmb === undefined || positive(s.scmb?.pollIntervalMs)) &&
    isRoutingSettings(s)
  );
}

/** An `scmbState` payload made safe to keep and show: undefined unless it has the shape the consumer sends. */
export function checkScmbStatus(value: unknown): ScmbStatus | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Partial<Record<keyof ScmbStatus, unknown>>;
  const time = (t: unknown) => typeof t === 'string' && t.length <= 40 && !Number.isNaN(Date.parse(t));
  if (typeof v.connected !== 'boolean' || !time(v.since)) return undefined;
  if (v.lastMessageAt !== undefined && !time(v.lastMessageAt)) return undefined;
  return {
    connected: v.connected,
    since: v.since as string,
    ...(v.lastMessageAt !== undefined ? { lastMessageAt: v.lastMessageAt as string } : {}),
    ...(typeof v.lastError === 'string' ? { lastError: boundUtf8(v.lastError, 300) } : {}),
  };
}

const CLEAR_REASONS: readonly string[] = ['cleared', 'gone', 'resolved-by-hand'] satisfies AlertClear['reason'][];

/** Whether an `alertCleared` payload names a known reason (anyone with access to Temporal can signal). */
export function isAlertClear(value: unknown): value is AlertClear {
  const v = value as Partial<AlertClear> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.reason === 'string' &&
    CLEAR_REASONS.includes(v.reason) &&
    (v.note === undefined || typeof v.note === 'string')
  );
}
