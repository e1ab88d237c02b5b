import { DEFAULT_TASK_QUEUE, isTaskQueueName } from '../shared/workflow-ids';
import {
  applianceIdFromUrl,
  checkApplianceFields,
  normalizeSeverities,
  parseSeverityMap,
  ROUTING_KEY_PATTERN,
  toBaseUrl,
} from './appliance-fields';
import { type ApplianceDefaults, readAppliancesFile } from './appliances-file';
import { readCaCertificates } from './ca-certificates';
import { ConfigError } from './config-error';
import { egressProxySettings } from './egress-proxy';
import { EnvReader, type ReadFile, readFileUtf8 } from './env-reader';
import { readEncryption } from './payload-encryption';
import { readRoutesFile } from './routes-file';
import { readScmbDefaults } from './scmb-settings';
import { hasUserInfo, shownUrl } from './safe-url';
import type { ApplianceConfig, LogLevel, TemporalConfig, WorkerConfig } from './types';

const LOG_LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
const DEFAULT_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** Reads the Temporal connection settings every process shares. */
export function readTemporalConfig(reader: EnvReader): TemporalConfig {
  const taskQueue = reader.optional('TEMPORAL_TASK_QUEUE') ?? DEFAULT_TASK_QUEUE;
  // Refused here, where every process starts, rather than by the first visibility query that would have to hold it.
  if (!isTaskQueueName(taskQueue)) {
    reader.problems.push(
      'TEMPORAL_TASK_QUEUE must be 1-1000 characters without quotes, backslashes, spaces or control characters',
    );
  }
  return {
    address: reader.optional('TEMPORAL_ADDRESS') ?? 'localhost:7233',
    namespace: reader.optional('TEMPORAL_NAMESPACE') ?? 'default',
    taskQueue,
    encryption: readEncryption(reader),
    ...readTemporalAuth(reader),
  };
}

/** mTLS files (TEMPORAL_TLS_*) or an API key (TEMPORAL_API_KEY(_FILE), Temporal Cloud) for the frontend connection. */
function readTemporalAuth(reader: EnvReader): Pick<TemporalConfig, 'tls' | 'apiKey'> {
  const cert = reader.fileContents('TEMPORAL_TLS_CERT_FILE');
  const key = reader.fileContents('TEMPORAL_TLS_KEY_FILE', true);
  const ca = reader.fileContents('TEMPORAL_TLS_CA_FILE');
  const serverName = reader.optional('TEMPORAL_TLS_SERVER_NAME');
  const apiKey = reader.secret('TEMPORAL_API_KEY', false);
  if (
    (reader.optional('TEMPORAL_TLS_CERT_FILE') === undefined) !==
    (reader.optional('TEMPORAL_TLS_KEY_FILE') === undefined)
  ) {
    reader.problems.push(
      'TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE must be set together (mTLS client certificate and its key)',
    );
  }
  const tlsWanted = reader.boolean(
    'TEMPORAL_TLS',
    cert !== undefined || ca !== undefined || serverName !== undefined || apiKey !== undefined,
  );
  if (!tlsWanted) return {};
  return {
    tls: {
      ...(cert !== undefined && key !== undefined
        ? { clientCertPem: Buffer.from(cert), clientKeyPem: Buffer.from(key) }
        : {}),
      ...(ca !== undefined ? { caPem: Buffer.from(ca) } : {}),
      ...(serverName ? { serverName } : {}),
    },
    ...(apiKey ? { apiKey } : {}),
  };
}

