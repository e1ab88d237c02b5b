/**
 * Workflows that do nothing but Temporal's part of a delivery, for bench/floor.ts: what the dev server and the SDK cost
 * when no code of this project runs.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';

interface FloorActivities {
  noop(): Promise<void>;
}

const { noop } = proxyActivities<FloorActivities>({ startToCloseTimeout: '30s' });
const local = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: '30s' });

/** Returns at once: one workflow task. */
export async function emptyWorkflow(): Promise<void> {}

/** One activity, as a delivery's trigger without limiter, search attributes or clear: two workflow tasks and an activity task. */
export async function oneActivityWorkflow(): Promise<void> {
  await noop();
}

/** One local activity: one workflow task and a marker. */
export async function oneLocalActivityWorkflow(): Promise<void> {
  await local.noop();
}
