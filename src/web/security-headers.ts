/**
 * Headers on every answer of the web process. It serves JSON to programs (and one small form page), so the policy is
 * "load nothing, frame nothing". `X-XSS-Protection: 0` turns the legacy XSS auditor off: where browsers still have
 * it, its filtering can itself be abused to leak or break pages, and the CSP is what protects the answers. HSTS tells
 * browsers that reached the API over HTTPS to never use plain HTTP for it again (browsers ignore it over HTTP).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'x-xss-protection': '0',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};

/** The CSP of the codec sign-in page: still no script, style or image, and its one form may post only to itself. */
export const SIGN_IN_PAGE_CSP = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
