/** Exit codes of every operator script. */
export const ExitCode = {
  /** Done. */
  ok: 0,
  /** The operation failed or was refused (Temporal unreachable, workflow not found, delivery still running, ...). */
  failed: 1,
  /** The command line or the configuration is wrong; nothing was attempted. */
  usage: 2,
} as const;

/** One of the exit codes above. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Thrown when the command line is wrong (exit 2): the message is one line, `see --help` is added when printed. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Thrown when an operation failed or was refused (exit 1): the message is printed as it is, on one line. */
export class OperationFailed extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OperationFailed';
  }
}
