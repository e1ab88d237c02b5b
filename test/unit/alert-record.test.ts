import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkAlertRecord, toAlertRecord } from '../../src/shared/alert-record';
import { TRUNCATION_MARKER, boundText, boundUtf8 } from '../../src/shared/bounded-text';
import { dedupKeyFor } from '../../src/shared/dedup-key';
import type { AlertRecord } from '../../src/shared/types';

const SAMPLES = join(__dirname, '..', '..', '..', 'shared', 'reference', 'oneview-samples');
const sample = (name: string) => JSON.parse(readFileSync(join(SAMPLES, name), 'utf8')) as Record<string, unknown>;
const NOW = '2026-11-29T12:00:00.000Z';
const valid = (extra: Record<string, unknown> = {}) => ({
  uri: '/rest/alerts/42',
  severity: 'Critical',
  alertState: 'Active',
  description: 'PSU failed',
  created: NOW,
  modified: NOW,
  ...extra,
});
const recordOf = (raw: unknown): AlertRecord => {
  const parsed = toAlertRecord(raw);
  if (!('record' in parsed)) throw new Error(`refused: ${parsed.problems.join('; ')}`);
  return parsed.record;
};
const reasonOf = (raw: unknown) => {
  const parsed = toAlertRecord(raw);
  return 'reason' in parsed ? parsed.reason : 'accepted';
};

test('a real OneView alert resource maps to a record keyed by its URI id', () => {
  expect(recordOf(sample('alert_v3_cleared_ok_server-hardware_coldstart_full.json'))).toEqual({
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
  });
  // The Locked sample carries no timestamps (a shortened copy); with them it is read like any other.
  const locked = { ...sample('alert_v3_locked_warning_appliance-backups.json'), created: NOW, modified: NOW };
  expect(recordOf(locked)).toMatchObject({
    id: '476',
    alertState: 'Locked',
    resourceUri: '/rest/backups',
    resourceCategory: 'backups',
  });
});

test('a malformed alert is refused with every reason, the first as the label', () => {
  const parsed = toAlertRecord({ uri: '/rest/enclosures/1', severity: 3 });
  expect(parsed).toMatchObject({ reason: 'invalid_uri' });
  expect('problems' in parsed && parsed.problems.map((p) => p.slice(0, p.indexOf("'", 1) + 1))).toEqual([
    "'uri'",
    "'severity'",
    "'alertState'",
    "'created'",
    "'modified'",
  ]);
  expect(toAlertRecord([])).toEqual({ problems: ['alert must be a JSON object'], reason: 'not_an_object' });
});

test.each([
  ['a lone high surrogate in the id', valid({ uri: '/rest/alerts/x\ud800' }), 'invalid_uri'],
  ['a lone low surrogate in the id', valid({ uri: '/rest/alerts/\udc00' }), 'invalid_uri'],
  ['a NUL in the id', valid({ uri: '/rest/alerts/4\u00002' }), 'invalid_uri'],
  ['a line feed in the id', valid({ uri: '/rest/alerts/4\n2' }), 'invalid_uri'],
  ['an id of 65 characters', valid({ uri: `/rest/alerts/${'a'.repeat(65)}` }), 'invalid_uri'],
  ['an id of 1,000 characters', valid({ uri: `/rest/alerts/${'7'.repeat(1000)}` }), 'invalid_uri'],
  ['a path in the id', valid({ uri: '/rest/alerts/../../login-sessions' }), 'invalid_uri'],
  ['a trailing slash', valid({ uri: '/rest/alerts/42/' }), 'invalid_uri'],
  ['an empty id', valid({ uri: '/rest/alerts/' }), 'invalid_uri'],
  ['an unknown state', valid({ alertState: 'Resolved' }), 'invalid_state'],
  ['a state that is not a string', valid({ alertState: ['Cleared'] }), 'invalid_state'],
  ['an unknown severity', valid({ severity: 'Catastrophic' }), 'invalid_severity'],
  ['a date without a time zone', valid({ created: '2026-11-29T12:00:00' }), 'invalid_timestamp'],
  ['a date that is only a date', valid({ modified: '2026-11-29' }), 'invalid_timestamp'],
  ['an RFC 2822 date', valid({ created: 'Sun, 29 Nov 2026 12:00:00 GMT' }), 'invalid_timestamp'],
  ['an impossible date', valid({ created: '2026-13-45T99:00:00Z' }), 'invalid_timestamp'],
  [
    'a resource URI on another host',
    valid({ associatedResource: { resourceUri: 'https://evil.example/rest/x' } }),
    'invalid_resource',
  ],
  ['a resource URI with a query', valid({ resourceUri: '/rest/server-hardware/1?x=<script>' }), 'invalid_resource'],
  [
    'a 2 KB resource category',
    valid({ associatedResource: { resourceCategory: 'x'.repeat(2100) } }),
    'invalid_resource',
  ],
  [
    'a resource category with a slash',
    valid({ associatedResource: { resourceCategory: 'server-hardware/../x' } }),
    'invalid_resource',
  ],
])('refused: %s', (_name, raw, reason) => {
  expect(reasonOf(raw)).toBe(reason);
});

