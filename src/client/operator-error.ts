/** Stable codes of the refusals of operator operations (scripts map them to exit codes and messages). */
export const OperatorErrorCode = {
  /** No workflow with that ID exists (never started, or its history is past the namespace's retention). */
  notFound: 'NOT_FOUND',
  /** The delivery is running: there is nothing to resend. */
  deliveryRunning: 'DELIVERY_RUNNING',
  /** The delivery completed (resolved); resending would re-open its incident. */
  deliveryResolved: 'DELIVERY_RESOLVED',
  /** The workflow is not running, so it cannot take a signal. */
  notRunning: 'NOT_RUNNING',
  /** A filter value that cannot be put in a visibility query. */
  invalidFilter: 'INVALID_FILTER',
} as const;

/** One of the codes above. */
export type OperatorErrorCode = (typeof OperatorErrorCode)[keyof typeof OperatorErrorCode];

/** Thrown when an operator operation is refused: the message says why and what to do instead. */
export class OperatorError extends Error {
  constructor(
    readonly code: OperatorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OperatorError';
  }
}
