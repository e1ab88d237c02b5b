/** PagerDuty Events v2 severities. */
export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

const ONEVIEW_TO_PAGERDUTY: Record<string, PagerDutySeverity> = {
  critical: 'critical',
  warning: 'warning',
  ok: 'info',
};

/** Maps a OneView severity to PagerDuty's; anything unknown pages as `error` rather than being dropped. */
export function toPagerDutySeverity(oneViewSeverity: string): PagerDutySeverity {
  return ONEVIEW_TO_PAGERDUTY[oneViewSeverity.toLowerCase()] ?? 'error';
}

/** True when an alert's severity is one the appliance is configured to page on (case-insensitive, as OneView's EQ). */
export function severityMatches(severity: string, wanted: readonly string[]): boolean {
  const s = severity.toLowerCase();
  return wanted.some((w) => w.toLowerCase() === s);
}

/** True for the states that mean the hardware problem is still there. */
export function isOpenState(alertState: string): boolean {
  const s = alertState.toLowerCase();
  return s === 'active' || s === 'locked';
}
