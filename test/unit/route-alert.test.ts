import { globMatch } from '../../src/routing/glob-match';
import { alertFactsOf, routeAlert } from '../../src/routing/route-alert';
import type { AlertFacts, RouteRule } from '../../src/routing/route-types';
import type { AlertRecord } from '../../src/shared/types';

// Routing as a table: each row is an alert, the rules it meets and what must come out, written the way an operator
// reads `ops:route-test`.
const RULES: RouteRule[] = [
  { name: 'drop-firmware', match: { healthCategory: ['Firmware'] }, drop: true },
  {
    name: 'facilities',
    match: { healthCategory: ['power'] },
    continue: true,
    routingKeyId: 'fac',
    severity: 'critical',
  },
  { name: 'lab', match: { appliance: ['lab-*'] }, routingKeyId: 'lab', priority: 5 },
  {
    name: 'blades',
    match: { resourceCategory: ['server-hardware'], enclosure: ['Encl?'] },
    exclude: { alertTypeID: ['Trap.cpqSm2*'] },
    routingKeyId: 'blades',
  },
  { name: 'noisy-traps', match: { alertTypeID: ['Trap.cpqSm2*'] }, drop: true },
  { name: 'interconnects', match: { resourceCategory: ['interconnects', 'sas-interconnects'] } },
];

const base: AlertFacts = { appliance: 'ov-prod', severity: 'Critical' };

test.each<[string, AlertFacts, ReturnType<typeof routeAlert>]>([
  [
    'no rule matches: the appliance key',
    { ...base, healthCategory: 'Thermal' },
    { targets: [{ route: 'default' }], matched: [] },
  ],
  ['drop first', { ...base, healthCategory: 'Firmware' }, { dropped: 'drop-firmware', matched: ['drop-firmware'] }],
  [
    'continue: one alert pages two services',
    {
      ...base,
      healthCategory: 'Power',
      resourceCategory: 'server-hardware',
      resourceName: 'Encl1, bay 3',
      enclosure: 'Encl1',
    },
    {
      targets: [
        { route: 'facilities', routingKeyId: 'fac', severity: 'critical' },
        { route: 'blades', routingKeyId: 'blades' },
      ],
      matched: ['facilities', 'blades'],
    },
  ],
  [
    'continue with nothing after it: only the continue route (not the default as well)',
    { ...base, healthCategory: 'POWER' },
    { targets: [{ route: 'facilities', routingKeyId: 'fac', severity: 'critical' }], matched: ['facilities'] },
  ],
  [
    'first match wins over later ones',
    { ...base, appliance: 'lab-7', resourceCategory: 'interconnects' },
    { targets: [{ route: 'lab', routingKeyId: 'lab', priority: 5 }], matched: ['lab'] },
  ],
  [
    'exclude skips a rule; a later one drops',
    { ...base, resourceCategory: 'server-hardware', enclosure: 'Encl2', alertTypeID: 'Trap.cpqSm2ServerPowerOn' },
    { dropped: 'noisy-traps', matched: ['noisy-traps'] },
  ],
  [
    'a drop after a continue keeps the targets already chosen',
    { ...base, healthCategory: 'Power', alertTypeID: 'Trap.cpqSm2ServerReset' },
    {
      targets: [{ route: 'facilities', routingKeyId: 'fac', severity: 'critical' }],
      matched: ['facilities', 'noisy-traps'],
    },
  ],
  [
    'a field the alert lacks does not match a pattern',
    { ...base, resourceCategory: 'server-hardware' },
    { targets: [{ route: 'default' }], matched: [] },
  ],
  [
    'a list matches any of its patterns',
    { ...base, resourceCategory: 'sas-interconnects' },
    { targets: [{ route: 'interconnects' }], matched: ['interconnects'] },
  ],
])('%s', (_, facts, expected) => {
  expect(routeAlert(RULES, facts)).toEqual(expected);
});

test('with no rules every alert pages the appliance key', () => {
  expect(routeAlert([], { ...base, healthCategory: 'Firmware' })).toEqual({
    targets: [{ route: 'default' }],
    matched: [],
  });
});

test('an empty match is a catch-all', () => {
  expect(routeAlert([{ name: 'all', match: {}, routingKeyId: 'x' }], base)).toEqual({
    targets: [{ route: 'all', routingKeyId: 'x' }],
    matched: ['all'],
  });
});

test('the facts of an alert: its enclosure from the resource name, or the enclosure itself', () => {
  const alert = (resourceCategory: string, resourceName: string): AlertRecord => ({
    id: '1',
    uri: '/rest/alerts/1',
    severity: 'Critical',
    alertState: 'Active',
    description: 'd',
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
    resourceCategory,
    resourceName,
  });
  expect(alertFactsOf('ov', alert('server-hardware', 'Encl1, bay 3')).enclosure).toBe('Encl1');
  expect(alertFactsOf('ov', alert('interconnects', 'Frame 2, interconnect 3')).enclosure).toBe('Frame 2');
  expect(alertFactsOf('ov', alert('enclosures', 'Encl1')).enclosure).toBe('Encl1');
  expect(alertFactsOf('ov', alert('server-hardware', 'dl380-rack-7')).enclosure).toBeUndefined();
});

test.each<[string, string, boolean]>([
  ['Encl?', 'encl1', true],
  ['Encl?', 'Encl12', false],
  ['*', '', true],
  ['a*b*c', 'aXXbYYc', true],
  ['a*b*c', 'aXXbYY', false],
  ['*.cpq*Power*', 'Trap.cpqHe4FltTolPowerSupplyFailed', true],
  ['bay ?', 'bay 10', false],
  ['€*', '€uro', true],
])('glob %s against %s: %s', (pattern, text, expected) => {
  expect(globMatch(pattern, text)).toBe(expected);
});

test('a pathological pattern against a long name stays fast (no regular-expression backtracking)', () => {
  const text = 'a'.repeat(256);
  expect(globMatch('*a*a*a*a*a*a*a*a*a*b', text)).toBe(false);
});
