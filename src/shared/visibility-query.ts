import { ONEVIEW_ALERT_STATES } from './alert-record';
import { isSingleLinePrintable, isWellFormed } from './bounded-text';
import { ALERT_SEVERITY, ALERT_STATE, APPLIANCE_ID, DELIVERY_PHASES, DELIVERY_STATE } from './search-attributes';
import { APPLIANCE_ID_PATTERN, alertWorkflowIdPrefix, isTaskQueueName } from './workflow-ids';

/** Thrown when a value cannot go into a visibility query because it does not have the shape of what it names. */
export class VisibilityQueryError extends Error {
  /** Stable code of every refusal. */
  readonly code = 'INVALID_QUERY_VALUE';

  constructor(
    readonly field: string,
    readonly value: string,
    expected: string,
  ) {
    super(`${field} must be ${expected}, got '${shown(value)}'`);
    this.name = 'VisibilityQueryError';
  }
}

/** What a value must look like before it may stand between quotes. */
interface Shape {
  field: string;
  expected: string;
  test: (value: string) => boolean;
}

const oneOf = (field: string, allowed: readonly string[]): Shape => ({
  field,
  expected: `one of ${allowed.join(', ')}`,
  test: (value) => allowed.includes(value),
});

// Visibility queries are SQL-like text and values stand between single quotes. The one rule: a value is checked
// against the shape of what it names, and a value that could end or escape its literal (a quote, a backslash) or
// split or hide it (whitespace, controls, lone surrogates) fails every shape, so it is refused, never stripped or
// escaped: either would make the query select something other than what was asked for.
const SHAPES = {
  taskQueue: {
    field: 'task queue',
    expected: '1-1000 characters without quotes, backslashes, spaces or control characters',
    test: isTaskQueueName,
  },
  applianceId: {
    field: 'appliance id',
    expected: '1-63 lower-case letters, digits, dots or dashes',
    test: (v: string) => APPLIANCE_ID_PATTERN.test(v),
  },
  // As wide as list-alerts always took: letters, not only OneView's five severities.
  severity: { field: 'severity', expected: 'letters only', test: (v: string) => /^[A-Za-z]{1,32}$/.test(v) },
  alertState: oneOf('alert state', ONEVIEW_ALERT_STATES),
  deliveryState: oneOf('delivery state', DELIVERY_PHASES),
} satisfies Record<string, Shape>;

function checked(shape: Shape, value: string): string {
  if (!shape.test(value)) throw new VisibilityQueryError(shape.field, value, shape.expected);
  return value;
}

function literal(shape: Shape, value: string): string {
  return `'${checked(shape, value)}'`;
}

/** Every running poller of a task queue: the appliances one deployment serves. */
export function runningPollersQuery(taskQueue: string): string {
  return `WorkflowType = 'appliancePollerWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = ${literal(SHAPES.taskQueue, taskQueue)}`;
}

/** Every running delivery of a task queue: the alerts one deployment has open. */
export function runningDeliveriesQuery(taskQueue: string): string {
  return `WorkflowType = 'alertDeliveryWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = ${literal(SHAPES.taskQueue, taskQueue)}`;
}

/**
 * Every running delivery of one appliance, matched by workflow ID rather than by search attribute, so deliveries
 * started before the attributes were registered are found too.
 */
export function applianceRunningDeliveriesQuery(applianceId: string): string {
  // The prefix adds only constant characters to a checked id, so it holds nothing that could leave the literal.
  const prefix = alertWorkflowIdPrefix(checked(SHAPES.applianceId, applianceId));
  return `WorkflowType = 'alertDeliveryWorkflow' AND ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH '${prefix}'`;
}

/** Which deliveries {@link deliveriesQuery} selects; each field set narrows it, each compared exactly (Keyword). */
export interface DeliveriesQueryFilter {
  /** Task queue of the bridge's workers: deployments sharing a namespace see only their own deliveries. */
  taskQueue: string;
  applianceId?: string;
  severity?: string;
  alertState?: string;
  deliveryState?: string;
  /** Closed deliveries too (resolved, failed, terminated); by default only running ones. @default false */
  includeClosed?: boolean;
  /** Only deliveries started after this instant. */
  startedAfter?: Date;
}

/** Alert deliveries of one task queue narrowed by the bridge's search attributes (what `list-alerts` asks). */
export function deliveriesQuery(filter: DeliveriesQueryFilter): string {
  const clauses = [
    `WorkflowType = 'alertDeliveryWorkflow'`,
    `TaskQueue = ${literal(SHAPES.taskQueue, filter.taskQueue)}`,
  ];
  if (!filter.includeClosed) clauses.push(`ExecutionStatus = 'Running'`);
  // Written from a Date, never from text: nothing typed reaches the query through it.
  if (filter.startedAfter !== undefined) clauses.push(`StartTime > '${filter.startedAfter.toISOString()}'`);
  if (filter.applianceId !== undefined)
    clauses.push(`${APPLIANCE_ID.name} = ${literal(SHAPES.applianceId, filter.applianceId)}`);
  if (filter.severity !== undefined)
    clauses.push(`${ALERT_SEVERITY.name} = ${literal(SHAPES.severity, filter.severity)}`);
  if (filter.alertState !== undefined)
    clauses.push(`${ALERT_STATE.name} = ${literal(SHAPES.alertState, filter.alertState)}`);
  if (filter.deliveryState !== undefined)
    clauses.push(`${DELIVERY_STATE.name} = ${literal(SHAPES.deliveryState, filter.deliveryState)}`);
  return clauses.join(' AND ');
}

// Shown in a one-line error: a value holding anything unprintable is spelled out in \u{…} escapes beyond ASCII.
function shown(value: string): string {
  if (isSingleLinePrintable(value) && isWellFormed(value)) return value;
  return Array.from(value, (c) => (/^[ -~]$/.test(c) ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`)).join('');
}
