import { defineSearchAttributeKey, type SearchAttributePair, SearchAttributeType } from '@temporalio/common';
import type { AlertRecord, DeliveryPhase } from './types';

/** The appliance a poller or delivery belongs to. */
export const APPLIANCE_ID = defineSearchAttributeKey('ApplianceId', SearchAttributeType.KEYWORD);

/** The OneView severity of a delivery's alert (Critical, Warning, ...). */
export const ALERT_SEVERITY = defineSearchAttributeKey('AlertSeverity', SearchAttributeType.KEYWORD);

/** The OneView state of a delivery's alert as last seen (Active, Locked, Cleared). */
export const ALERT_STATE = defineSearchAttributeKey('AlertState', SearchAttributeType.KEYWORD);

/** The OneView category of the resource the alert is about (server-hardware, enclosures, ...). */
export const RESOURCE_CATEGORY = defineSearchAttributeKey('ResourceCategory', SearchAttributeType.KEYWORD);

/** Where a delivery stands (suppressed, skipped, triggering, triggered, resolving, resolved, failed). */
export const DELIVERY_STATE = defineSearchAttributeKey('DeliveryState', SearchAttributeType.KEYWORD);

/** The values {@link DELIVERY_STATE} takes: a delivery's phases, in lifecycle order. */
export const DELIVERY_PHASES: readonly DeliveryPhase[] = [
  'suppressed',
  'skipped',
  'triggering',
  'triggered',
  'resolving',
  'resolved',
  'failed',
];

/** Every custom search attribute the bridge uses; registered by workers at boot and by the registration script. */
export const BRIDGE_SEARCH_ATTRIBUTES = [APPLIANCE_ID, ALERT_SEVERITY, ALERT_STATE, RESOURCE_CATEGORY, DELIVERY_STATE];

/** What a delivery's search attributes say of its alert as first seen (severity, state, resource category). */
export function alertSearchAttributes(applianceId: string, alert: AlertRecord): SearchAttributePair[] {
  return [
    { key: APPLIANCE_ID, value: applianceId },
    { key: ALERT_SEVERITY, value: alert.severity || 'Unknown' },
    { key: ALERT_STATE, value: alert.alertState || 'Active' },
    { key: RESOURCE_CATEGORY, value: alert.resourceCategory || 'unknown' },
  ];
}

/** The search attributes a delivery starts with: its alert as first seen, and its first phase. */
export function deliveryStartSearchAttributes(
  applianceId: string,
  alert: AlertRecord,
  phase: 'triggering' | 'suppressed' = 'triggering',
): SearchAttributePair[] {
  return [...alertSearchAttributes(applianceId, alert), { key: DELIVERY_STATE, value: phase }];
}
