import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { round } from './stats';

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system, all threads) and resident memory of one process, read from /proc. */
export interface ProcSample {
  cpuMs: number;
  rssMb: number;
  at: number;
}

/** Reads /proc/<pid>/stat (utime + stime) and /proc/<pid>/status (VmRSS); undefined once the process is gone. */
export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return { cpuMs: (ticks / CLOCK_TICKS) * 1000, rssMb: rssKb / 1024, at: Date.now() };
  } catch {
    return undefined;
  }
}

/** What a process used over a window: CPU seconds, average share of one core, and resident memory. */
export interface ProcUsage {
  cpuSeconds: number;
  /** Average over the window, 100 = one core busy. */
  cpuPercent: number;
  rssMbStart: number;
  rssMbEnd: number;
  rssMbPeak: number;
}

/**
 * Watches named processes over a window: CPU from the /proc deltas between start and stop, resident memory sampled
 * every `everyMs` for the peak.
 */
export class ProcWatch {
  private readonly start = new Map<string, ProcSample>();
  private readonly peak = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = Date.now();

  constructor(
    private readonly pids: Record<string, number | undefined>,
    everyMs = 1000,
  ) {
    for (const [name, pid] of Object.entries(pids)) {
      const s = pid === undefined ? undefined : sampleProcess(pid);
      if (s) {
        this.start.set(name, s);
        this.peak.set(name, s.rssMb);
      }
    }
    this.timer = setInterval(() => this.samplePeaks(), everyMs);
    this.timer.unref();
  }

  private samplePeaks(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      const s = pid === undefined ? undefined : sampleProcess(pid);
      if (s) this.peak.set(name, Math.max(this.peak.get(name) ?? 0, s.rssMb));
    }
  }

  /** Ends the window and answers each process's usage over it. */
  stop(): Record<string, ProcUsage> {
    clearInterval(this.timer);
    this.samplePeaks();
    const seconds = (Date.now() - this.startedAt) / 1000;
    const out: Record<string, ProcUsage> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const a = this.start.get(name);
      const b = pid === undefined ? undefined : sampleProcess(pid);
      if (!a || !b) continue;
      const cpuSeconds = (b.cpuMs - a.cpuMs) / 1000;
      out[name] = {
        cpuSeconds: round(cpuSeconds, 2),
        cpuPercent: round((cpuSeconds / Math.max(0.001, seconds)) * 100, 1),
        rssMbStart: round(a.rssMb, 1),
        rssMbEnd: round(b.rssMb, 1),
        rssMbPeak: round(this.peak.get(name) ?? b.rssMb, 1),
      };
    }
    return out;
  }
}

/** The pid of the Temporal dev server listening on `port` (started by the SDK's native core, which does not say). */
export function findDevServerPid(port: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (
        args.includes('start-dev') &&
        args.some((a, i) => (a === '--port' && args[i + 1] === String(port)) || a === `--port=${port}`)
      ) {
        return Number(entry);
      }
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}
