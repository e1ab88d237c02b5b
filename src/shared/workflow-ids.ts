import { ALERT_ID_PATTERN } from './alert-record';

// The one spelling of each workflow ID's fixed part: builders and parsers below share it.
const POLLER_PREFIX = 'oneview-poller/';
const DELIVERY_PREFIX = 'oneview-alert/';
const SCMB_PREFIX = 'oneview-scmb/';
const BLIND_PREFIX = 'oneview-blind/';

/**
 * An appliance id as configured (ONEVIEW_APPLIANCE_ID, the `id` of APPLIANCES_FILE): it becomes part of workflow IDs,
 * dedup keys and visibility queries, so it is held to characters that need no escaping anywhere, and holds no `/`.
 */
export const APPLIANCE_ID_PATTERN = /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/;

/** Workflow ID of the one poller of an appliance; unique cluster-wide, so no worker needs to be a singleton. */
export function pollerWorkflowId(applianceId: string): string {
  return `${POLLER_PREFIX}${applianceId}`;
}

/** Workflow ID of the one message-bus consumer of an appliance: its uniqueness is what keeps it to one. */
export function scmbConsumerWorkflowId(applianceId: string): string {
  return `${SCMB_PREFIX}${applianceId}`;
}

/**
 * Workflow ID of an appliance's own "the bridge cannot see it" incident: one at a time per appliance, and outside the
 * alert deliveries' prefix, so reconciliation (which resolves deliveries of alerts the appliance no longer has) never
 * touches it.
 */
export function blindWorkflowId(applianceId: string): string {
  return `${BLIND_PREFIX}${applianceId}`;
}

/** Workflow ID of the delivery of one OneView alert; an already-started ID is how duplicates are rejected. */
export function alertWorkflowId(applianceId: string, alertId: string): string {
  return `${alertWorkflowIdPrefix(applianceId)}${alertId}`;
}

/** Task queue the workers poll unless TEMPORAL_TASK_QUEUE says otherwise. */
export const DEFAULT_TASK_QUEUE = 'oneview-pagerduty-bridge';

/** The start every delivery ID of one appliance shares, up to and including the `/` before the alert id. */
export function alertWorkflowIdPrefix(applianceId: string): string {
  return `${DELIVERY_PREFIX}${applianceId}/`;
}

/** The appliance of a poller's workflow ID, or undefined for any ID that is not exactly one (never a guess). */
export function parsePollerWorkflowId(workflowId: string): { applianceId: string } | undefined {
  if (!workflowId.startsWith(POLLER_PREFIX)) return undefined;
  const applianceId = workflowId.slice(POLLER_PREFIX.length);
  return APPLIANCE_ID_PATTERN.test(applianceId) ? { applianceId } : undefined;
}

/** The appliance and alert of a delivery's workflow ID, or undefined for any ID that is not exactly one. */
export function parseAlertWorkflowId(workflowId: string): { applianceId: string; alertId: string } | undefined {
  if (!workflowId.startsWith(DELIVERY_PREFIX)) return undefined;
  const rest = workflowId.slice(DELIVERY_PREFIX.length);
  // Neither an appliance id nor an alert id can hold a '/', so the first one is the only place to split.
  const slash = rest.indexOf('/');
  if (slash < 0) return undefined;
  const applianceId = rest.slice(0, slash);
  const alertId = rest.slice(slash + 1);
  return APPLIANCE_ID_PATTERN.test(applianceId) && ALERT_ID_PATTERN.test(alertId)
    ? { applianceId, alertId }
    : undefined;
}

// A task queue name goes between quotes in visibility queries: anything that could end the literal (a quote), escape
// it (a backslash), or split or hide it (whitespace, separators, control and format characters, lone surrogates) is
// refused, never stripped, since a stripped name would select another queue's workflows.
const TASK_QUEUE_REFUSED = /['"`\\\s\p{Cc}\p{Cf}\p{Cs}\p{Z}]/u;

/** Longest task queue name accepted: the Temporal server's default limit on names (`limit.maxIDLength`). */
const MAX_TASK_QUEUE_LENGTH = 1000;

/** Whether a name can be the bridge's task queue: 1-1000 characters, none that could end or escape a quoted literal. */
export function isTaskQueueName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_TASK_QUEUE_LENGTH && !TASK_QUEUE_REFUSED.test(name);
}
