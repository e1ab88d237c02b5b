import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './stats';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Where a sample's time went, by owner of the code. */
function category(url: string, fn: string): string {
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'gc';
  if (fn === '(program)') return 'native (program: Rust core, V8, libuv)';
  if (url.includes('workflow-bundle')) return 'workflow sandbox (bundle: SDK workflow runtime + our workflows)';
  if (url.includes('node_modules/@temporalio/')) return 'Temporal SDK (worker, client, proto)';
  if (url.includes('node_modules/protobufjs') || url.includes('node_modules/long')) return 'protobuf';
  if (url.includes('node_modules/undici')) return 'undici (HTTP client)';
  if (url.includes('node_modules/prom-client')) return 'prom-client';
  if (url.includes('node_modules/')) return 'other dependencies';
  if (url.includes('/src/')) return 'bridge code (src/)';
  if (url.startsWith('node:') || url === '') return 'node internals';
  return 'other';
}

/**
 * Self time by category and the heaviest functions of the .cpuprofile files (node --cpu-prof: one per thread) in a
 * directory, counting only samples taken `skipSeconds` after each process's first profile started (start-up and
 * warm-up left out).
 */
export function summarizeProfiles(dir: string, skipSeconds = 0, top = 25) {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const profiles = files.map((f) => ({
    pid: f.split('.')[3] ?? '',
    profile: JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile,
  }));
  const firstStart = new Map<string, number>();
  for (const { pid, profile } of profiles)
    firstStart.set(pid, Math.min(firstStart.get(pid) ?? Infinity, profile.startTime));
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  for (const { pid, profile } of profiles) {
    // Hits per node from the samples after the cutoff, each weighted by its time delta (microseconds).
    const cutoff = firstStart.get(pid)! + skipSeconds * 1e6;
    const msByNode = new Map<number, number>();
    let t = profile.startTime;
    (profile.samples ?? []).forEach((id, i) => {
      const delta = profile.timeDeltas?.[i] ?? 0;
      t += delta;
      if (t >= cutoff) msByNode.set(id, (msByNode.get(id) ?? 0) + delta / 1000);
    });
    for (const node of profile.nodes) {
      const ms = msByNode.get(node.id) ?? 0;
      if (ms === 0) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const cat = category(url, functionName);
      byCategory.set(cat, (byCategory.get(cat) ?? 0) + ms);
      if (cat !== 'idle') {
        const short = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/');
        const key = `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`;
        byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
      }
      totalMs += ms;
    }
  }
  const busy = totalMs - (byCategory.get('idle') ?? 0);
  const pct = (ms: number) => round((ms / Math.max(1, busy)) * 100, 1);
  return {
    files: files.length,
    profiledSeconds: round(totalMs / 1000, 1),
    busySeconds: round(busy / 1000, 1),
    /** Shares of the busy (non-idle) main-thread time; the Rust core's own threads are not in a V8 profile. */
    busyShareByCategory: Object.fromEntries(
      [...byCategory]
        .filter(([c]) => c !== 'idle')
        .sort((a, b) => b[1] - a[1])
        .map(([c, ms]) => [c, pct(ms)]),
    ),
    topSelfTime: [...byFunction]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, ms]) => ({ fn, ms: round(ms, 0), pct: pct(ms) })),
  };
}
