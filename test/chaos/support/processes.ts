import type { ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Harness } from '../../support/bridge-harness';
import { bridgeConfig } from '../../support/bridge-harness';
import { waitFor } from '../../support/wait-for';
import { spawnWeb } from '../../support/web-process';
import { exited, spawnWorker, workerEnv } from '../../support/worker-process';

/** One worker process started by a scenario. */
export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves once the worker logged "worker started" (its pollers are signalled); fails if it exits first. */
  started(): Promise<void>;
}

/** How a process ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Every process a scenario starts, so a `finally` can stop them all whatever happened: workers and web processes get
 * SIGTERM and, if still running after `graceMs`, SIGKILL.
 */
export class ProcessSet {
  private readonly children = new Set<ChildProcess>();
  private readonly stoppers: (() => Promise<void>)[] = [];
  private scratch: string | undefined;

  /** A temporary directory of this scenario (CA file, Temporal database), removed by {@link stopAll}. */
  scratchDir(): string {
    this.scratch ??= mkdtempSync(join(tmpdir(), 'bridge-chaos-'));
    return this.scratch;
  }

  /**
   * The environment of a chaos worker: the simulator's CA trusted (verification on, no TLS warning), a 1 s poll
   * interval, no routing-key limiter (it has its own storm test; the PagerDuty simulator is unthrottled too), short
   * PagerDuty retry waits and a short shutdown grace.
   */
  workerEnv(
    h: Pick<Harness, 'oneView' | 'pagerDuty'>,
    ids: { applianceId: string; taskQueue: string },
    extra: Record<string, string> = {},
  ): Record<string, string> {
    const caFile = join(this.scratchDir(), 'oneview-ca.pem');
    writeFileSync(caFile, h.oneView.certificatePem ?? '');
    return workerEnv(bridgeConfig(h, ids), {
      ONEVIEW_SSL_VERIFY: 'true',
      ONEVIEW_CACERT: caFile,
      POLL_INTERVAL: '1',
      PAGERDUTY_RATE_LIMIT_PER_MINUTE: '0',
      PAGERDUTY_RETRY_BASE_MS: '200',
      PAGERDUTY_RETRY_MAX_MS: '2000',
      PAGERDUTY_RATE_LIMIT_MIN_DELAY_MS: '200',
      WORKER_SHUTDOWN_GRACE_SECONDS: '2',
      ...extra,
    });
  }

  /** Starts a worker process (spawnWorker: its output is captured for the suite's log checks). */
  worker(env: Record<string, string>): WorkerProcess {
    const worker = spawnWorker(env);
    this.children.add(worker.child);
    if (process.env.CHAOS_DEBUG_DIR) {
      const file = join(process.env.CHAOS_DEBUG_DIR, `worker-${Date.now()}-${worker.child.pid}.log`);
      worker.child.stdout?.on('data', (d: Buffer) => appendFileSync(file, d));
      worker.child.stderr?.on('data', (d: Buffer) => appendFileSync(file, d));
    }
    return {
      ...worker,
      async started() {
        const state = await waitFor(
          'the worker process to start',
          async () =>
            worker.child.exitCode !== null || worker.child.signalCode !== null
              ? 'exited'
              : /"msg":"worker started"/.test(worker.output())
                ? 'started'
                : 'starting',
          (s) => s !== 'starting',
          90_000,
        );
        if (state === 'exited')
          throw new Error(
            `the worker exited while starting (${worker.child.exitCode ?? worker.child.signalCode}): ${worker.output().slice(-2000)}`,
          );
      },
    };
  }

  /** Starts the web process (spawnWeb) and stops it with the others. */
  async web(taskQueue: string, extraEnv: Record<string, string> = {}) {
    const web = await spawnWeb(taskQueue, extraEnv);
    this.stoppers.push(() => web.stop());
    return web;
  }

  /** Stops every process still running and removes the scratch directory; safe to call more than once. */
  async stopAll(graceMs = 15_000): Promise<void> {
    await Promise.all(this.stoppers.splice(0).map((stop) => stop().catch(() => undefined)));
    await Promise.all([...this.children].map((child) => stopChild(child, graceMs)));
    this.children.clear();
    if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
    this.scratch = undefined;
  }
}

/** SIGKILLs a process and waits for it to be gone. */
export async function kill(child: ChildProcess): Promise<ExitInfo> {
  if (isRunning(child)) child.kill('SIGKILL');
  await exited(child);
  return { code: child.exitCode, signal: child.signalCode };
}

/** SIGTERMs a process, SIGKILLs it after `graceMs`, and waits for it to be gone. */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<ExitInfo> {
  if (isRunning(child)) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited(child);
    clearTimeout(timer);
  }
  return { code: child.exitCode, signal: child.signalCode };
}

/** Whether a child process has not exited yet. */
export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}
