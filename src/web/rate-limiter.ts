/** A token bucket per client: `perMinute` sustained, `burst` at once. */
export class ClientRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for a client; answers how long to wait (ms) when there is none, or 0. */
  take(client: string): number {
    const now = this.now();
    const bucket = this.buckets.get(client) ?? { tokens: this.burst, at: now };
    const refill = ((now - bucket.at) / 60_000) * this.perMinute;
    bucket.tokens = Math.min(this.burst, bucket.tokens + refill);
    bucket.at = now;
    this.buckets.set(client, bucket);
    if (this.buckets.size > 10_000) this.forgetIdle(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / this.perMinute) * 60_000);
  }

  // Clients whose bucket has refilled are indistinguishable from new ones: forget them so memory stays bounded.
  private forgetIdle(now: number): void {
    const full = (this.burst / this.perMinute) * 60_000;
    for (const [key, b] of this.buckets) if (now - b.at > full) this.buckets.delete(key);
  }
}
