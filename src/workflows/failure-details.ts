import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** The failure an activity threw, unwrapped from Temporal's "Activity task failed" envelope. */
function innermost(err: unknown): unknown {
  return err instanceof ActivityFailure && err.cause ? err.cause : err;
}

/** The `ApplicationFailure.type` of an activity's failure (e.g. OneViewAuthFailed), if it has one. */
export function failureType(err: unknown): string | undefined {
  const cause = innermost(err);
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

/** The message an operator needs: the activity's own, not the envelope's. */
export function failureMessage(err: unknown): string {
  const cause = innermost(err);
  return cause instanceof Error ? cause.message : String(cause);
}
