import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { SendSlot, SlotAnswer } from '../shared/types';
import { requestSlotSignal, slotUsedSignal, takeSlotUpdate } from '../workflows/messages';

/** How a send got its slot: granted now, queued behind a full window, or sent unthrottled (no limiter running). */
export type SlotOutcome = SlotAnswer | 'unlimited';

/** How hard the send activity may press on one limiter. */
export interface LimiterSlotsOptions {
  /**
   * `takeSlot` updates one worker keeps in flight per limiter; beyond it a send queues by signal. The server refuses
   * more than 10 in-flight updates per workflow by default (`history.maxInFlightUpdates`), and its refusal would be
   * retried by the client with a 1 s backoff: slower than queueing.
   */
  maxUpdatesInFlight: number;
  /** How long an update may take before the send queues by signal instead (the limiter's worker is busy or gone). */
  updateTimeoutMs: number;
  /**
   * How long the queueing signal may take before the attempt fails and is retried. Both bounds together stay inside
   * the send activity's 15 s start-to-close: in a storm a limiter takes signals slowly (every signal and update of one
   * workflow waits for its lock on the server), and an attempt that outlives its timeout is run again.
   */
  signalTimeoutMs: number;
}

const DEFAULTS: LimiterSlotsOptions = { maxUpdatesInFlight: 4, updateTimeoutMs: 4_000, signalTimeoutMs: 4_000 };

/**
 * Takes and reports send slots on the routing keys' limiters from inside the send activity: a free slot is one
 * update round trip and costs the delivery workflow no task of its own; a full window queues the send, and the
 * limiter signals `slotGranted` to the delivery when there is room.
 */
export class LimiterSlots {
  private readonly inFlight = new Map<string, number>();
  private readonly options: LimiterSlotsOptions;

  constructor(
    private readonly client: Client,
    options: Partial<LimiterSlotsOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Asks for the delivery's slot; a slot it already holds (a retried send) is granted again without a new one. */
  async take(slot: SendSlot, workflowId: string): Promise<SlotOutcome> {
    if (slot.granted) return 'granted';
    const handle = this.client.workflow.getHandle(slot.limiterId);
    const request = { workflowId, priority: slot.priority };
    const busy = this.inFlight.get(slot.limiterId) ?? 0;
    if (busy < this.options.maxUpdatesInFlight) {
      this.inFlight.set(slot.limiterId, busy + 1);
      try {
        const deadline = Date.now() + this.options.updateTimeoutMs;
        return await this.client.withDeadline(deadline, () => handle.executeUpdate(takeSlotUpdate, { args: [request] }));
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return 'unlimited';
        // Refused or too slow: queue by signal. Had the update been taken after all, the limiter answers the signal
        // with the grant it already holds.
      } finally {
        this.inFlight.set(slot.limiterId, (this.inFlight.get(slot.limiterId) ?? 1) - 1);
      }
    }
    try {
      // A signal that timed out here may still arrive: the limiter then grants by signal, and the retried attempt's
      // update finds the slot held.
      await this.client.withDeadline(Date.now() + this.options.signalTimeoutMs, () => handle.signal(requestSlotSignal, request));
      return 'queued';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return 'unlimited';
      throw err;
    }
  }

  /**
   * Tells the limiter the slot was used, so it counts the send instead of the grant. Not awaited by the send: the
   * event is out, and a send held up by a busy limiter would time out and be sent again. A report that never arrives
   * (limiter gone, worker stopped) is counted as a send after 5 min by the limiter itself.
   */
  reportUsed(limiterId: string, workflowId: string, sentAt: number): void {
    this.client.workflow
      .getHandle(limiterId)
      .signal(slotUsedSignal, { workflowId, sentAt })
      .catch(() => undefined);
  }
}
