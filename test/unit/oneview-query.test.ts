import { alertQueryPath } from '../../src/activities/oneview/alert-query';
import { matchesFilter, parseFilter } from '../../simulators/oneview/filter';

test('the first poll asks for every uncleared alert of the wanted severities, oldest change first', () => {
  const url = new URL(alertQueryPath(undefined, ['Critical', 'Warning']), 'https://x');
  expect(url.pathname).toBe('/rest/alerts');
  expect(url.searchParams.getAll('filter')).toEqual([
    `"severity EQ 'Critical' OR severity EQ 'Warning'"`,
    `"alertState NE 'Cleared'"`,
  ]);
  expect(url.searchParams.get('sort')).toBe('modified:ascending');
  expect(url.searchParams.get('count')).toBe('25');
});

test('later polls ask for every change since the watermark, cleared ones included', () => {
  const url = new URL(
    alertQueryPath({ modified: '2026-01-01T00:00:00.000Z', idsAtModified: ['1'] }, ['Critical']),
    'https://x',
  );
  expect(url.searchParams.getAll('filter')).toEqual([
    `"severity EQ 'Critical'"`,
    `"modified GE '2026-01-01T00:00:00.000Z'"`,
  ]);
});

test('the simulator reads the filters the client writes', () => {
  const alert = { severity: 'CRITICAL', alertState: 'Active', modified: '2026-01-01T00:00:01.000Z' };
  expect(matchesFilter(alert, parseFilter(`"severity EQ 'Critical' OR severity EQ 'Warning'"`))).toBe(true);
  expect(matchesFilter(alert, parseFilter(`"modified GE '2026-01-01T00:00:01.000Z'"`))).toBe(true);
  expect(matchesFilter(alert, parseFilter(`"modified GT '2026-01-01T00:00:01.000Z'"`))).toBe(false);
  expect(matchesFilter(alert, parseFilter(`alertState='Active' AND severity NE 'Warning'`))).toBe(true);
  expect(() => parseFilter(`"severity EQ"`)).toThrow(/cannot parse/);
  expect(() => parseFilter(`"severity EQ 'x' AND"`)).toThrow(/ends with AND\/OR/);
});
