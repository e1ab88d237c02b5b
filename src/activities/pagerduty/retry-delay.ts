/** How long PagerDuty sends wait before Temporal retries them. */
export interface PagerDutyRetryPolicy {
  /** First wait after a 5xx, network error or timeout; doubled per attempt. */
  baseMs: number;
  /** Longest wait between attempts. */
  maxMs: number;
  /** Shortest wait after a 429; PagerDuty suggests retrying about 30 s apart. */
  rateLimitMinMs: number;
}

/** The defaults: 1 s doubling to 5 min, and 30 s after a 429. */
export const DEFAULT_PAGERDUTY_RETRY: PagerDutyRetryPolicy = { baseMs: 1000, maxMs: 300_000, rateLimitMinMs: 30_000 };

/**
 * Exponential backoff with full jitter for attempt n (1-based): a random wait up to base·2ⁿ⁻¹ (capped), never under
 * half of it, so a fleet of deliveries retrying after one outage does not hit PagerDuty in lockstep.
 */
export function backoffDelayMs(policy: PagerDutyRetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** The wait after a 429: the Retry-After given, but never less than the policy's minimum. */
export function rateLimitDelayMs(policy: PagerDutyRetryPolicy, retryAfterMs: number | undefined): number {
  return Math.max(policy.rateLimitMinMs, retryAfterMs ?? 0);
}
