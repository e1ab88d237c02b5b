import type { AlertRecord } from '../../src/shared/types';
import { HandledAlerts, MAX_HANDLED_ALERTS } from '../../src/workflows/handled-alerts';

const DAY = 24 * 3_600_000;
const at = (minute: number) => new Date(Date.UTC(2026, 10, 29, 12, minute)).toISOString();
const alert = (id: string, minute: number, alertState = 'Active'): AlertRecord => ({
  id,
  uri: `/rest/alerts/${id}`,
  severity: 'Critical',
  alertState,
  description: 'x',
  created: at(0),
  modified: at(minute),
});

test('a new alert starts first; the same or an older version is skipped; a newer one starts again', () => {
  const handled = new HandledAlerts();
  expect(handled.decide(alert('1', 1))).toBe('first');
  handled.recordActive(alert('1', 1));
  expect(handled.decide(alert('1', 1))).toBe('skip');
  expect(handled.decide(alert('1', 0))).toBe('skip');
  expect(handled.decide(alert('1', 2))).toBe('again');
});

test('a clear remembers its version: a stale push of the active alert stays quiet, a re-activation pages', () => {
  const handled = new HandledAlerts();
  handled.recordActive(alert('1', 1));
  handled.recordCleared('1', at(5), Date.parse(at(5)));
  expect(handled.decide(alert('1', 3))).toBe('skip');
  expect(handled.decide(alert('1', 6))).toBe('again');
  expect(handled.activeIds()).toEqual([]);
});

test('a clear of an alert never decided is remembered, so its re-activation starts again rather than first', () => {
  const handled = new HandledAlerts();
  handled.recordCleared('7', at(5), 0);
  expect(handled.decide(alert('7', 9))).toBe('again');
  // Gone without a version: nothing to remember for an alert never seen.
  handled.recordCleared('8', undefined, 0);
  expect(handled.size).toBe(1);
});

test('cleared alerts are forgotten only after retention plus a margin; active ones are kept', () => {
  const handled = new HandledAlerts();
  handled.recordActive(alert('1', 1));
  handled.recordActive(alert('2', 1));
  handled.recordCleared('2', at(2), 0);
  expect(handled.prune(30 * DAY, 30 * DAY)).toBe(0);
  expect(handled.size).toBe(2);
  handled.prune(38 * DAY, 30 * DAY);
  expect(handled.entries().map(([id]) => id)).toEqual(['1']);
});

test('above the cap the oldest cleared entries go first, and the count is reported', () => {
  const handled = new HandledAlerts();
  for (let i = 0; i < MAX_HANDLED_ALERTS; i++) handled.recordActive(alert(`a${i}`, 1));
  handled.recordCleared('a0', at(2), 10);
  handled.recordActive(alert('new', 3));
  expect(handled.prune(11)).toBe(1);
  expect(handled.decide(alert('a0', 2))).toBe('first');
  expect(handled.decide(alert('a1', 1))).toBe('skip');
});

test('the memory survives continue-as-new exactly', () => {
  const handled = new HandledAlerts();
  handled.recordActive(alert('1', 1));
  handled.recordCleared('2', at(4), 123);
  const next = new HandledAlerts(handled.entries());
  expect(next.entries()).toEqual(handled.entries());
  expect(next.decide(alert('1', 1))).toBe('skip');
});
