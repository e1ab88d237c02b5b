import { allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, setHandler, workflowInfo } from '@temporalio/workflow';
import type { LimiterInput, SlotRequest } from '../shared/types';
import { limiterSettingsSignal, requestSlotSignal, slotGrantedSignal } from './messages';

/**
 * PagerDuty's window is 60 s of *arrival* times; grants are spread from our side, and a burst of sends can take a few
 * seconds to arrive, so the limiter counts a slightly longer window to keep any 60 s of arrivals under the limit.
 */
const WINDOW_MS = 65_000;
/** Grants before a fresh run; each grant costs the limiter's history about three events. */
const GRANTS_PER_RUN = 1000;

/**
 * The rate limiter of one PagerDuty routing key, shared by every worker replica: deliveries ask for a slot, the limiter
 * grants at most `perMinute - 1` per 65 s window (spare room for send-time jitter), resolves and Critical triggers
 * first, oldest first within a priority. PagerDuty limits each integration key over a sliding 60 s window, so this
 * keeps a storm from drawing any 429 while the first pages still go out at once.
 */
export async function pagerDutyLimiterWorkflow(input: LimiterInput): Promise<void> {
  let perMinute = input.perMinute;
  const waiting: (SlotRequest & { seq: number })[] = [...(input.waiting ?? [])];
  const recent: number[] = [...(input.recentGrants ?? [])];
  let seq = input.seq ?? 0;
  let grantedThisRun = 0;

  setHandler(requestSlotSignal, (request) => {
    // A delivery that asks again (after a timeout or a replay) keeps its place.
    if (!waiting.some((w) => w.workflowId === request.workflowId)) waiting.push({ ...request, seq: seq++ });
  });
  setHandler(limiterSettingsSignal, (settings) => {
    perMinute = settings.perMinute;
  });

  for (;;) {
    await condition(() => waiting.length > 0);
    const now = Date.now();
    while (recent.length > 0 && recent[0]! <= now - WINDOW_MS) recent.shift();
    const allowed = Math.max(1, perMinute - 1);
    if (recent.length >= allowed) {
      // Wake when the oldest grant leaves the window (or earlier, for a settings change).
      await condition(() => false, Math.max(1, recent[0]! + WINDOW_MS - now));
      continue;
    }
    const burst = allowed - recent.length;
    waiting.sort((a, b) => a.priority - b.priority || a.seq - b.seq);
    const batch = waiting.splice(0, burst);
    for (let i = 0; i < batch.length; i++) recent.push(now);
    grantedThisRun += batch.length;
    await Promise.all(
      batch.map((request) =>
        // A delivery that finished or was terminated meanwhile no longer needs its slot.
        getExternalWorkflowHandle(request.workflowId).signal(slotGrantedSignal).catch(() => undefined),
      ),
    );
    if (grantedThisRun >= GRANTS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof pagerDutyLimiterWorkflow>({ perMinute, waiting, recentGrants: recent, granted: (input.granted ?? 0) + grantedThisRun, seq });
    }
  }
}
