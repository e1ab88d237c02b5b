/** The credential a caller proved. */
export type CredentialKind = 'webhook' | 'operator' | 'codec-token' | 'codec-jwt' | 'codec-session';

/** An authenticated caller: what it proved, and the identity its rate limit is kept under. */
export interface Caller {
  kind: CredentialKind;
  /** 'webhook', 'operator', 'codec-token', 'jwt:<sub>', 'codec-session': never a secret. */
  id: string;
}
