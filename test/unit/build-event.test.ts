import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildEvent, type BuildEventInput } from '../../src/activities/pagerduty/build-event';
import { MAX_EVENT_BYTES, fitEventSize } from '../../src/activities/pagerduty/fit-event-size';
import { truncateGraphemes } from '../../src/activities/pagerduty/truncate';
import { validateEvent } from '../../src/activities/pagerduty/validate-event';
import { toAlertRecord } from '../../src/shared/alert-record';
import type { AlertRecord } from '../../src/shared/types';
import { validateAlertEvent } from '../../simulators/pagerduty/validate-event';

const SAMPLES = join(__dirname, '..', '..', '..', 'shared', 'reference', 'oneview-samples');
const sample = (name: string) => JSON.parse(readFileSync(join(SAMPLES, name), 'utf8')) as Record<string, unknown>;

const ALERT: AlertRecord = {
  id: '42',
  uri: '/rest/alerts/42',
  severity: 'Critical',
  alertState: 'Active',
  description: 'The power supply in bay 2 has failed.',
  correctiveAction: 'Replace the power supply.',
  alertTypeID: 'Trap.cpqHe4FltTolPowerSupplyFailed',
  healthCategory: 'Power',
  urgency: 'High',
  resourceName: 'Encl1, bay 3',
  resourceUri: '/rest/server-hardware/31393736-3831-4753-5831-30305837524E',
  resourceCategory: 'server-hardware',
  created: '2026-01-01T00:00:00.000Z',
  modified: '2026-01-01T00:00:00.000Z',
};
const BASE: Omit<BuildEventInput, 'action' | 'alert'> = {
  applianceId: 'ov1',
  applianceHost: 'ov1.example.com',
  applianceUrl: 'https://ov1.example.com',
  routingKey: 'k'.repeat(32),
};
const trigger = (alert: AlertRecord, extra: Partial<BuildEventInput> = {}) =>
  buildEvent({ ...BASE, action: 'trigger', alert, ...extra });

/** Both our own check and the PagerDuty simulator's (written from PagerDuty's documentation) accept it. */
function expectValid(event: ReturnType<typeof buildEvent>) {
  expect(validateEvent(event)).toEqual([]);
  expect(validateAlertEvent(event)).toEqual([]);
  expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThanOrEqual(MAX_EVENT_BYTES);
}

test('a trigger says what broke and where, links back to OneView, and passes PagerDuty validation', () => {
  const event = trigger(ALERT);
  expect(event).toEqual({
    routing_key: BASE.routingKey,
    event_action: 'trigger',
    dedup_key: 'oneview/ov1/alert/42',
    payload: {
      summary: 'Encl1, bay 3: The power supply in bay 2 has failed.',
      source: 'Encl1, bay 3',
      severity: 'critical',
      timestamp: ALERT.created,
      component: 'server-hardware',
      group: 'Encl1',
      class: 'Power',
      custom_details: {
        appliance: 'ov1.example.com',
        alert_uri: '/rest/alerts/42',
        alert_state: 'Active',
        oneview_severity: 'Critical',
        created: ALERT.created,
        modified: ALERT.modified,
        corrective_action: 'Replace the power supply.',
        alert_type_id: 'Trap.cpqHe4FltTolPowerSupplyFailed',
        urgency: 'High',
        resource_uri: ALERT.resourceUri,
        health_category: 'Power',
      },
    },
    links: [
      { href: 'https://ov1.example.com/#/activity/r/rest/alerts/42', text: 'Alert in HPE OneView' },
      {
        href: `https://ov1.example.com/#/server-hardware/show/overview/r${ALERT.resourceUri}`,
        text: 'Encl1, bay 3 in HPE OneView',
      },
    ],
    client: 'HPE OneView → PagerDuty bridge',
    client_url: 'https://ov1.example.com',
  });
  expectValid(event);
});

test.each([
  'alert_v3_cleared_ok_server-hardware_coldstart_full.json',
  'alert_v3_locked_warning_appliance-backups.json',
])('the real OneView sample %s builds a valid event', (name) => {
  // The locked sample is a partial copy without timestamps; every alert a real appliance lists carries them.
  const mapped = toAlertRecord({ created: ALERT.created, modified: ALERT.modified, ...sample(name) });
  if (!('record' in mapped)) throw new Error(mapped.problems.join('; '));
  const event = trigger(mapped.record);
  expectValid(event);
  expect(event.payload?.summary.length).toBeGreaterThan(10);
});

