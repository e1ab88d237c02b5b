/**
 * The wait after a 429: the Retry-After given, but never less than `minMs` (PAGERDUTY_RATE_LIMIT_MIN_DELAY_MS;
 * PagerDuty suggests retrying about 30 s apart). Every other retry waits as the delivery's retry policy says.
 */
export function rateLimitDelayMs(minMs: number, retryAfterMs: number | undefined): number {
  return Math.max(minMs, retryAfterMs ?? 0);
}