/** Loads and validates the worker's configuration from the environment, listing every problem in one error. */
export function loadConfig(env: Record<string, string | undefined>, readFile: ReadFile = readFileUtf8): WorkerConfig {
  const reader = new EnvReader(env, readFile);
  const temporal = readTemporalConfig(reader);
  const appliances = readAppliances(reader);
  const routesFile = reader.optional('ROUTES_FILE');
  const { routes, windows } =
    routesFile === undefined
      ? { routes: [], windows: [] }
      : readRoutesFile(reader, routesFile, { applianceIds: appliances.map((a) => a.id) });
  const eventsUrl = reader.optional('PAGERDUTY_EVENTS_URL') ?? DEFAULT_EVENTS_URL;
  if (!isHttpUrl(eventsUrl))
    reader.problems.push(`PAGERDUTY_EVENTS_URL must be an http(s) URL, got ${shownUrl(eventsUrl)}`);
  // undici drops user info without a word, and PagerDuty wants none: the routing key in the body authenticates.
  else if (hasUserInfo(eventsUrl))
    reader.problems.push('PAGERDUTY_EVENTS_URL must not contain a user name or password');
  // Checked here so a bad value stops the worker at start with the other problems, not at its first appliance call.
  try {
    egressProxySettings(env);
  } catch (err) {
    reader.problems.push((err as Error).message);
  }
  const lifetimeHours = reader.integer('ONEVIEW_SESSION_LIFETIME_HOURS', 22, 1, 24);
  const renewMinutes = reader.integer('ONEVIEW_SESSION_RENEW_BEFORE_MINUTES', 60, 1, 600);
  if (renewMinutes >= lifetimeHours * 60) {
    reader.problems.push('ONEVIEW_SESSION_RENEW_BEFORE_MINUTES must be shorter than ONEVIEW_SESSION_LIFETIME_HOURS');
  }
  const logLevel = reader.oneOf('LOG_LEVEL', LOG_LEVELS, 'INFO');
  const http = {
    host: reader.optional('WORKER_HTTP_HOST') ?? '0.0.0.0',
    port: reader.integer('WORKER_HTTP_PORT', 9464, 0, 65_535),
  };
  const retry = {
    baseMs: reader.integer('PAGERDUTY_RETRY_BASE_MS', 1000, 10, 600_000),
    maxMs: reader.integer('PAGERDUTY_RETRY_MAX_MS', 300_000, 100, 3_600_000),
    rateLimitMinMs: reader.integer('PAGERDUTY_RATE_LIMIT_MIN_DELAY_MS', 30_000, 10, 600_000),
  };
  const reconcileIntervalMs = reader.integer('RECONCILE_INTERVAL_MINUTES', 60, 0, 10_080) * 60_000;
  const sdkMetricsPort = reader.integer('TEMPORAL_METRICS_PORT', 9465, 0, 65_535);
  if (sdkMetricsPort !== 0 && sdkMetricsPort === http.port)
    reader.problems.push('TEMPORAL_METRICS_PORT must differ from WORKER_HTTP_PORT');
  const shutdownGraceMs = reader.integer('WORKER_SHUTDOWN_GRACE_SECONDS', 10, 1, 3600) * 1000;
  const ratePerMinute = reader.integer('PAGERDUTY_RATE_LIMIT_PER_MINUTE', 100, 0, 100_000);
  const maxCachedWorkflows = readCacheSize(reader);
  const blindAfterMs = reader.integer('BLIND_AFTER_MINUTES', 10, 0, 1440) * 60_000;
  const storm = {
    windowMs: reader.integer('STORM_WINDOW_SECONDS', 300, 0, 86_400) * 1000,
    groupWaitMs: reader.integer('STORM_GROUP_WAIT_SECONDS', 0, 0, 600) * 1000,
  };
  const blindRoutingKey = reader.secret('PAGERDUTY_BLIND_ROUTING_KEY', false);
  if (blindRoutingKey !== undefined && !ROUTING_KEY_PATTERN.test(blindRoutingKey))
    reader.problems.push(
      'PAGERDUTY_BLIND_ROUTING_KEY must be a 32-character Events API v2 integration key (letters and digits)',
    );
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return deepFreeze({
    temporal,
    appliances,
    routes,
    windows,
    pagerDuty: { eventsUrl, retry, ratePerMinute, ...(blindRoutingKey ? { blindRoutingKey } : {}) },
    blindAfterMs,
    storm,
    session: { lifetimeMs: lifetimeHours * 3_600_000, renewBeforeMs: renewMinutes * 60_000 },
    http,
    sdkMetricsPort,
    shutdownGraceMs,
    ...(maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows }),
    reconcileIntervalMs,
    logLevel,
  });
}

/**
 * WORKER_MAX_CACHED_WORKFLOWS: unset leaves the SDK's default (sized from the heap limit). A cache smaller than the
 * appliances thrashes: each poll runs a local activity inside its workflow task, which needs its poller cached. 1 is
 * refused by the SDK.
 */
function readCacheSize(reader: EnvReader): number | undefined {
  if (reader.optional('WORKER_MAX_CACHED_WORKFLOWS') === undefined) return undefined;
  const size = reader.integer('WORKER_MAX_CACHED_WORKFLOWS', 0, 0, 1_000_000);
  if (size === 1) reader.problems.push('WORKER_MAX_CACHED_WORKFLOWS must be 0 (no cache) or at least 2, got 1');
  return size;
}

