import { Agent, request } from 'undici';

/**
 * What an operator does on the appliance itself, through OneView's own REST API (not the simulator's control API):
 * log in as a user and change an alert with PUT, as HPE's SDKs do.
 */
export function oneViewUser(baseUrl: string, certificatePem?: string) {
  const dispatcher = new Agent({
    connect: { ca: certificatePem ? [certificatePem] : undefined, rejectUnauthorized: Boolean(certificatePem) },
  });
  const call = async (
    method: 'POST' | 'PUT' | 'DELETE',
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ) => {
    const res = await request(`${baseUrl}${path}`, {
      method,
      dispatcher,
      headers: { 'content-type': 'application/json', 'x-api-version': '2000', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`${method} ${path} answered ${res.statusCode}: ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  return {
    /** Re-activates a Cleared alert in place with a note, as the `alert_put_request_body_reactivate_with_note` sample does. */
    async reactivate(alertId: string, notes = 'Re-activated: the fault is back'): Promise<{ modified: string }> {
      const { sessionID } = (await call(
        'POST',
        '/rest/login-sessions',
        {},
        { userName: 'administrator', password: 'admin-password', loginMsgAck: true },
      )) as { sessionID: string };
      try {
        return (await call('PUT', `/rest/alerts/${alertId}`, { auth: sessionID }, { alertState: 'Active', notes })) as {
          modified: string;
        };
      } finally {
        await call('DELETE', '/rest/login-sessions', { auth: sessionID });
      }
    },
    close: () => dispatcher.close(),
  };
}
