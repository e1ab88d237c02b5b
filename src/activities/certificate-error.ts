/**
 * OpenSSL's verification failures as Node names them (tls "X509 certificate error codes", less OUT_OF_MEM) plus
 * Node's own host name check: a server that answered with a certificate this client does not accept.
 */
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A failed connection's certificate problem: its code, OpenSSL's or Node's reason, and the certificate if the error carries it. */
export interface CertificateProblem {
  code: string;
  reason: string;
  /** DER of the presented certificate; only Node's host name check attaches it to the error. */
  raw?: Buffer;
}

/** The certificate problem behind an error thrown by undici (or its cause), or undefined for any other failure. */
export function certificateProblem(err: unknown): CertificateProblem | undefined {
  for (const e of [err, (err as { cause?: unknown } | null)?.cause]) {
    const candidate = e as { code?: unknown; message?: unknown; cert?: { raw?: unknown } } | null | undefined;
    if (typeof candidate?.code !== 'string' || !CERTIFICATE_CODES.has(candidate.code)) continue;
    const reason =
      typeof candidate.message === 'string' && candidate.message !== '' ? candidate.message : candidate.code;
    const raw = Buffer.isBuffer(candidate.cert?.raw) ? candidate.cert.raw : undefined;
    return { code: candidate.code, reason, ...(raw ? { raw } : {}) };
  }
  return undefined;
}