/** The seed's single-appliance variables (ONEVIEW_HOST, ONEVIEW_USERNAME, ...) as one appliance. */
function readSingleAppliance(reader: EnvReader, defaults: ApplianceDefaults): ApplianceConfig {
  const host = reader.required('ONEVIEW_HOST', 'the appliance host name or URL (or set APPLIANCES_FILE)');
  const baseUrl = toBaseUrl(host);
  const caFile = reader.optional('ONEVIEW_CACERT');
  const caOnly = reader.boolean('ONEVIEW_CACERT_ONLY', false);
  if (caOnly && caFile === undefined) {
    reader.problems.push('ONEVIEW_CACERT_ONLY needs ONEVIEW_CACERT (the CA to trust instead of the default ones)');
  }
  const appliance: ApplianceConfig = {
    id: reader.optional('ONEVIEW_APPLIANCE_ID') ?? (baseUrl ? applianceIdFromUrl(baseUrl) : ''),
    host,
    baseUrl: baseUrl ?? '',
    username: reader.required('ONEVIEW_USERNAME'),
    password: reader.secret('ONEVIEW_PASSWORD') ?? '',
    loginDomain: reader.optional('ONEVIEW_LOGIN_DOMAIN'),
    severities: defaults.severities,
    pollIntervalSeconds: defaults.pollIntervalSeconds,
    sslVerify: defaults.sslVerify,
    caCertPem: caFile === undefined ? undefined : readCaCertificates(reader, caFile, 'ONEVIEW_CACERT'),
    caOnly,
    routingKey: reader.secret('PAGERDUTY_ROUTING_KEY') ?? '',
    severityMap: defaults.severityMap,
    scmb: reader.boolean('ONEVIEW_SCMB', false) ? defaults.scmb : undefined,
  };
  const names = {
    id: 'ONEVIEW_APPLIANCE_ID',
    host: 'ONEVIEW_HOST',
    severities: 'ONEVIEW_SEVERITIES',
    routingKey: 'PAGERDUTY_ROUTING_KEY',
  };
  checkApplianceFields(appliance, (field) => names[field], reader.problems, 'ONEVIEW_USERNAME and ONEVIEW_PASSWORD');
  return appliance;
}

/** Appliances from APPLIANCES_FILE, or the single appliance of the seed's variables; never both. */
function readAppliances(reader: EnvReader): ApplianceConfig[] {
  const file = reader.optional('APPLIANCES_FILE');
  const defaults: ApplianceDefaults = {
    severities: normalizeSeverities((reader.optional('ONEVIEW_SEVERITIES') ?? 'Critical').split(',')),
    pollIntervalSeconds: reader.integer('POLL_INTERVAL', 180, 1, 86_400),
    sslVerify: reader.boolean('ONEVIEW_SSL_VERIFY', true),
    severityMap: parseSeverityMap(reader.optional('PAGERDUTY_SEVERITY_MAP'), 'PAGERDUTY_SEVERITY_MAP', reader.problems),
    scmb: readScmbDefaults(reader),
  };
  if (file === undefined) return [readSingleAppliance(reader, defaults)];
  if (reader.optional('ONEVIEW_HOST') !== undefined) {
    reader.problems.push('set either APPLIANCES_FILE or ONEVIEW_HOST, not both');
  }
  // Ignoring it would let an operator believe an appliance trusts only its own CA while it trusts every default one.
  if (reader.boolean('ONEVIEW_CACERT_ONLY', false)) {
    reader.problems.push(
      'ONEVIEW_CACERT_ONLY does not apply to APPLIANCES_FILE entries: set caFile and caOnly on each',
    );
  }
  // The same trap for the message bus: it is switched on per entry, and silence would leave it off on every one.
  if (reader.optional('ONEVIEW_SCMB') !== undefined) {
    reader.problems.push('ONEVIEW_SCMB does not apply to APPLIANCES_FILE entries: set "scmb": true on each');
  }
  const routingKey = reader.secret('PAGERDUTY_ROUTING_KEY', false);
  return readAppliancesFile(reader, file, { ...defaults, routingKey });
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function deepFreeze<T>(value: T): T {
  // Buffers cannot be frozen (typed arrays); they are only ever read.
  if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
