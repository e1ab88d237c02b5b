/**
 * `ApplicationFailure.type` strings: the one vocabulary activities throw and workflows and retry policies match on.
 */
export const FailureType = {
  oneViewAuth: 'OneViewAuthFailed',
  oneViewVersion: 'OneViewVersionUnsupported',
  oneViewHttp: 'OneViewHttpError',
  oneViewNetwork: 'OneViewUnreachable',
  oneViewCertificate: 'OneViewCertificateInvalid',
  oneViewInvalidBody: 'OneViewInvalidBody',
  pagerDutyRejected: 'PagerDutyRejected',
  pagerDutyRateLimited: 'PagerDutyRateLimited',
  pagerDutyServerError: 'PagerDutyServerError',
  pagerDutyNetwork: 'PagerDutyUnreachable',
  configuration: 'ConfigurationError',
  invalidAlert: 'InvalidAlert',
  scmbUnavailable: 'ScmbUnavailable',
} as const;

/** One of the failure type strings above. */
export type FailureType = (typeof FailureType)[keyof typeof FailureType];
