import { isRoutingSettings } from '../../src/workflows/routing-settings-check';

// A forged updateSettings payload (anyone with access to Temporal can send one) must be refused, not run: values the
// poller's code cannot run on would fail its every workflow task.
test.each<[string, object]>([
  ['a rule without a name', { routes: [{ match: {} }] }],
  ['a rule whose name is not a string', { routes: [{ name: 7, match: {} }] }],
  ['a match field that is not a list of strings', { routes: [{ name: 'r', match: { severity: 'Critical' } }] }],
  ['an unknown match field', { routes: [{ name: 'r', match: { colour: ['red'] } }] }],
  ['a priority out of range', { routes: [{ name: 'r', match: {}, priority: 9 }] }],
  ['a severity PagerDuty does not have', { routes: [{ name: 'r', match: {}, severity: 'urgent' }] }],
  ['a routing key in place of its id', { routes: [{ name: 'r', match: {}, routingKeyId: 'R'.repeat(32) }] }],
  ['a storm window of a year', { storm: { windowMs: 365 * 86_400_000, groupWaitMs: 0 } }],
  ['a group wait of an hour', { storm: { windowMs: 300_000, groupWaitMs: 3_600_000 } }],
  [
    'a weekly window of a million minutes',
    { windows: [{ name: 'w', scope: {}, weekly: { days: [6], startMinute: 0, durationMinutes: 1e6 } }] },
  ],
  [
    'a weekly window on day 9',
    { windows: [{ name: 'w', scope: {}, weekly: { days: [9], startMinute: 0, durationMinutes: 60 } }] },
  ],
  ['a one-off window of a month', { windows: [{ name: 'w', scope: {}, once: { start: 0, end: 31 * 86_400_000 } }] }],
  [
    'a scope naming routes with numbers',
    { windows: [{ name: 'w', scope: { route: [1] }, once: { start: 0, end: 1 } }] },
  ],
])('refuses %s', (_, settings) => {
  expect(isRoutingSettings(settings)).toBe(false);
});

test('accepts what a worker builds from a checked ROUTES_FILE', () => {
  expect(
    isRoutingSettings({
      routes: [
        { name: 'drop-fw', match: { healthCategory: ['Firmware'] }, drop: true },
        {
          name: 'facilities',
          match: {},
          exclude: { severity: ['OK'] },
          routingKeyId: '0123456789abcdef',
          severity: 'critical',
          priority: 1,
          continue: true,
        },
      ],
      storm: { windowMs: 300_000, groupWaitMs: 10_000 },
      windows: [
        {
          name: 'sat',
          scope: { enclosure: ['Encl2'], route: ['facilities'] },
          weekly: { days: [6], startMinute: 120, durationMinutes: 240 },
        },
        { name: 'move', scope: {}, once: { start: 1_000, end: 2_000 } },
      ],
    }),
  ).toBe(true);
  expect(isRoutingSettings({})).toBe(true);
});
