import { describeErrorBody, parseRetryAfter } from '../../src/activities/pagerduty/pagerduty-sender';
import { validateAlertEvent } from '../../simulators/pagerduty/validate-event';

test('the simulator collects every validation error, in PagerDuty wording', () => {
  expect(
    validateAlertEvent({
      routing_key: 'short-key!',
      event_action: 'trigger',
      payload: { summary: 'x'.repeat(1025), severity: 'loud' },
    }),
  ).toEqual([
    "Length of 'routing_key' is incorrect (should be 32 characters)",
    "'routing_key' cannot contain non-alphanumeric characters.",
    "'summary' is too long (maiximum is 1024 characters)",
    "'payload.source' is missing or blank",
    "'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')",
  ]);
  expect(validateAlertEvent({ routing_key: 'k'.repeat(32), event_action: 'resolve' })).toEqual([
    "'dedup_key' is missing or blank",
  ]);
});

test.each([
  [
    '{"status":"invalid event","message":"Event object is invalid","errors":["a","b"]}',
    'Event object is invalid; a; b',
  ],
  ['{"error":["links should have at most 50 item(s)"]}', 'links should have at most 50 item(s)'],
  ['Invalid routing key', 'Invalid routing key'],
  ['', 'empty body'],
])('error body %s reads as %s', (body, expected) => {
  expect(describeErrorBody(body)).toBe(expected);
});

test('Retry-After is read as seconds or as a date', () => {
  expect(parseRetryAfter('45')).toBe(45_000);
  expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', Date.parse('2026-01-01T00:00:00Z'))).toBe(60_000);
  expect(parseRetryAfter('soon')).toBeUndefined();
  expect(parseRetryAfter(undefined)).toBeUndefined();
});

test("an error body chosen by whatever answers in PagerDuty's place is bounded and well-formed", () => {
  const huge = JSON.stringify({ message: 'invalid', errors: Array.from({ length: 5000 }, (_, i) => `error ${i}`) });
  expect(Array.from(describeErrorBody(huge)).length).toBeLessThanOrEqual(500);
  const text = describeErrorBody(`<html>${'\ud83d\udd25'.repeat(400)}\u0000</html>`);
  expect(Array.from(text).length).toBeLessThanOrEqual(500);
  expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  expect(text).not.toContain(String.fromCharCode(0));
});
