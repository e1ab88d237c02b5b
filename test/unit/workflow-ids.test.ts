import {
  APPLIANCE_ID_PATTERN,
  alertWorkflowId,
  alertWorkflowIdPrefix,
  isTaskQueueName,
  parseAlertWorkflowId,
  parsePollerWorkflowId,
  pollerWorkflowId,
} from '../../src/shared/workflow-ids';

// Appliance ids at the edges of their shape: one character, 63, dots and dashes inside.
const APPLIANCES = ['a', '0', 'synergy-a', 'ov.example.com', '10.1.2.3', `a${'b'.repeat(61)}c`];
// Alert ids as OneView issues them (integers, UUIDs) and at the edges of ALERT_ID_PATTERN.
const ALERTS = ['1', '5121', '0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a', 'A.b_c~d-e', `x${'9'.repeat(63)}`];

describe('workflow IDs build and parse back', () => {
  test.each(APPLIANCES)('the poller of %s', (applianceId) => {
    const id = pollerWorkflowId(applianceId);
    expect(id).toBe(`oneview-poller/${applianceId}`);
    expect(parsePollerWorkflowId(id)).toEqual({ applianceId });
    expect(parseAlertWorkflowId(id)).toBeUndefined();
  });

  test.each(APPLIANCES.flatMap((applianceId) => ALERTS.map((alertId) => [applianceId, alertId])))(
    'the delivery of %s / %s',
    (applianceId, alertId) => {
      const id = alertWorkflowId(applianceId, alertId);
      expect(id).toBe(`oneview-alert/${applianceId}/${alertId}`);
      expect(id.startsWith(alertWorkflowIdPrefix(applianceId))).toBe(true);
      expect(parseAlertWorkflowId(id)).toEqual({ applianceId, alertId });
      expect(parsePollerWorkflowId(id)).toBeUndefined();
    },
  );
});

describe('anything that is not exactly one of our IDs parses to undefined', () => {
  test.each([
    ['empty', ''],
    ['the bare prefix', 'oneview-poller/'],
    ['no prefix', 'synergy-a'],
    ['another workflow', 'pagerduty-limiter/oneview-pagerduty-bridge/0123456789abcdef'],
    ['a prefix in another case', 'OneView-Poller/synergy-a'],
    ['an upper-case appliance', 'oneview-poller/Synergy-A'],
    ['an appliance ending in a dash', 'oneview-poller/synergy-'],
    ['an appliance of 64 characters', `oneview-poller/${'a'.repeat(64)}`],
    ['a path below the appliance', 'oneview-poller/synergy-a/1'],
    ['a space', 'oneview-poller/synergy a'],
    ['a quote', "oneview-poller/synergy'a"],
    ['a trailing newline', 'oneview-poller/synergy-a\n'],
    ['a lone surrogate', 'oneview-poller/synergy-a\uD800'],
  ])('poller ID: %s', (_what, id) => {
    expect(parsePollerWorkflowId(id)).toBeUndefined();
  });

  test.each([
    ['empty', ''],
    ['the bare prefix', 'oneview-alert/'],
    ['no alert', 'oneview-alert/synergy-a'],
    ['an empty alert', 'oneview-alert/synergy-a/'],
    ['an empty appliance', 'oneview-alert//42'],
    ['a poller ID', 'oneview-poller/synergy-a'],
    ['an alert URI', '/rest/alerts/42'],
    ['a deeper path', 'oneview-alert/synergy-a/42/7'],
    ['an alert id starting with a dot', 'oneview-alert/synergy-a/.42'],
    ['an alert id of 65 characters', `oneview-alert/synergy-a/${'1'.repeat(65)}`],
    ['an upper-case appliance', 'oneview-alert/Synergy-A/42'],
    ['a quote in the alert id', "oneview-alert/synergy-a/42'"],
    ['a backslash in the alert id', 'oneview-alert/synergy-a/4\\2'],
    ['a space in the alert id', 'oneview-alert/synergy-a/4 2'],
    ['a lone surrogate in the alert id', 'oneview-alert/synergy-a/42\uDC00'],
  ])('delivery ID: %s', (_what, id) => {
    expect(parseAlertWorkflowId(id)).toBeUndefined();
  });
});

test.each([
  ['synergy-a', true],
  ['a', true],
  [`a${'b'.repeat(62)}`, true],
  [`a${'b'.repeat(63)}`, false],
  ['', false],
  ['-synergy', false],
  ['synergy.', false],
  ['Synergy', false],
  ['syn/ergy', false],
  ['syn_ergy', false],
])('appliance id %j matches the shape: %s', (id, ok) => {
  expect(APPLIANCE_ID_PATTERN.test(id)).toBe(ok);
});

test.each([
  ['oneview-pagerduty-bridge', true],
  ['bridge.prod:eu-1/a@b+c', true],
  ['brücke', true],
  ['queue-😀', true],
  ['q'.repeat(1000), true],
  ['q'.repeat(1001), false],
  ['', false],
  ["q'", false],
  ['q"', false],
  ['q`', false],
  ['q\\', false],
  ['q 1', false],
  ['q\t1', false],
  ['q\n', false],
  ['q\u00A01', false],
  ['q\u2028', false],
  ['q\u202E1', false],
  ['q\u200B', false],
  ['q\u0000', false],
  ['q\uD800', false],
  ['\uDC00q', false],
])('task queue name %j is accepted: %s', (name, ok) => {
  expect(isTaskQueueName(name)).toBe(ok);
});
