/** Stable codes of the web process's refusals: clients and tests branch on these, never on message text. */
export const WebErrorCode = {
  notFound: 'NOT_FOUND',
  methodNotAllowed: 'METHOD_NOT_ALLOWED',
  /** No credential, or one that is not valid here; deliberately silent about which part was wrong. */
  unauthenticated: 'UNAUTHENTICATED',
  /** The endpoint needs a credential that is not configured (OPERATOR_TOKEN unset). */
  disabled: 'DISABLED',
  /** A browser request from another site where only same-origin ones are accepted. */
  crossSite: 'CROSS_SITE',
  rateLimited: 'RATE_LIMITED',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  bodyTooLarge: 'BODY_TOO_LARGE',
  invalidJson: 'INVALID_JSON',
  invalidBody: 'INVALID_BODY',
  applianceRequired: 'APPLIANCE_REQUIRED',
  unknownAppliance: 'UNKNOWN_APPLIANCE',
  /** Temporal or its namespace did not answer. */
  temporalUnavailable: 'TEMPORAL_UNAVAILABLE',
  /** Every appliance asked for was tested too recently, or is backing off after a rejected login. */
  connectionTestsSkipped: 'CONNECTION_TESTS_SKIPPED',
} as const;

/** One of the codes above. */
export type WebErrorCode = (typeof WebErrorCode)[keyof typeof WebErrorCode];

/** Thrown by a route or the request pipeline to answer with an HTTP error: status, stable code and a sentence. */
export class WebError extends Error {
  constructor(
    readonly status: number,
    readonly code: WebErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'WebError';
  }
}
