/** How many clients a limiter remembers at most, so a flood from many addresses cannot grow memory without bound. */
export const MAX_TRACKED_CLIENTS = 10_000;

/** A token bucket per client key: `perMinute` sustained, `burst` at once, with bounded memory. */
export class ClientRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
    private readonly maxClients = MAX_TRACKED_CLIENTS,
  ) {}

  /** Takes one token for a client; answers how long to wait (ms) when there is none, or 0. */
  take(client: string): number {
    const now = this.now();
    const bucket = this.buckets.get(client) ?? { tokens: this.burst, at: now };
    const refill = ((now - bucket.at) / 60_000) * this.perMinute;
    bucket.tokens = Math.min(this.burst, bucket.tokens + refill);
    bucket.at = now;
    // Re-inserted so the map's order is least recently seen first, for eviction.
    this.buckets.delete(client);
    this.buckets.set(client, bucket);
    if (this.buckets.size > this.maxClients) this.shrink(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / this.perMinute) * 60_000);
  }

  /** Clients tracked now (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  // Clients whose bucket has refilled are indistinguishable from new ones: forget them first. If the map is still too
  // big (a flood from more addresses than it holds), forget the least recently seen: such a client starts again with a
  // full burst, which a flood from that many addresses gets anyway.
  private shrink(now: number): void {
    const full = (this.burst / this.perMinute) * 60_000;
    for (const [key, b] of this.buckets) if (now - b.at > full) this.buckets.delete(key);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxClients * 0.9) break;
      this.buckets.delete(key);
    }
  }
}
