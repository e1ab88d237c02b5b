import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toAlertRecord } from '../../src/shared/alert-record';

const SAMPLES = join(__dirname, '..', '..', '..', 'shared', 'reference', 'oneview-samples');

test('a real OneView alert resource maps to a record keyed by its URI id', () => {
  const raw = JSON.parse(readFileSync(join(SAMPLES, 'alert_v3_cleared_ok_server-hardware_coldstart_full.json'), 'utf8')) as unknown;
  expect(toAlertRecord(raw)).toEqual({
    record: {
      id: '49',
      uri: '/rest/alerts/49',
      severity: 'OK',
      alertState: 'Cleared',
      description: 'Cold Start.',
      alertTypeID: 'Trap.coldStart',
      healthCategory: 'None',
      urgency: 'None',
      resourceName: '0000A66101, bay 3',
      resourceUri: '/rest/server-hardware/30373737-3237-4D32-3230-313530314752',
      resourceCategory: 'server-hardware',
      created: '2018-02-12T20:12:03.207Z',
      modified: '2018-02-12T20:12:03.207Z',
    },
  });
});

test('a malformed alert is refused with every reason', () => {
  expect(toAlertRecord({ uri: '/rest/enclosures/1', severity: 3 })).toEqual({
    problems: [
      "'uri' must look like /rest/alerts/{id}",
      "'severity' is missing or not a string",
      "'alertState' is missing or not a string",
      "'created' is missing or not a string",
      "'modified' is missing or not a string",
    ],
  });
  expect(toAlertRecord([])).toEqual({ problems: ['alert must be a JSON object'] });
});

test('unreadable timestamps are refused: they would break the watermark and the event', () => {
  expect(toAlertRecord({ uri: '/rest/alerts/1', severity: 'Critical', alertState: 'Active', created: 'yesterday', modified: '🔥' })).toEqual({
    problems: ["'created' is not an ISO-8601 timestamp", "'modified' is not an ISO-8601 timestamp"],
  });
});
