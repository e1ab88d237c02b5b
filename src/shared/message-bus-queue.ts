/**
 * The activity task queue the message-bus consumers run on, beside the workers' own queue: each consumer holds its
 * activity for hours, so on a queue of their own they never take the slots polls and connection tests need.
 */
export function messageBusTaskQueueOf(taskQueue: string): string {
  return `${taskQueue}-message-bus`;
}
