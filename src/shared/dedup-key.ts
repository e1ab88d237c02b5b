/**
 * PagerDuty dedup_key of one OneView alert: built only from the appliance and the alert's URI id, which never change,
 * so a repeated trigger updates the open incident instead of opening a second one and the resolve always matches.
 */
export function dedupKeyFor(applianceId: string, alertId: string): string {
  // Appliance ids are at most 63 characters (config) and OneView ids are integers or UUIDs: far below PagerDuty's 255.
  return `oneview/${applianceId}/alert/${alertId}`;
}

/** PagerDuty dedup_key of an appliance's own "the bridge cannot see it" incident: one per appliance, never an alert's. */
export function blindDedupKeyFor(applianceId: string): string {
  return `oneview/${applianceId}/bridge/unreachable`;
}
