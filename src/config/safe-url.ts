/**
 * URL values as problems may repeat them: a URL can carry credentials in its user info, and tokens in its path, query
 * or fragment, so only the scheme and host are ever shown.
 */

/** A URL-like value parsed the way the loaders read it (`https://` assumed without a scheme), or undefined. */
export function parseUrlValue(raw: string): URL | undefined {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    return undefined;
  }
}

/** Whether a URL-like value names a user or password (`https://user:pass@host`). */
export function hasUserInfo(raw: string): boolean {
  const url = parseUrlValue(raw);
  // An unparsable value with an '@' before any '/' may still be meant as user info; treat it as such, unseen.
  return url ? url.username !== '' || url.password !== '' : /^[^/]*@/.test(raw.replace(/^[a-z][a-z0-9+.-]*:\/\//i, ''));
}

/** `'scheme://host/…'` for a problem message, never user info, path, query or fragment; a value that is no URL is not shown. */
export function shownUrl(raw: string): string {
  const url = parseUrlValue(raw);
  if (!url) return 'a value that is not a URL (not shown)';
  const more = (url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '';
  return `'${url.protocol}//${url.host}${more ? '/…' : ''}'`;
}
