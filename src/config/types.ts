import type { WindowSchedule } from '../routing/window-types';
import type { RouteConfig } from './routes-file';

/** How to reach Temporal, and how payloads are protected on the way. */
export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** AES-256-GCM key for the payload codec; absent only when PAYLOAD_ENCRYPTION=off was set explicitly. */
  encryption: { key?: Buffer; keyId?: string; previousKeys?: PreviousPayloadKey[] };
  /** TLS to the frontend (mTLS with a client certificate, or server-only TLS); absent: plaintext. */
  tls?: { clientCertPem?: Buffer; clientKeyPem?: Buffer; caPem?: Buffer; serverName?: string };
  /** API key (Temporal Cloud); implies TLS. */
  apiKey?: string;
}

/** One OneView appliance, with its credentials and the PagerDuty routing key its alerts go to. */
export interface ApplianceConfig {
  /** Stable identifier used in workflow IDs and dedup keys: lower-case letters, digits, dots and dashes. */
  id: string;
  /** The host as configured, for people: logs, events, status. */
  host: string;
  /** `https://host[:port]`; `http://` only when configured so explicitly. */
  baseUrl: string;
  username: string;
  password: string;
  loginDomain?: string;
  severities: string[];
  pollIntervalSeconds: number;
  sslVerify: boolean;
  /** Extra CA certificates (PEM), trusted besides Node's default ones. */
  caCertPem?: string;
  /** Trust only `caCertPem`, not Node's default CAs as well (ONEVIEW_CACERT_ONLY, `caOnly`); default false. */
  caOnly?: boolean;
  routingKey: string;
  /** Overrides of the OneView → PagerDuty severity map, keyed by OneView severity. */
  severityMap?: Record<string, 'critical' | 'error' | 'warning' | 'info'>;
  /** Listen to the appliance's State-Change Message Bus (`scmb: true`, ONEVIEW_SCMB); polling stays as the safety net. */
  scmb?: ScmbConfig;
}

/** An appliance's State-Change Message Bus: where it listens, and the poll interval while it is connected. */
export interface ScmbConfig {
  port: number;
  pollIntervalSeconds: number;
}

/** Log levels, from most to least verbose. */
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Everything a worker needs, validated and frozen at start. */
export interface WorkerConfig {
  temporal: TemporalConfig;
  appliances: ApplianceConfig[];
  /** ROUTES_FILE's rules, walked in order for every alert; empty: every alert pages its appliance's key. */
  routes: RouteConfig[];
  /** ROUTES_FILE's scheduled maintenance windows. */
  windows: WindowSchedule[];
  pagerDuty: {
    eventsUrl: string;
    /** Waits between send attempts (see src/activities/pagerduty/retry-delay.ts). */
    retry: { baseMs: number; maxMs: number; rateLimitMinMs: number };
    /** Events per routing key in any minute, across every worker; 0 turns the limiter off. */
    ratePerMinute: number;
    /** Where appliances' own "cannot see it" incidents go (PAGERDUTY_BLIND_ROUTING_KEY); each appliance's key otherwise. */
    blindRoutingKey?: string;
  };
  /** How long an appliance's polls may fail before its own incident opens (BLIND_AFTER_MINUTES); 0: never. */
  blindAfterMs: number;
  /**
   * Storm control: blade and interconnect alerts raised within `windowMs` of their enclosure's alert join its incident
   * (STORM_WINDOW_SECONDS; 0 turns it off); `groupWaitMs` holds them first in case it follows (STORM_GROUP_WAIT_SECONDS).
   */
  storm: { windowMs: number; groupWaitMs: number };
  session: { lifetimeMs: number; renewBeforeMs: number };
  /** How often each poller reconciles open deliveries with its appliance; 0 turns it off. */
  reconcileIntervalMs: number;
  /** Where the worker serves /metrics and /healthz; port 0 picks a free one. */
  http: { host: string; port: number };
  /** Port of the Temporal SDK's own Prometheus endpoint on the same host; 0 turns it off. */
  sdkMetricsPort: number;
  /** How long in-flight activities get to finish on SIGTERM before the worker stops. */
  shutdownGraceMs: number;
  /** Workflows kept in the worker's cache (WORKER_MAX_CACHED_WORKFLOWS); unset: the SDK's default from the heap limit. */
  maxCachedWorkflows?: number;
  logLevel: LogLevel;
}

/** A payload key being rotated out: it still decrypts what was written under its id, never encrypts. */
export interface PreviousPayloadKey {
  /** The id payloads written with it carry; absent: derived from the key, as for a current key without an id. */
  id?: string;
  key: Buffer;
}
