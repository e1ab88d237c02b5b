import {
  VisibilityQueryError,
  applianceRunningDeliveriesQuery,
  deliveriesQuery,
  runningDeliveriesQuery,
  runningPollersQuery,
} from '../../src/shared/visibility-query';

// Values that could end, escape, split or hide a quoted literal: each must be refused by every builder, whatever it names.
const BREAKOUTS: [string, string][] = [
  ['a single quote', "x' OR '1'='1"],
  ['a lone single quote', "'"],
  ['a double quote', 'x" OR "1"="1'],
  ['a backtick', 'x`'],
  ['a backslash', 'x\\'],
  ['an escaped quote', "x\\'"],
  ['a space', 'x y'],
  ['a tab', 'x\ty'],
  ['a newline', 'x\nAND 1=1'],
  ['a carriage return', 'x\r'],
  ['a no-break space', 'x\u00A0y'],
  ['a line separator', 'x\u2028y'],
  ['a bidi override', 'x\u202Ey'],
  ['a zero-width space', 'x\u200By'],
  ['a NUL', 'x\u0000'],
  ['a lone high surrogate', 'x\uD800'],
  ['a lone low surrogate', '\uDC00x'],
  ['the empty string', ''],
];

// Every builder, with a value slot: a function of the value under test that builds one query.
const BUILDERS: [string, (value: string) => string][] = [
  ['runningPollersQuery(taskQueue)', (v) => runningPollersQuery(v)],
  ['runningDeliveriesQuery(taskQueue)', (v) => runningDeliveriesQuery(v)],
  ['applianceRunningDeliveriesQuery(applianceId)', (v) => applianceRunningDeliveriesQuery(v)],
  ['deliveriesQuery({ taskQueue })', (v) => deliveriesQuery({ taskQueue: v })],
  ['deliveriesQuery({ applianceId })', (v) => deliveriesQuery({ taskQueue: 'q1', applianceId: v })],
  ['deliveriesQuery({ severity })', (v) => deliveriesQuery({ taskQueue: 'q1', severity: v })],
  ['deliveriesQuery({ alertState })', (v) => deliveriesQuery({ taskQueue: 'q1', alertState: v })],
  ['deliveriesQuery({ deliveryState })', (v) => deliveriesQuery({ taskQueue: 'q1', deliveryState: v })],
];

describe.each(BUILDERS)('%s', (_name, build) => {
  test.each(BREAKOUTS)('refuses %s with a VisibilityQueryError', (_what, value) => {
    expect(() => build(value)).toThrow(VisibilityQueryError);
  });
});

test.each([
  [
    'the pollers of a task queue',
    runningPollersQuery('oneview-pagerduty-bridge'),
    "WorkflowType = 'appliancePollerWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = 'oneview-pagerduty-bridge'",
  ],
  [
    'a task queue of any letters',
    runningPollersQuery('brücke.prod:eu/1@a+b'),
    "WorkflowType = 'appliancePollerWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = 'brücke.prod:eu/1@a+b'",
  ],
  [
    'the open deliveries of a task queue',
    runningDeliveriesQuery('test-q'),
    "WorkflowType = 'alertDeliveryWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = 'test-q'",
  ],
  [
    "one appliance's open deliveries, by ID prefix",
    applianceRunningDeliveriesQuery('synergy-a'),
    "WorkflowType = 'alertDeliveryWorkflow' AND ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH 'oneview-alert/synergy-a/'",
  ],
  [
    'running deliveries by default',
    deliveriesQuery({ taskQueue: 'q1' }),
    "WorkflowType = 'alertDeliveryWorkflow' AND TaskQueue = 'q1' AND ExecutionStatus = 'Running'",
  ],
  [
    'every filter, closed ones too',
    deliveriesQuery({
      taskQueue: 'q1',
      applianceId: 'ov.example.com',
      severity: 'Critical',
      alertState: 'Cleared',
      deliveryState: 'failed',
      includeClosed: true,
    }),
    "WorkflowType = 'alertDeliveryWorkflow' AND TaskQueue = 'q1' AND ApplianceId = 'ov.example.com' AND AlertSeverity = 'Critical' AND AlertState = 'Cleared' AND DeliveryState = 'failed'",
  ],
])('quotes the values of %s', (_what, query, expected) => {
  expect(query).toBe(expected);
});

test.each([
  [
    'an upper-case appliance id',
    () => applianceRunningDeliveriesQuery('Synergy-A'),
    "appliance id must be 1-63 lower-case letters, digits, dots or dashes, got 'Synergy-A'",
  ],
  [
    'a severity with digits',
    () => deliveriesQuery({ taskQueue: 'q1', severity: 'Sev1' }),
    "severity must be letters only, got 'Sev1'",
  ],
  [
    'an alert state in another case',
    () => deliveriesQuery({ taskQueue: 'q1', alertState: 'active' }),
    "alert state must be one of Active, Locked, Cleared, got 'active'",
  ],
  [
    'an unknown phase',
    () => deliveriesQuery({ taskQueue: 'q1', deliveryState: 'done' }),
    "delivery state must be one of suppressed, skipped, triggering, triggered, resolving, resolved, failed, got 'done'",
  ],
  [
    'a task queue with a newline',
    () => runningPollersQuery('q\nx'),
    "task queue must be 1-1000 characters without quotes, backslashes, spaces or control characters, got 'q\\u{a}x'",
  ],
  [
    'a lone surrogate',
    () => runningDeliveriesQuery('q\uD800'),
    "task queue must be 1-1000 characters without quotes, backslashes, spaces or control characters, got 'q\\u{d800}'",
  ],
])('the error names the field and shows the value on one line: %s', (_what, build, message) => {
  expect(build).toThrow(
    expect.objectContaining({ name: 'VisibilityQueryError', code: 'INVALID_QUERY_VALUE', message }),
  );
});
