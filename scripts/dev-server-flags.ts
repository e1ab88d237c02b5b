/**
 * Dynamic config the bridge needs from a Temporal dev server (demo, tests, benchmarks): task-queue fairness, so each
 * routing key's sends are paced by the server and one key's backlog never starves another's; and one partition per
 * task queue, so the per-key rate is kept as one budget (with the default four, each partition applies it alone and
 * sends clump). A cluster scopes the partition count to the send queue instead (docs/operations.md).
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Record<string, string> = {
  'matching.enableFairness': 'true',
  'matching.numTaskqueueReadPartitions': '1',
  'matching.numTaskqueueWritePartitions': '1',
};

/** The same as `temporal server start-dev` arguments. */
export function devServerDynamicConfigArgs(extra: Record<string, string> = {}): string[] {
  return Object.entries({ ...DEV_SERVER_DYNAMIC_CONFIG, ...extra }).flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${value}`,
  ]);
}
