import type { ConsumeMessage } from 'amqplib';
import { setTimeout as sleep } from 'node:timers/promises';

/** Most messages handed over at once: what one `alertsPushed` signal may carry. */
const MAX_BATCH = 500;
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10_000;

/**
 * Hands a subscription's messages on in arrival order, in batches of whatever has arrived meanwhile, and acknowledges
 * a batch only once `deliver` resolved: a message is never acked before its alert is durably with Temporal. A failing
 * hand-over is retried with backoff while later messages wait (unacked, bounded by the prefetch).
 */
export class ScmbBatches {
  private readonly waiting: ConsumeMessage[] = [];
  private running = false;
  private stopped = false;

  constructor(
    private readonly deliver: (batch: ConsumeMessage[]) => Promise<void>,
    private readonly ackUpTo: (last: ConsumeMessage) => void,
    private readonly onRetry: (err: unknown, attempt: number) => void,
  ) {}

  /** Queues one message. */
  add(message: ConsumeMessage): void {
    this.waiting.push(message);
    if (!this.running) void this.run();
  }

  /** Stops handing over (the connection is gone: its unacked messages went with its queue). */
  stop(): void {
    this.stopped = true;
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (!this.stopped && this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        for (let attempt = 1; !this.stopped; attempt++) {
          try {
            await this.deliver(batch);
            this.ackUpTo(batch.at(-1)!);
            break;
          } catch (err) {
            this.onRetry(err, attempt);
            await sleep(Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (attempt - 1)));
          }
        }
      }
    } finally {
      this.running = false;
    }
  }
}
