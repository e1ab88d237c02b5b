import { activityInfo, heartbeat } from '@temporalio/activity';

/**
 * Reports progress when running as a normal activity; the poller runs these as local activities, which cannot
 * heartbeat (the SDK would log a warning per call), so there it does nothing.
 */
export function progressHeartbeat(details: unknown): void {
  if (!activityInfo().isLocal) heartbeat(details);
}
