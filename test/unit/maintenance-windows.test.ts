import { ConfigError } from '../../src/config/config-error';
import { coveringWindow, occurrenceAt } from '../../src/routing/maintenance-windows';
import type { WindowSchedule } from '../../src/routing/window-types';
import { loadWithRoutesFile as load } from './support/routes-config';

const SAT_0200 = Date.parse('2026-12-05T02:00:00Z'); // a Saturday
const weekly: WindowSchedule = {
  name: 'patching',
  scope: { enclosure: ['Encl2'] },
  weekly: { days: [6], startMinute: 120, durationMinutes: 240 },
};

test.each<[string, boolean, number]>([
  ['at its start', true, SAT_0200],
  ['inside', true, SAT_0200 + 3 * 3_600_000],
  ['at its end (excluded)', false, SAT_0200 + 4 * 3_600_000],
  ['a minute before', false, SAT_0200 - 60_000],
  ['the same time on Sunday', false, SAT_0200 + 86_400_000],
  ['a week later', true, SAT_0200 + 7 * 86_400_000 + 60_000],
])('a weekly window (Saturday 02:00 UTC, 4 h) %s: on = %s', (_, on, now) => {
  expect(occurrenceAt(weekly, now) !== undefined).toBe(on);
});

test('a weekly window across midnight is on after midnight too', () => {
  const night: WindowSchedule = {
    name: 'n',
    scope: {},
    weekly: { days: [5], startMinute: 23 * 60, durationMinutes: 180 },
  };
  expect(occurrenceAt(night, Date.parse('2026-12-05T01:00:00Z'))).toEqual({
    start: Date.parse('2026-12-04T23:00:00Z'),
    end: Date.parse('2026-12-05T02:00:00Z'),
  });
});

test('the covering window is the one that ends last; scope and routes must match', () => {
  const facts = { appliance: 'ov', severity: 'Critical', enclosure: 'Encl2', resourceCategory: 'server-hardware' };
  const now = SAT_0200 + 60_000;
  const adHoc = [
    { id: 'long', scope: { enclosure: ['encl*'] }, end: SAT_0200 + 10 * 3_600_000, opened: now },
    { id: 'other-route', scope: { route: ['facilities'] }, end: SAT_0200 + 20 * 3_600_000, opened: now },
    { id: 'over', scope: {}, end: SAT_0200, opened: SAT_0200 - 3_600_000 },
  ];
  expect(coveringWindow([weekly], adHoc, facts, ['blades'], now)).toEqual({
    id: 'long',
    end: SAT_0200 + 10 * 3_600_000,
  });
  expect(coveringWindow([weekly], adHoc, facts, ['facilities'], now)?.id).toBe('other-route');
  expect(coveringWindow([weekly], [], { ...facts, enclosure: 'Encl1' }, ['blades'], now)).toBeUndefined();
});

test('ROUTES_FILE windows load as one-off and weekly schedules', () => {
  const config = load({
    routes: [{ name: 'facilities', match: { healthCategory: 'Power' } }],
    windows: [
      { name: 'patching', scope: { enclosure: 'Encl2' }, weekly: { days: ['sat'], at: '02:00', durationMinutes: 240 } },
      {
        name: 'move',
        scope: { route: 'facilities', appliance: 'ov-prod' },
        start: '2026-12-05T22:00:00Z',
        end: '2026-12-06T02:00:00Z',
        reason: 'moving the rack',
      },
    ],
  });
  expect(config.windows).toEqual([
    { ...weekly, scope: { enclosure: ['Encl2'] } },
    {
      name: 'move',
      scope: { appliance: ['ov-prod'], route: ['facilities'] },
      reason: 'moving the rack',
      once: { start: Date.parse('2026-12-05T22:00:00Z'), end: Date.parse('2026-12-06T02:00:00Z') },
    },
  ]);
});

test('every problem of the windows is listed at once', () => {
  let problems: string[] = [];
  try {
    load({
      routes: [],
      windows: [
        { name: 'a', scope: {}, start: '2026-12-05T22:00:00Z', end: '2026-12-05T21:00:00Z' },
        { name: 'a', scope: { route: 'nope' }, weekly: { days: ['someday'], at: '25:00', durationMinutes: 0 } },
        { name: 'b', scope: {} },
        { name: 'c', scope: {}, start: '2026-12-01T00:00:00Z', end: '2026-12-20T00:00:00Z', when: 'now' },
      ],
    });
  } catch (err) {
    problems = (err as ConfigError).problems;
  }
  expect(problems).toEqual([
    'windows[0] (a).end must be after its start',
    "windows[1].name 'a' is used twice",
    'windows[1] (a).scope.route: nope is not a route of this file',
    'windows[1] (a).weekly.days must list days such as ["sat", "sun"]',
    'windows[1] (a).weekly.at must be a UTC time such as "02:00"',
    'windows[1] (a).weekly.durationMinutes must be a whole number from 1 to 10080',
    'windows[2] (b) needs either start and end (one-off) or weekly (recurring)',
    'windows[3] (c).when is not a known field',
    'windows[3] (c) is longer than a week',
  ]);
});
