/** The OneView endpoints the bridge calls, as metric labels: one series per endpoint, never per alert or page. */
const KNOWN = new Set([
  '/rest/version',
  '/rest/login-sessions',
  '/rest/alerts',
  '/rest/certificates/client/rabbitmq',
  '/rest/certificates/client/rabbitmq/keypair/default',
  '/rest/certificates/ca',
]);

/**
 * The endpoint template of a request path (`/rest/alerts/5121?x` → `/rest/alerts/{id}`). Paging URIs come from the
 * appliance, so anything unknown is one `/rest/{other}`: an appliance cannot grow the label set.
 */
export function endpointTemplate(pathname: string): string {
  const path = pathname.split('?')[0]!.replace(/\/+$/, '');
  if (KNOWN.has(path)) return path;
  if (/^\/rest\/alerts\/[^/]+$/.test(path)) return '/rest/alerts/{id}';
  return '/rest/{other}';
}
