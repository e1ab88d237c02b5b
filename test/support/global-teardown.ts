import type { TestWorkflowEnvironment } from '@temporalio/testing';

/** Stops the dev server started by global setup. */
export default async function globalTeardown(): Promise<void> {
  const env = (globalThis as Record<string, unknown>).__TEMPORAL_TEST_ENV__ as TestWorkflowEnvironment | undefined;
  await env?.teardown();
}
