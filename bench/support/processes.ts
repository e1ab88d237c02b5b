import { waitFor } from '../../test/support/wait-for';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = join(__dirname, '..', '..');

/** Where every bench process leaves its output (not committed; printed at the end of a run). */
export const LOG_DIR = join(ROOT, 'bench', 'results', 'logs');

const running = new Set<ChildProcess>();
/** Extra pids to kill at exit (the Temporal dev server, started by the SDK's native core). */
const extraPids = new Set<number>();

// Whatever happens to the driver (an exception, Ctrl-C), no process it started outlives it.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const pid of extraPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Kills this pid too if the driver exits without stopping it. */
export function killAtExit(pid: number | undefined): void {
  if (pid !== undefined) extraPids.add(pid);
}

/** Forgets a pid registered with {@link killAtExit} (it was stopped properly). */
export function forgetAtExit(pid: number | undefined): void {
  if (pid !== undefined) extraPids.delete(pid);
}

/** A process the bench started, with its output kept for readiness checks. */
export interface BenchProcess {
  name: string;
  /** When it was spawned (epoch ms). */
  startedAt: number;
  child: ChildProcess;
  pid: number;
  output(): string;
  /** Waits until the output matches, failing early when the process exits first. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a TypeScript entry point with node and the tsx loader (as test/support/worker-process.ts does, so the pid is
 * the process itself), logging its output to bench/results/logs/<name>.log.
 */
export function spawnTs(
  name: string,
  entry: string,
  env: Record<string, string>,
  options: { nodeArgs?: string[]; args?: string[]; ipc?: boolean } = {},
): BenchProcess {
  mkdirSync(LOG_DIR, { recursive: true });
  const startedAt = Date.now();
  const log = createWriteStream(join(LOG_DIR, `${name}.log`));
  // Compiled JavaScript (as in the image) runs without the loader.
  const loader = entry.endsWith('.js') ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, entry, ...(options.args ?? [])], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
  });
  running.add(child);
  // Only the head of the output is kept in memory (readiness lines come first); everything goes to the log file.
  let head = '';
  const keep = (d: Buffer) => {
    log.write(d);
    if (head.length < 200_000) head += d.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child);
      log.end();
      resolve();
    }),
  );
  return {
    name,
    startedAt,
    child,
    pid: child.pid ?? -1,
    output: () => head,
    async waitForOutput(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = pattern.exec(head);
        if (m) return m;
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(
            `${name} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}:\n${head.slice(-3000)}`,
          );
        }
        if (Date.now() > deadline)
          throw new Error(`${name} did not print ${pattern} within ${timeoutMs} ms:\n${head.slice(-3000)}`);
        await sleep(100);
      }
    },
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A free TCP port on 127.0.0.1 (for processes whose port 0 means "off", like TEMPORAL_METRICS_PORT). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `probe` every `everyMs` until `done` accepts its value; the tests' waitFor, at the bench's slower pace. */
export function waitUntil<T>(
  what: string,
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  return waitFor(what, probe, done, timeoutMs, everyMs);
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping the order of results. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}
