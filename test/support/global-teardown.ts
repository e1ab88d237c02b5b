import { rmSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { checkLogs } from './check-logs';

/** Stops the dev server started by global setup, then checks every log line the run's processes wrote. */
export default async function globalTeardown(): Promise<void> {
  const env = (globalThis as Record<string, unknown>).__TEMPORAL_TEST_ENV__ as TestWorkflowEnvironment | undefined;
  await env?.teardown();
  const dir = process.env.BRIDGE_TEST_LOG_DIR;
  if (!dir) return;
  const result = checkLogs(dir);
  process.stdout.write(
    `\nlog check: ${result.files} log files, ${result.jsonLines} JSON lines, ${result.problems.length} problems\n`,
  );
  if (result.problems.length > 0) {
    // The logs are kept for a look; the failure lists files and secret names only.
    throw new Error(`log check failed (logs kept in ${dir}):\n${result.problems.slice(0, 50).join('\n')}`);
  }
  // KEEP_TEST_LOGS=1 keeps a passing run's logs too, for reading what an intermittent failure did.
  if (!process.env.KEEP_TEST_LOGS) rmSync(dir, { recursive: true, force: true });
}
