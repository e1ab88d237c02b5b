import { allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { LimiterInput, SlotAnswer, SlotRequest } from '../shared/types';
import { limiterSettingsSignal, requestSlotSignal, slotGrantedSignal, slotUsedSignal, takeSlotUpdate } from './messages';

/**
 * PagerDuty's window is 60 s of *arrival* times; grants are spread from our side, and a burst of sends can take a few
 * seconds to arrive, so the limiter counts a slightly longer window to keep any 60 s of arrivals under the limit.
 */
const WINDOW_MS = 65_000;
/** Grants before a fresh run; each grant costs the limiter's history about three events (five with send reports). */
const GRANTS_PER_RUN = 1000;
/**
 * A grant never reported as used (its delivery was terminated, or runs code from before the reports) is counted as a
 * send made when this much time has passed, so a lost report holds its slot for a while instead of forever.
 */
const OUTSTANDING_MAX_MS = 5 * 60_000;

/**
 * The patch after which the limiter counts sends, not grants: a grant stays outstanding until its delivery reports
 * the send, and outstanding grants count against every window. Counting grants let a storm's late sends into windows
 * that were already full (265 429s at 100/min: BENCHMARKS.md). Decided once per run.
 */
export const COUNT_SENDS = 'limiter-counts-sends';

/**
 * The patch after which the limiter answers `takeSlot` updates (the send activity asks, so a free slot costs the
 * delivery no workflow task) and signals a delivery that asks again for a slot it holds instead of queueing it for a
 * second one. Decided once per run.
 */
export const ANSWER_UPDATES = 'limiter-answers-take-slot';

/**
 * The rate limiter of one PagerDuty routing key, shared by every worker replica: deliveries ask for a slot and report
 * the send; sends in the last 65 s plus grants not yet reported stay below `perMinute` (spare room for send-time
 * jitter), resolves and Critical triggers first, oldest first within a priority. PagerDuty limits each integration key over a sliding 60 s window, so this
 * keeps a storm from drawing any 429 while the first pages still go out at once.
 */
export async function pagerDutyLimiterWorkflow(input: LimiterInput): Promise<void> {
  const countSends = patched(COUNT_SENDS);
  const answersUpdates = patched(ANSWER_UPDATES);
  let perMinute = input.perMinute;
  const waiting: (SlotRequest & { seq: number })[] = [...(input.waiting ?? [])];
  const recent: number[] = [...(input.recentGrants ?? [])];
  const outstanding = new Map<string, number>(input.outstanding ?? []);
  /** Deliveries that asked by signal for a slot they already hold (their grant signal was lost, or came by update). */
  const regrants: string[] = [];
  let seq = input.seq ?? 0;
  let grantedThisRun = 0;
  let reports = 0;

  /** Adds a send time to the window, keeping it sorted (reports arrive in any order). */
  const countSend = (at: number) => {
    let i = recent.length;
    while (i > 0 && recent[i - 1]! > at) i--;
    recent.splice(i, 0, at);
  };
  /** Expires old sends and lost grants; answers how many more grants the window takes now. */
  const room = (now: number): number => {
    for (const [id, grantedAt] of outstanding) {
      if (grantedAt <= now - OUTSTANDING_MAX_MS) {
        outstanding.delete(id);
        countSend(now);
      }
    }
    while (recent.length > 0 && recent[0]! <= now - WINDOW_MS) recent.shift();
    return Math.max(1, perMinute - 1) - recent.length - outstanding.size;
  };
  const grant = (workflowId: string, now: number) => {
    if (countSends) outstanding.set(workflowId, now);
    else recent.push(now);
    grantedThisRun++;
  };
  /** A delivery that asks again (after a timeout or a replay) keeps its place. */
  const enqueue = (request: SlotRequest) => {
    if (!waiting.some((w) => w.workflowId === request.workflowId)) waiting.push({ ...request, seq: seq++ });
  };
  /** Signals `slotGranted` to each delivery; one that finished or was terminated meanwhile no longer needs its slot. */
  const tellGranted = (workflowIds: string[]) =>
    Promise.all(workflowIds.map((id) => getExternalWorkflowHandle(id).signal(slotGrantedSignal).catch(() => undefined)));
  const timeForFreshRun = () => grantedThisRun >= GRANTS_PER_RUN || workflowInfo().continueAsNewSuggested;

  setHandler(requestSlotSignal, (request) => {
    if (answersUpdates && outstanding.has(request.workflowId)) {
      if (!regrants.includes(request.workflowId)) regrants.push(request.workflowId);
    } else {
      enqueue(request);
    }
  });
  setHandler(takeSlotUpdate, (request): SlotAnswer => {
    const now = Date.now();
    // A retried send keeps its slot; a free slot is granted at once unless others are already waiting for one.
    if (countSends && outstanding.has(request.workflowId)) return 'granted';
    if (waiting.length === 0 && room(now) > 0) {
      grant(request.workflowId, now);
      return 'granted';
    }
    enqueue(request);
    return 'queued';
  });
  setHandler(limiterSettingsSignal, (settings) => {
    perMinute = settings.perMinute;
  });
  setHandler(slotUsedSignal, (use) => {
    if (countSends && outstanding.delete(use.workflowId)) {
      countSend(use.sentAt);
      reports++;
    }
  });

  for (;;) {
    await condition(() => waiting.length > 0 || regrants.length > 0 || (answersUpdates && timeForFreshRun()));
    if (regrants.length > 0) {
      await tellGranted(regrants.splice(0));
    }
    if (waiting.length > 0) {
      const now = Date.now();
      const free = room(now);
      if (free <= 0) {
        // Wake when the oldest send leaves the window or the oldest outstanding grant expires, or at a report: it
        // frees nothing itself (a slot moves from outstanding to the window) but gives the window an earlier end.
        const oldestOutstanding = Math.min(...outstanding.values());
        const wake = Math.min(recent.length > 0 ? recent[0]! + WINDOW_MS : Infinity, oldestOutstanding + OUTSTANDING_MAX_MS);
        const seen = reports;
        await condition(() => reports !== seen || regrants.length > 0, Math.max(1, wake - now));
        continue;
      }
      waiting.sort((a, b) => a.priority - b.priority || a.seq - b.seq);
      const batch = waiting.splice(0, free);
      for (const request of batch) grant(request.workflowId, now);
      await tellGranted(batch.map((request) => request.workflowId));
    }
    if (timeForFreshRun()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof pagerDutyLimiterWorkflow>({
        perMinute,
        waiting,
        recentGrants: recent,
        ...(outstanding.size > 0 ? { outstanding: [...outstanding] } : {}),
        granted: (input.granted ?? 0) + grantedThisRun,
        seq,
      });
    }
  }
}
