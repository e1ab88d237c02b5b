import { buildEvent, truncateCodePoints } from '../../src/activities/pagerduty/build-event';
import { validateAlertEvent } from '../../simulators/pagerduty/validate-event';
import type { AlertRecord } from '../../src/shared/types';

const ALERT: AlertRecord = {
  id: '42',
  uri: '/rest/alerts/42',
  severity: 'Critical',
  alertState: 'Active',
  description: 'The power supply in bay 2 has failed.',
  correctiveAction: 'Replace the power supply.',
  alertTypeID: 'Trap.cpqHe4FltTolPowerSupplyFailed',
  healthCategory: 'Power',
  resourceName: 'Encl1, bay 3',
  resourceCategory: 'server-hardware',
  created: '2026-01-01T00:00:00.000Z',
  modified: '2026-01-01T00:00:00.000Z',
};
const BASE = { applianceId: 'ov1', applianceHost: 'ov1.example.com', applianceUrl: 'https://ov1.example.com', routingKey: 'k'.repeat(32) };

test('a trigger carries what broke and where, and passes PagerDuty validation', () => {
  const event = buildEvent({ ...BASE, action: 'trigger', alert: ALERT });
  expect(event).toMatchObject({
    event_action: 'trigger',
    dedup_key: 'oneview/ov1/alert/42',
    payload: {
      summary: 'Critical: The power supply in bay 2 has failed. (Encl1, bay 3)',
      source: 'Encl1, bay 3',
      severity: 'critical',
      timestamp: ALERT.created,
      class: 'Power',
      custom_details: { corrective_action: 'Replace the power supply.', alert_uri: '/rest/alerts/42' },
    },
    links: [{ href: 'https://ov1.example.com/#/activity/r/rest/alerts/42', text: 'Alert in HPE OneView' }],
  });
  expect(validateAlertEvent(event)).toEqual([]);
});

test('a resolve matches the trigger by routing key and dedup key only', () => {
  const trigger = buildEvent({ ...BASE, action: 'trigger', alert: ALERT });
  const resolve = buildEvent({ ...BASE, action: 'resolve', alert: { ...ALERT, alertState: 'Cleared', description: 'changed text' } });
  expect(resolve).toEqual({ routing_key: trigger.routing_key, event_action: 'resolve', dedup_key: trigger.dedup_key });
});

test('a long summary is cut to 1024 code points without splitting an emoji', () => {
  const event = buildEvent({ ...BASE, action: 'trigger', alert: { ...ALERT, description: '🔥'.repeat(2000) } });
  const summary = event.payload?.summary ?? '';
  expect(Array.from(summary)).toHaveLength(1024);
  expect(summary.endsWith('…')).toBe(true);
  expect(validateAlertEvent(event)).toEqual([]);
  expect(truncateCodePoints('short', 10)).toBe('short');
});

test.each([
  ['Critical', 'critical'],
  ['Warning', 'warning'],
  ['OK', 'info'],
  ['Unknown', 'error'],
  ['Disabled', 'error'],
])('OneView %s pages as PagerDuty %s', (oneView, pagerDuty) => {
  expect(buildEvent({ ...BASE, action: 'trigger', alert: { ...ALERT, severity: oneView } }).payload?.severity).toBe(pagerDuty);
});
