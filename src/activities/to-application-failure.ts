import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../shared/failure-types';
import { BridgeError, ErrorCode } from './errors';

const FAILURE_OF_CODE: Record<ErrorCode, { type: FailureType; nonRetryable: boolean }> = {
  [ErrorCode.oneViewAuth]: { type: FailureType.oneViewAuth, nonRetryable: true },
  [ErrorCode.oneViewVersion]: { type: FailureType.oneViewVersion, nonRetryable: true },
  [ErrorCode.oneViewHttp]: { type: FailureType.oneViewHttp, nonRetryable: false },
  [ErrorCode.oneViewNetwork]: { type: FailureType.oneViewNetwork, nonRetryable: false },
  [ErrorCode.oneViewTimeout]: { type: FailureType.oneViewNetwork, nonRetryable: false },
  // A certificate the client refuses stays refused until someone changes it or the trusted CAs: retrying only repeats it.
  [ErrorCode.oneViewCertificate]: { type: FailureType.oneViewCertificate, nonRetryable: true },
  [ErrorCode.oneViewInvalidBody]: { type: FailureType.oneViewInvalidBody, nonRetryable: false },
  [ErrorCode.pagerDutyRejected]: { type: FailureType.pagerDutyRejected, nonRetryable: true },
  [ErrorCode.pagerDutyRateLimited]: { type: FailureType.pagerDutyRateLimited, nonRetryable: false },
  [ErrorCode.pagerDutyServerError]: { type: FailureType.pagerDutyServerError, nonRetryable: false },
  [ErrorCode.pagerDutyNetwork]: { type: FailureType.pagerDutyNetwork, nonRetryable: false },
  [ErrorCode.pagerDutyTimeout]: { type: FailureType.pagerDutyNetwork, nonRetryable: false },
  [ErrorCode.unknownAppliance]: { type: FailureType.configuration, nonRetryable: true },
  // Retried: in a rolling update a worker with the old rules may take a send of a route added by the new ones, and a
  // removed route's open incidents must still resolve once a worker that knows it is back.
  [ErrorCode.unknownRoute]: { type: FailureType.configuration, nonRetryable: false },
  [ErrorCode.scmbCertificatePending]: { type: FailureType.scmbUnavailable, nonRetryable: false },
  [ErrorCode.scmbConnection]: { type: FailureType.scmbUnavailable, nonRetryable: false },
};

/**
 * The single place where the bridge's typed errors become Temporal failures: the type names what went wrong, the
 * retry policy decides from it, and a computed wait (a 429's Retry-After, jittered backoff) becomes `nextRetryDelay`.
 */
export function toApplicationFailure(err: unknown): unknown {
  if (!(err instanceof BridgeError)) return err;
  const { type, nonRetryable } = FAILURE_OF_CODE[err.code];
  return ApplicationFailure.create({
    message: `${err.code}: ${err.message}`,
    type,
    nonRetryable,
    nextRetryDelay: err.details.nextRetryDelayMs,
    details: [{ code: err.code, status: err.details.status }],
  });
}

/** Wraps an activity so every error it throws crosses the boundary through {@link toApplicationFailure}. */
export function atBoundary<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      throw toApplicationFailure(err);
    }
  };
}
