import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BridgeError } from './errors';

/** The worker's own Prometheus metrics, with the names SRE dashboards of the seed product already query. */
export interface BridgeMetrics {
  registry: Registry;
  alertsProcessed: Counter<'appliance' | 'source'>;
  alertsRejected: Counter<'appliance' | 'reason'>;
  lastSuccessfulPoll: Gauge<'appliance'>;
  pollInterval: Gauge<'appliance'>;
  /** Alerts tracked as open (deliveries waiting for OneView's clear); filled at scrape time, see open-deliveries-gauge.ts. */
  openAlerts: Gauge<'appliance'>;
  oldestOpenAlert: Gauge<'appliance'>;
  sessionActive: Gauge<'appliance'>;
  authDuration: Histogram<'appliance'>;
  apiLatency: Histogram<'appliance' | 'method' | 'endpoint'>;
  pollFailures: Counter<'appliance' | 'reason'>;
  alertsSent: Counter<'appliance' | 'action'>;
  alertsFailed: Counter<'appliance' | 'action' | 'reason'>;
  sendErrors: Counter<'appliance' | 'action' | 'reason'>;
  deliveryDuration: Histogram<'appliance' | 'action'>;
  /** 1 on the worker whose consumer is connected to the appliance's message bus (take the max over workers). */
  scmbConnected: Gauge<'appliance'>;
  scmbMessages: Counter<'appliance' | 'change_type'>;
  scmbReconnects: Counter<'appliance'>;
}

/** Creates the metrics on a registry of their own (so tests can run several workers in one process). */
export function createBridgeMetrics(registry = new Registry()): BridgeMetrics {
  return {
    registry,
    alertsProcessed: new Counter({
      name: 'oneview_alerts_processed_total',
      help: 'Alerts read from OneView, by appliance and source: poll and bus (SCMB) here, webhook in the web process.',
      labelNames: ['appliance', 'source'],
      registers: [registry],
    }),
    alertsRejected: new Counter({
      name: 'oneview_alerts_rejected_total',
      help: 'Alerts read from OneView that failed validation and were skipped (logged with their problems), by reason.',
      labelNames: ['appliance', 'reason'],
      registers: [registry],
    }),
    lastSuccessfulPoll: new Gauge({
      name: 'oneview_last_successful_poll_timestamp_seconds',
      help: 'Unix time of the last poll of the appliance that this worker completed successfully.',
      labelNames: ['appliance'],
      registers: [registry],
    }),
    pollInterval: new Gauge({
      name: 'oneview_poll_interval_seconds',
      help: 'The configured poll interval of the appliance (alerts compare the last successful poll with it).',
      labelNames: ['appliance'],
      registers: [registry],
    }),
    openAlerts: new Gauge({
      name: 'processed_alerts_count',
      help: 'Alerts tracked as open: deliveries that paged and wait for OneView to clear the alert.',
      labelNames: ['appliance'],
      registers: [registry],
    }),
    oldestOpenAlert: new Gauge({
      name: 'oneview_oldest_open_alert_start_timestamp_seconds',
      help: 'When the oldest open delivery of the appliance started (unix seconds); absent while none is open.',
      labelNames: ['appliance'],
      registers: [registry],
    }),
    sessionActive: new Gauge({
      name: 'oneview_session_active',
      help: 'Whether the bridge holds a working OneView session for the appliance (1) or not (0).',
      labelNames: ['appliance'],
      registers: [registry],
    }),
    authDuration: new Histogram({
      name: 'oneview_auth_duration_seconds',
      help: 'Time to negotiate the API version and log in to a OneView appliance.',
      labelNames: ['appliance'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    apiLatency: new Histogram({
      name: 'oneview_api_latency_seconds',
      help: 'Latency of every OneView REST call, answered or failed, by method and endpoint template.',
      labelNames: ['appliance', 'method', 'endpoint'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    pollFailures: new Counter({
      name: 'oneview_poll_failures_total',
      help: 'OneView calls of a poll that failed, by stable error code (ONEVIEW_AUTH, ONEVIEW_NETWORK, ...).',
      labelNames: ['appliance', 'reason'],
      registers: [registry],
    }),
    alertsSent: new Counter({
      name: 'pagerduty_alerts_sent_total',
      help: 'Events PagerDuty accepted (202), by action (trigger, resolve).',
      labelNames: ['appliance', 'action'],
      registers: [registry],
    }),
    alertsFailed: new Counter({
      name: 'pagerduty_alerts_failed_total',
      help: 'Events that failed for good and will not be retried (rejected by PagerDuty, or invalid).',
      labelNames: ['appliance', 'action', 'reason'],
      registers: [registry],
    }),
    sendErrors: new Counter({
      name: 'pagerduty_send_errors_total',
      help: 'Send attempts that failed and will be retried (429, 5xx, network, timeout).',
      labelNames: ['appliance', 'action', 'reason'],
      registers: [registry],
    }),
    deliveryDuration: new Histogram({
      name: 'alert_delivery_duration_seconds',
      help: 'Time from the alert changing on the appliance to PagerDuty accepting the event.',
      labelNames: ['appliance', 'action'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600, 1800],
      registers: [registry],
    }),
    scmbConnected: new Gauge({
      name: 'oneview_scmb_connected',
      help: "1 while this worker's consumer is connected to the appliance's State-Change Message Bus (max over workers).",
      labelNames: ['appliance'],
      registers: [registry],
    }),
    scmbMessages: new Counter({
      name: 'oneview_scmb_messages_total',
      help: "Alert messages received from the appliance's State-Change Message Bus, by change type.",
      labelNames: ['appliance', 'change_type'],
      registers: [registry],
    }),
    scmbReconnects: new Counter({
      name: 'oneview_scmb_reconnects_total',
      help: "Connections to the appliance's State-Change Message Bus made again after one was lost or refused.",
      labelNames: ['appliance'],
      registers: [registry],
    }),
  };
}

/**
 * Counts one failed attempt to read an appliance (login or alert fetch) by its error code; a fetch whose re-login fails
 * is counted once, by the login.
 */
export function countPollFailure(
  metrics: Pick<BridgeMetrics, 'pollFailures'>,
  applianceId: string,
  err: unknown,
): void {
  if (err instanceof BridgeError) metrics.pollFailures.inc({ appliance: applianceId, reason: err.code });
}
