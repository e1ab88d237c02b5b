import {
  FACILITIES,
  STORAGE,
  loadWithRoutesFile as load,
  routesFileProblems as problems,
} from './support/routes-config';

test('a rule file with references to its routing keys loads; the keys are read, patterns kept as lists', () => {
  const config = load({
    routes: [
      { name: 'facilities', match: { healthCategory: 'Power' }, routingKeyEnv: 'PD_FACILITIES', continue: true },
      {
        name: 'storage',
        match: { healthCategory: ['Storage'], appliance: 'ov-*' },
        routingKeyFile: '/run/secrets/storage',
        severity: 'Error',
        priority: 2,
      },
      { name: 'quiet', match: { severity: 'Warning' }, exclude: { resourceCategory: 'enclosures' }, drop: true },
    ],
  });
  expect(config.routes).toEqual([
    {
      name: 'facilities',
      match: { healthCategory: ['Power'] },
      continue: true,
      routingKey: FACILITIES,
      routingKeyRef: 'routingKeyEnv PD_FACILITIES',
    },
    {
      name: 'storage',
      match: { healthCategory: ['Storage'], appliance: ['ov-*'] },
      routingKey: STORAGE,
      routingKeyRef: 'routingKeyFile /run/secrets/storage',
      severity: 'error',
      priority: 2,
    },
    { name: 'quiet', match: { severity: ['Warning'] }, exclude: { resourceCategory: ['enclosures'] }, drop: true },
  ]);
});

test('no ROUTES_FILE: no routes', () => {
  expect(load([], { ROUTES_FILE: '' }).routes).toEqual([]);
});

test('every problem of a rule file is listed at once, each with its place, none with a secret', () => {
  const found = problems([
    { name: 'Bad Name', match: { healthCategory: 'Power' } },
    { name: 'default', match: {} },
    { name: 'x', match: { colour: 'red', severity: 'Critcal', appliance: 'ov-prd' } },
    { name: 'y', match: { healthCategory: [] }, routingKeyEnv: 'PD_MISSING', severity: 'urgent', priority: 9 },
    { name: 'z', drop: true, continue: true, routingKeyEnv: 'PD_FACILITIES' },
    { name: 'x', match: {}, exclude: {} },
    { name: 'w', routingKeyEnv: 'PD_FACILITIES', routingKeyFile: '/run/secrets/storage', frobnicate: 1 },
    'not an object',
  ]);
  expect(found).toEqual([
    "routes[0].name must be 1-63 lower-case letters, digits or '-'",
    "routes[1].name 'default' is the appliance's own key; choose another",
    'routes[2] (x).match.colour is not a field routes match on (appliance, severity, healthCategory, resourceCategory, alertTypeID, resourceName, enclosure)',
    'routes[2] (x).match.severity: Critcal is not a OneView severity (Critical, Warning, OK, Unknown, Disabled)',
    'routes[2] (x).match.appliance: ov-prd is not a configured appliance',
    'routes[3] (y).match.healthCategory must be a pattern or a non-empty list of patterns (printable, 1-256)',
    'routes[3] (y).routingKeyEnv names an environment variable that is not set',
    "routes[3] (y).severity must be one of critical, error, warning, info (PagerDuty's)",
    'routes[3] (y).priority must be a whole number from 1 (sent first) to 5',
    'routes[4] (z): a drop route pages nobody, so continue, routingKeyEnv cannot apply',
    'routes[5] (x).exclude must name at least one field',
    'routes[6] (w).frobnicate is not a known field',
    'routes[6] (w): set only one of routingKeyEnv and routingKeyFile',
    'routes[7] must be an object',
    "routes[5].name 'x' is used twice",
  ]);
  expect(found.join('\n')).not.toContain(FACILITIES);
  expect(found.join('\n')).not.toContain(STORAGE);
});

test('a routing key that is not an integration key is refused without being shown', () => {
  const found = problems({ routes: [{ name: 'r', routingKeyEnv: 'ONEVIEW_PASSWORD' }] });
  expect(found).toEqual(['routes[0] (r): its routing key must be a 32-character Events API v2 integration key']);
});

test('a file that is not JSON says where, not what', () => {
  expect(problems('[{"name": "r", "routingKey": "secret-key-here"')).toEqual([
    expect.stringMatching(/^ROUTES_FILE \(\/etc\/bridge\/routes.json\) is not valid JSON/),
  ]);
  expect(problems('[{"name": "r", "routingKey": "secret-key-here"').join()).not.toContain('secret-key-here');
});
