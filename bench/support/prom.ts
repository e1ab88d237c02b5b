import { request } from 'undici';
import { round } from './stats';

/** One histogram summed over its label sets. */
export interface Histogram {
  count: number;
  sum: number;
  /** Cumulative counts by upper bound (seconds). */
  buckets: Map<number, number>;
}

/** Every histogram and plain sample of a Prometheus endpoint, each summed over its label sets. */
export interface Scrape {
  histograms: Map<string, Histogram>;
  values: Map<string, number>;
  /** Every sample by its full series name, `name{labels}`. */
  series: Map<string, number>;
}

/** Reads a Prometheus text endpoint. */
export async function scrape(url: string): Promise<Scrape> {
  const res = await request(url);
  const text = await res.body.text();
  const histograms = new Map<string, Histogram>();
  const values = new Map<string, number>();
  const series = new Map<string, number>();
  const hist = (name: string) => {
    let h = histograms.get(name);
    if (!h) histograms.set(name, (h = { count: 0, sum: 0, buckets: new Map() }));
    return h;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const [, name, labels = '', raw] = m as unknown as [string, string, string | undefined, string];
    const value = Number(raw);
    series.set(`${name}${labels}`, value);
    if (name.endsWith('_bucket')) {
      const le = /le="([^"]+)"/.exec(labels)?.[1];
      if (le === undefined) continue;
      const bound = le === '+Inf' ? Infinity : Number(le);
      const h = hist(name.slice(0, -'_bucket'.length));
      h.buckets.set(bound, (h.buckets.get(bound) ?? 0) + value);
    } else if (name.endsWith('_count') && !name.endsWith('_total_count')) {
      hist(name.slice(0, -'_count'.length)).count += value;
      values.set(name, (values.get(name) ?? 0) + value);
    } else if (name.endsWith('_sum')) {
      hist(name.slice(0, -'_sum'.length)).sum += value;
    } else {
      values.set(name, (values.get(name) ?? 0) + value);
    }
  }
  // Names that only had _count (plain values) are not histograms.
  for (const [name, h] of histograms) if (h.buckets.size === 0) histograms.delete(name);
  return { histograms, values, series };
}

/** What a histogram recorded between two scrapes: count, mean and bucket-interpolated p50/p95/p99, in milliseconds. */
export interface HistogramDelta {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** The observations a histogram gained between `before` and `after`. */
export function histogramDelta(before: Scrape, after: Scrape, name: string): HistogramDelta | undefined {
  const a = after.histograms.get(name);
  if (!a) return undefined;
  const b = before.histograms.get(name) ?? { count: 0, sum: 0, buckets: new Map<number, number>() };
  const count = a.count - b.count;
  if (count <= 0) return { count: 0, meanMs: Number.NaN, p50Ms: Number.NaN, p95Ms: Number.NaN, p99Ms: Number.NaN };
  const bounds = [...a.buckets.keys()].sort((x, y) => x - y);
  const cumulative = bounds.map((le) => (a.buckets.get(le) ?? 0) - (b.buckets.get(le) ?? 0));
  const quantile = (q: number) => {
    const target = q * count;
    let prevBound = 0;
    let prevCount = 0;
    for (let i = 0; i < bounds.length; i++) {
      const le = bounds[i]!;
      const c = cumulative[i]!;
      if (c >= target) {
        if (!Number.isFinite(le)) return prevBound * 1000;
        const within = c - prevCount;
        const frac = within > 0 ? (target - prevCount) / within : 1;
        return (prevBound + (le - prevBound) * frac) * 1000;
      }
      prevBound = le;
      prevCount = c;
    }
    return prevBound * 1000;
  };
  return {
    count,
    meanMs: round(((a.sum - b.sum) / count) * 1000, 1),
    p50Ms: round(quantile(0.5), 1),
    p95Ms: round(quantile(0.95), 1),
    p99Ms: round(quantile(0.99), 1),
  };
}

/** The Temporal SDK worker metrics that split a delivery's time into queueing and work. */
export const SDK_LATENCIES = [
  'temporal_workflow_task_schedule_to_start_latency_seconds',
  'temporal_workflow_task_execution_latency_seconds',
  'temporal_workflow_task_replay_latency_seconds',
  'temporal_activity_schedule_to_start_latency_seconds',
  'temporal_activity_execution_latency_seconds',
] as const;

/** Deltas of {@link SDK_LATENCIES} between two scrapes of the worker's TEMPORAL_METRICS_PORT. */
export function sdkLatencies(before: Scrape, after: Scrape): Record<string, HistogramDelta | undefined> {
  return Object.fromEntries(
    SDK_LATENCIES.map((name) => [
      name.replace(/^temporal_/, '').replace(/_seconds$/, ''),
      histogramDelta(before, after, name),
    ]),
  );
}

/** Sum of the samples of `name` whose labels contain every `label="value"` given. */
export function seriesSum(s: Scrape, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const [key, value] of s.series) {
    if (key !== name && !key.startsWith(`${name}{`)) continue;
    if (wanted.every((w) => key.includes(w))) sum += value;
  }
  return sum;
}
