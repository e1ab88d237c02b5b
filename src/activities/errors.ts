/** Stable codes of every error the bridge raises; logs, metrics and Temporal failure types are derived from them. */
export const ErrorCode = {
  oneViewAuth: 'ONEVIEW_AUTH',
  oneViewVersion: 'ONEVIEW_VERSION',
  oneViewHttp: 'ONEVIEW_HTTP',
  oneViewNetwork: 'ONEVIEW_NETWORK',
  oneViewTimeout: 'ONEVIEW_TIMEOUT',
  oneViewCertificate: 'ONEVIEW_CERTIFICATE',
  oneViewInvalidBody: 'ONEVIEW_INVALID_BODY',
  pagerDutyRejected: 'PAGERDUTY_REJECTED',
  pagerDutyRateLimited: 'PAGERDUTY_RATE_LIMITED',
  pagerDutyServerError: 'PAGERDUTY_SERVER_ERROR',
  pagerDutyNetwork: 'PAGERDUTY_NETWORK',
  pagerDutyTimeout: 'PAGERDUTY_TIMEOUT',
  unknownAppliance: 'UNKNOWN_APPLIANCE',
  unknownRoute: 'UNKNOWN_ROUTE',
  scmbCertificatePending: 'SCMB_CERTIFICATE_PENDING',
  scmbConnection: 'SCMB_CONNECTION',
} as const;

/** One of the stable error codes above. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Thrown by the bridge's own I/O code; `code` is stable, the message never carries a secret. */
export class BridgeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { status?: number; nextRetryDelayMs?: number; appliance?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BridgeError';
  }
}
