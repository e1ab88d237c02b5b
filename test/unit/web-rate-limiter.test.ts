import { ClientRateLimiter } from '../../src/web/rate-limiter';

describe('the web rate limiter', () => {
  test('gives each client its burst, then one call per refill interval, and says how long to wait', () => {
    let now = 0;
    const limiter = new ClientRateLimiter(60, 3, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([0, 0, 0, 1000]);
    expect(limiter.take('b')).toBe(0);
    now += 1000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1000);
  });

  test('keeps memory bounded under a flood from many clients, and the throttled recent client stays throttled', () => {
    let now = 0;
    const limiter = new ClientRateLimiter(1, 2, () => now, 100);
    limiter.take('flooder');
    limiter.take('flooder');
    for (let i = 0; i < 1000; i++) {
      now += 1;
      limiter.take(`client-${i}`);
      if (i % 50 === 0) expect(limiter.take('flooder')).toBeGreaterThan(0);
    }
    expect(limiter.size).toBeLessThanOrEqual(100);
  });
});
