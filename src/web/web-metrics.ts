import { Counter, Histogram, Registry } from 'prom-client';

/** The web process's own metrics, on its own registry (served at GET /metrics). */
export function createWebMetrics() {
  const registry = new Registry();
  return {
    registry,
    requests: new Counter({
      name: 'web_requests_total',
      help: 'HTTP requests by route and status.',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'web_request_duration_seconds',
      help: 'HTTP request duration by route.',
      labelNames: ['route'],
      registers: [registry],
    }),
    pushed: new Counter({
      name: 'webhook_alerts_received_total',
      help: 'Alerts accepted by the webhook, by appliance.',
      labelNames: ['appliance'],
      registers: [registry],
    }),
    // The worker's counter of the same name counts the poll and the bus: summed over both jobs, every alert source.
    processed: new Counter({
      name: 'oneview_alerts_processed_total',
      help: 'Alerts read from OneView, by appliance and source: webhook here, poll and bus (SCMB) in the worker.',
      labelNames: ['appliance', 'source'],
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'web_auth_failures_total',
      help: 'Requests refused for a missing or invalid credential, by route.',
      labelNames: ['route'],
      registers: [registry],
    }),
  };
}

/** The metrics {@link createWebMetrics} makes. */
export type WebMetrics = ReturnType<typeof createWebMetrics>;
