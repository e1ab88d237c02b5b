import { UsageError } from './exit-codes';

/** A duration option such as 7d, 12h, 30m or 45s, in milliseconds, or a UsageError naming the option. */
export function durationMs(option: string, text: string): number {
  const m = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (!m) throw new UsageError(`--${option} must be a duration such as 7d, 12h, 30m or 45s, got '${text}'`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}
