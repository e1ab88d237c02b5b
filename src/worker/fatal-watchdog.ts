import type { Logger } from '@temporalio/worker';

/** The signals that ask the worker to stop: the SDK Runtime's own default list, passed to Runtime.install so both agree. */
export const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGUSR2'];

/** How long a requested stop may run past the shutdown grace (closing connections, logging out) before it is cut short. */
export const EXIT_MARGIN_MS = 5_000;

/** States in which the SDK worker works or is about to; every other one means it has stopped or is stopping. */
export const WORKING_STATES: ReadonlySet<string> = new Set(['INITIALIZED', 'RUNNING']);

/** What the watchdog has seen so far (times from Date.now()). */
export interface WatchdogRecord {
  /** When the first shutdown signal arrived. */
  stopRequestedAt?: number;
  /** When the worker was first seen stopping without a signal before it, and in which state. */
  unaskedStopAt?: number;
  unaskedState?: string;
}

/** Records one look at the worker's state: leaving RUNNING before any signal is a stop nobody asked for (a fatal error). */
export function observeState(record: WatchdogRecord, state: string, now: number): WatchdogRecord {
  if (WORKING_STATES.has(state) || record.stopRequestedAt !== undefined || record.unaskedStopAt !== undefined)
    return record;
  return { ...record, unaskedStopAt: now, unaskedState: state };
}

/**
 * When the process must be gone, if anything is stopping: a stop nobody asked for gets the shutdown grace to end by
 * itself (the SDK lets in-flight activities finish that long), a requested one the grace plus the margin.
 */
export function exitDeadline(record: WatchdogRecord, graceMs: number, marginMs: number): number | undefined {
  const deadlines = [
    record.unaskedStopAt === undefined ? undefined : record.unaskedStopAt + graceMs,
    record.stopRequestedAt === undefined ? undefined : record.stopRequestedAt + graceMs + marginMs,
  ].filter((d): d is number => d !== undefined);
  return deadlines.length === 0 ? undefined : Math.min(...deadlines);
}

/** The exit code once the worker's run ended: 0 only after a requested stop that ended without an error. */
export function exitCodeAfterRun(record: WatchdogRecord, runFailed: boolean): 0 | 1 {
  return !runFailed && record.stopRequestedAt !== undefined && record.unaskedStopAt === undefined ? 0 : 1;
}

/** Ends the process with the code the worker's run calls for; the only way main.ts leaves. */
export interface FatalWatchdog {
  /** Notes how worker.run() ended. */
  runSettled(result: PromiseSettledResult<void>): void;
  /** Exits: 0 after a clean requested stop, otherwise 1 with one JSON error line saying why. */
  exit(): never;
}

/**
 * Watches the SDK worker (its state every `checkEveryMs`, and the shutdown signals) so that a worker that cannot work
 * leaves the process: a fatal SDK error can leave `worker.run()` pending forever (stuck in DRAINING or FAILED), and the
 * SDK Runtime's own signal handler then swallows SIGTERM, so nothing else would ever end it.
 */
export function startFatalWatchdog(options: {
  workerState: () => string;
  logger: Logger;
  graceMs: number;
  marginMs?: number;
  checkEveryMs?: number;
}): FatalWatchdog {
  const { logger, graceMs } = options;
  const marginMs = options.marginMs ?? EXIT_MARGIN_MS;
  let record: WatchdogRecord = {};
  let runError: string | undefined;

  const look = () => {
    record = observeState(record, options.workerState(), Date.now());
  };
  const die = (why: string): never => {
    logger.error(`worker exiting: ${why}`, {
      exitCode: 1,
      workerState: options.workerState(),
      ...(runError ? { error: runError } : {}),
    });
    process.exit(1);
  };
  const check = () => {
    const seenBefore = record.unaskedStopAt !== undefined;
    look();
    if (!seenBefore && record.unaskedStopAt !== undefined) {
      logger.warn('the Temporal worker is stopping without being asked; the process exits after the shutdown grace', {
        workerState: record.unaskedState,
        graceMs,
      });
    }
    const deadline = exitDeadline(record, graceMs, marginMs);
    if (deadline === undefined || Date.now() < deadline) return;
    die(
      record.unaskedStopAt !== undefined
        ? `the Temporal worker stopped by itself (${record.unaskedState}) and did not finish within the shutdown grace`
        : 'the worker did not stop within the shutdown grace after the signal',
    );
  };
  // Unref'd: the watchdog must never be what keeps a finished process alive.
  const timer = setInterval(check, options.checkEveryMs ?? 1_000).unref();

  // The Runtime removes its own listeners after the first signal so that a second one kills the process; ours stays
  // (it must, to hold the deadline), so it keeps that promise itself.
  const onSignal = (signal: NodeJS.Signals) => {
    if (record.stopRequestedAt !== undefined) die(`second ${signal}: not waiting for the worker to stop`);
    // Look first: a worker already stopping when the signal comes failed on its own, whatever the signal says.
    look();
    record = { ...record, stopRequestedAt: Date.now() };
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);

  return {
    runSettled(result) {
      if (result.status === 'rejected') {
        const error: unknown = result.reason;
        runError = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 1000);
      }
    },
    exit(): never {
      clearInterval(timer);
      // A run that ended (STOPPED) with no signal before it is a stop nobody asked for.
      look();
      if (exitCodeAfterRun(record, runError !== undefined) === 0) process.exit(0);
      return die(
        runError !== undefined
          ? 'the Temporal worker failed'
          : `the Temporal worker stopped by itself (${record.unaskedState ?? 'unknown state'})`,
      );
    },
  };
}
