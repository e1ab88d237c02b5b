import { BridgeError, ErrorCode } from '../errors';

/** Longest piece of a refused page URI repeated in an error: enough to recognise it, never a whole payload. */
const MAX_SHOWN = 200;

/**
 * Resolves a page URI the appliance handed out (`nextPageUri`, relative or absolute) against its base URL, and refuses
 * anything but the appliance's own origin under `/rest/`: the request carries the session token, so following a
 * foreign URI would hand that token to whoever the body names.
 */
export function resolvePageUri(baseUrl: string, pageUri: string): URL {
  const base = new URL(baseUrl);
  let url: URL;
  try {
    url = new URL(pageUri, base);
  } catch {
    throw new BridgeError(ErrorCode.oneViewInvalidBody, 'refused a page URI that is not a URL');
  }
  // `origin` and `pathname` never hold user info or the query, so the message cannot repeat a credential from either.
  const shown = `${url.origin}${url.pathname}`.slice(0, MAX_SHOWN);
  if (url.origin !== base.origin) {
    throw new BridgeError(
      ErrorCode.oneViewInvalidBody,
      `refused a page URI on another origin: ${shown} (the appliance is ${base.origin})`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new BridgeError(
      ErrorCode.oneViewInvalidBody,
      `refused a page URI that carries a user name or password: ${shown}`,
    );
  }
  // Checked after URL parsing, which has already resolved `..`, `%2e%2e` and backslashes.
  if (!url.pathname.startsWith('/rest/')) {
    throw new BridgeError(ErrorCode.oneViewInvalidBody, `refused a page URI outside /rest/: ${shown}`);
  }
  return url;
}