test('the minimal real sample lacks timestamps and is refused with its reasons instead of paging half-built', () => {
  expect(toAlertRecord(sample('alert_v3_active_warning_utilization_minimal.json'))).toMatchObject({
    problems: [
      expect.stringMatching(/^'created' must be an ISO-8601/),
      expect.stringMatching(/^'modified' must be an ISO-8601/),
    ],
    reason: 'invalid_timestamp',
  });
});

test('a resolve matches the trigger by routing key and dedup key only, whatever text changed', () => {
  const first = trigger(ALERT);
  const resolve = buildEvent({
    ...BASE,
    action: 'resolve',
    alert: { ...ALERT, alertState: 'Cleared', description: 'changed text' },
  });
  expect(resolve).toEqual({ routing_key: first.routing_key, event_action: 'resolve', dedup_key: first.dedup_key });
  expectValid(resolve);
});

test('a 10 KB description is cut to 1024 code points with a marker', () => {
  const event = trigger({ ...ALERT, description: 'x'.repeat(10_240) });
  expect(Array.from(event.payload!.summary)).toHaveLength(1024);
  expect(event.payload!.summary.endsWith('…')).toBe(true);
  expectValid(event);
});

test('emoji and combining characters at the cut are never split', () => {
  const prefix = 'Encl1, bay 3: ';
  for (const filler of ['🔥', 'e\u0301', '👩‍👩‍👧', '🇫🇷']) {
    const summary = trigger({ ...ALERT, description: filler.repeat(2000) }).payload!.summary;
    expect(Array.from(summary).length).toBeLessThanOrEqual(1024);
    const body = summary.slice(prefix.length, -1);
    expect(body.length % filler.length).toBe(0);
    expect(body).toBe(filler.repeat(body.length / filler.length));
  }
  expect(truncateGraphemes('short', 10)).toBe('short');
});

test('missing optional fields fall back to the appliance, and blank text never reaches PagerDuty', () => {
  const bare: AlertRecord = {
    id: '7',
    uri: '/rest/alerts/7',
    severity: 'Weird',
    alertState: 'Active',
    description: ' ',
    created: ALERT.created,
    modified: ALERT.modified,
  };
  const event = trigger(bare);
  expect(event.payload).toMatchObject({
    summary: 'ov1.example.com: OneView alert',
    source: 'ov1.example.com',
    severity: 'error',
    group: 'ov1.example.com',
  });
  expect(event.payload?.component).toBeUndefined();
  expect(event.links).toHaveLength(1);
  expectValid(event);
});

test('huge custom details are shrunk first, then removed, to fit 512,000 bytes', () => {
  const shrunk = trigger({ ...ALERT, correctiveAction: 'y'.repeat(600_000) });
  expectValid(shrunk);
  expect(shrunk.payload?.summary).toBe('Encl1, bay 3: The power supply in bay 2 has failed.');
  expect(String(shrunk.payload?.custom_details?.corrective_action)).toHaveLength(2048);
  expect(shrunk.payload?.custom_details?.truncated).toMatch(/shortened/);
  // Details made of many values that stay too big even when each is shortened are replaced by a note.
  const many = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`f${i}`, 'z'.repeat(1500)]));
  const event = trigger(ALERT);
  const removed = fitEventSize({ ...event, payload: { ...event.payload!, custom_details: many } });
  expectValid(removed);
  expect(removed.payload?.custom_details).toEqual({ removed: expect.stringMatching(/removed/) });
  expect(removed.payload?.summary).toBe(event.payload?.summary);
});

test.each([
  ['Critical', 'critical'],
  ['Warning', 'warning'],
  ['OK', 'info'],
  ['Unknown', 'error'],
  ['Disabled', 'error'],
])('OneView %s pages as PagerDuty %s unless the appliance maps it otherwise', (oneView, pagerDuty) => {
  expect(trigger({ ...ALERT, severity: oneView }).payload?.severity).toBe(pagerDuty);
  expect(trigger({ ...ALERT, severity: oneView }, { severityMap: { [oneView]: 'info' } }).payload?.severity).toBe(
    'info',
  );
});

test('our own check catches what PagerDuty would refuse', () => {
  const event = trigger(ALERT);
  expect(
    validateEvent({
      ...event,
      routing_key: 'short',
      payload: { ...event.payload!, source: ' ', severity: 'loud' as 'info' },
    }),
  ).toEqual([
    'routing_key must be 32 letters or digits',
    'payload.source must not be blank',
    "payload.severity 'loud' is not one of critical, error, warning, info",
  ]);
});
