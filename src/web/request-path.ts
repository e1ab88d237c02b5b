/** A request target split into the path exactly as received and its query. */
export interface RequestPath {
  path: string;
  query: URLSearchParams;
}

// Route paths are lower-case words between single slashes. Anything else (dot segments, percent-encoding, `//`,
// backslashes, absolute-form targets) can never name a route, so it is refused instead of normalized: `new URL()`
// would resolve `/codec/../force-poll` to `/force-poll` and hand an unauthenticated caller another route.
const PLAIN_PATH = /^(\/[a-z0-9][a-z0-9-]*)+$|^\/$/;

/** The raw path (before `?`) and query of a request target, or undefined when the path could not be a route's. */
export function requestPath(target: string | undefined): RequestPath | undefined {
  const raw = target ?? '';
  const mark = raw.indexOf('?');
  const path = mark < 0 ? raw : raw.slice(0, mark);
  if (!PLAIN_PATH.test(path)) return undefined;
  return { path, query: new URLSearchParams(mark < 0 ? '' : raw.slice(mark + 1)) };
}
