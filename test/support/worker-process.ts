import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { WorkerConfig } from '../../src/config/types';
import { testServer } from './bridge-harness';
import { compiledEntry } from './compiled-sources';
import { captureOutput } from './log-capture';

const ROOT = join(__dirname, '..', '..');

/** The environment `npm start` would be given for a configuration. */
export function workerEnv(config: WorkerConfig, extra: Record<string, string> = {}): Record<string, string> {
  const a = config.appliances[0]!;
  return {
    PATH: process.env.PATH ?? '',
    TEMPORAL_ADDRESS: config.temporal.address,
    TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
    ONEVIEW_HOST: a.baseUrl,
    ONEVIEW_APPLIANCE_ID: a.id,
    ONEVIEW_USERNAME: a.username,
    ONEVIEW_PASSWORD: a.password,
    ONEVIEW_SEVERITIES: a.severities.join(','),
    POLL_INTERVAL: String(a.pollIntervalSeconds),
    ONEVIEW_SSL_VERIFY: String(a.sslVerify),
    PAGERDUTY_ROUTING_KEY: a.routingKey,
    PAGERDUTY_EVENTS_URL: config.pagerDuty.eventsUrl,
    WORKFLOW_BUNDLE_PATH: testServer().bundlePath,
    LOG_LEVEL: 'INFO',
    WORKER_HTTP_HOST: '127.0.0.1',
    WORKER_HTTP_PORT: '0',
    TEMPORAL_METRICS_PORT: '0',
    PAYLOAD_ENCRYPTION_KEY: config.temporal.encryption.key?.toString('base64') ?? '',
    ...(config.temporal.encryption.key ? {} : { PAYLOAD_ENCRYPTION: 'off' }),
    ...extra,
  };
}

/**
 * The environment of a worker configured by APPLIANCES_FILE instead of the single-appliance variables: `base` (from
 * {@link workerEnv}) without the appliance's own, plus the file and `extra` (the secrets the file refers to, overrides).
 */
export function appliancesFileEnv(
  base: Record<string, string>,
  file: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = { ...base, APPLIANCES_FILE: file, ...extra };
  // The appliance's own connection variables: set beside APPLIANCES_FILE they are a configuration error. The others
  // (severities, poll interval, routing key) stay as defaults for entries that name none.
  for (const name of ['ONEVIEW_HOST', 'ONEVIEW_APPLIANCE_ID', 'ONEVIEW_USERNAME', 'ONEVIEW_PASSWORD']) delete env[name];
  return env;
}

/** Starts the real worker entry point as its own process, compiled as the image runs it (node alone, so SIGKILL hits the worker itself). */
export function spawnWorker(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [compiledEntry('src/worker/main.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  captureOutput('worker', child, env);
  return { child, output: () => output };
}

/** Resolves when a process has exited. */
export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}
