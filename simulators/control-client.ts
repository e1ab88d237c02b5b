import { Agent, request } from 'undici';
import type { BrokerConnection } from './rabbitmq/broker';
import type { ScmbFaults, ScmbPublisherStats } from './oneview/scmb-publisher';
import type { RecordedRequest } from './oneview/server';

/** `/_sim/scmb`'s answer: the publisher's counts, its faults and the broker's connections. */
export type ScmbState = ScmbPublisherStats & {
  faults: ScmbFaults;
  clientCertificateRequests: number;
  connections: BrokerConnection[];
};
import type { AcceptedEvent, Incident, PagerDutyRequest } from './pagerduty/server';

const insecureAgent = new Agent({ connect: { rejectUnauthorized: false } });

/** Calls a simulator's `/_sim` control API over real HTTP, as tests, the demo and benchmarks do. */
export async function simCall<T = unknown>(
  baseUrl: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await request(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    // The OneView simulator's certificate is self-signed; the control API is plumbing, not the product's client.
    dispatcher: insecureAgent,
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path} answered ${res.statusCode}: ${text}`);
  return JSON.parse(text) as T;
}

/** Typed helpers over both simulators' control APIs. */
export function controls(oneViewUrl: string, pagerDutyUrl: string) {
  return {
    addAlerts: (alerts: unknown[]) =>
      simCall<{ uri: string; severity: string; description: string }[]>(oneViewUrl, 'POST', '/_sim/alerts', alerts),
    deleteAlert: (id: string) => simCall(oneViewUrl, 'DELETE', `/_sim/alerts/${id}`),
    pagerDutyRequests: () => simCall<PagerDutyRequest[]>(pagerDutyUrl, 'GET', '/_sim/requests'),
    pagerDutyStats: () =>
      simCall<{ accepted: number; rejected: number; rateLimited: number; faulted: number }>(
        pagerDutyUrl,
        'GET',
        '/_sim/stats',
      ),
    clearAlert: (id: string) => simCall(oneViewUrl, 'POST', `/_sim/alerts/${id}/clear`),
    oneViewRequests: () => simCall<RecordedRequest[]>(oneViewUrl, 'GET', '/_sim/requests'),
    oneViewSessions: () => simCall<{ token: string; userName: string }[]>(oneViewUrl, 'GET', '/_sim/sessions'),
    oneViewStats: () =>
      simCall<{ liveSessions: number; peakSessions: number; alerts: number; requests: number }>(
        oneViewUrl,
        'GET',
        '/_sim/stats',
      ),
    bulkAlerts: (count: number, template: Record<string, unknown>) =>
      simCall<{ added: number }>(oneViewUrl, 'POST', '/_sim/alerts/bulk', { count, template }),
    oneViewFault: (fault: unknown) => simCall(oneViewUrl, 'POST', '/_sim/faults', fault),
    /** Puts the server an alert names (its resourceUri) in OneView's maintenance mode, or takes it out. */
    serverMaintenance: (resourceUri: string, maintenanceMode: boolean) =>
      simCall(oneViewUrl, 'POST', '/_sim/server-hardware', { resourceUri, maintenanceMode }),
    /** A storm: the enclosure's (or interconnect 1's) alert unless `parent: false`, and one per blade (16 by default). */
    storm: (options: { children?: number; parent?: boolean; kind?: 'enclosure' | 'interconnect' } = {}) =>
      simCall<{ parent: { uri: string } | null; children: { uri: string }[] }>(
        oneViewUrl,
        'POST',
        '/_sim/storm',
        options,
      ),
    events: () => simCall<AcceptedEvent[]>(pagerDutyUrl, 'GET', '/_sim/events'),
    incidents: () => simCall<Incident[]>(pagerDutyUrl, 'GET', '/_sim/incidents'),
    pagerDutyFault: (fault: unknown) => simCall(pagerDutyUrl, 'POST', '/_sim/faults', fault),
    resetOneView: () => simCall(oneViewUrl, 'POST', '/_sim/reset'),
    scmb: () => simCall<ScmbState>(oneViewUrl, 'GET', '/_sim/scmb'),
    scmbControl: (change: ScmbFaults & { dropConnections?: boolean; stopBroker?: boolean; startBroker?: boolean }) =>
      simCall<ScmbState>(oneViewUrl, 'POST', '/_sim/scmb', change),
    async reset() {
      await simCall(oneViewUrl, 'POST', '/_sim/reset');
      await simCall(pagerDutyUrl, 'POST', '/_sim/reset');
    },
  };
}