test('ids as OneView issues them pass, and the dedup key stays far below 255 characters', () => {
  for (const id of ['1', '14610', '35323930-4936-4450-5531-303153474820', 'a'.repeat(64)]) {
    const record = recordOf(valid({ uri: `/rest/alerts/${id}` }));
    expect(record.id).toBe(id);
    expect(dedupKeyFor('a'.repeat(63), record.id).length).toBeLessThanOrEqual(255);
  }
});

test('states and severities are accepted in any case and stored in OneView spelling; timestamps canonical', () => {
  const record = recordOf(
    valid({ alertState: 'cleared', severity: 'CRITICAL', created: '2026-11-29T13:00:00.5+01:00' }),
  );
  expect(record).toMatchObject({ alertState: 'Cleared', severity: 'Critical', created: '2026-11-29T12:00:00.500Z' });
});

test('text is made safe and bounded, never refused: a 600 KB name, control characters, lone surrogates, bidi overrides', () => {
  const record = recordOf(
    valid({
      description: `line one\nline\u0000two \ud800 \u202Eevil\u202C ${'d'.repeat(5000)}`,
      associatedResource: { resourceName: `Encl1\r\n, bay 3${'n'.repeat(600_000)}` },
      correctiveAction: '   ',
      urgency: 7,
    }),
  );
  expect(Array.from(record.description)).toHaveLength(1024);
  expect(record.description.endsWith(TRUNCATION_MARKER)).toBe(true);
  expect(record.description.startsWith('line one\nline two \uFFFD  evil  ')).toBe(true);
  expect(record.resourceName).toMatch(/^Encl1 {2}, bay 3n+…\[truncated\]$/);
  expect(Array.from(record.resourceName!)).toHaveLength(256);
  expect(record).not.toHaveProperty('correctiveAction');
  expect(record).not.toHaveProperty('urgency');
  expect(JSON.stringify(record).length).toBeLessThan(4000);
});

test('a size-limited field is cut by its UTF-8 bytes, never inside a character', () => {
  expect(boundUtf8('short', 200)).toBe('short');
  const cut = boundUtf8(`Critical alert 7 on ${'🔥'.repeat(100)}`, 200);
  expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(200);
  expect(Buffer.byteLength(cut)).toBeGreaterThan(190);
  expect(cut.endsWith(TRUNCATION_MARKER)).toBe(true);
  expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
});

test('cutting never splits a surrogate pair', () => {
  const cut = boundText('🔥'.repeat(40), 20);
  expect(cut).toBe(`${'🔥'.repeat(20 - TRUNCATION_MARKER.length)}${TRUNCATION_MARKER}`);
  expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
});

test('a record re-checked (a signal payload) passes unchanged; a forged one is refused', () => {
  const record = recordOf(valid({ requestId: 'req-1' }));
  expect(checkAlertRecord(record)).toEqual({ record });
  expect(checkAlertRecord({ ...record, id: '43' })).toMatchObject({ reason: 'invalid_uri' });
  expect(checkAlertRecord({ ...record, id: 'x\ud800', uri: '/rest/alerts/x\ud800' })).toMatchObject({
    reason: 'invalid_uri',
  });
  expect(checkAlertRecord({ ...record, resourceCategory: 'c'.repeat(3000) })).toMatchObject({
    reason: 'invalid_resource',
  });
  expect(checkAlertRecord({ ...record, requestId: 'a b' })).toMatchObject({ reason: 'invalid_request_id' });
  expect(checkAlertRecord('alert')).toMatchObject({ reason: 'not_an_object' });
});
