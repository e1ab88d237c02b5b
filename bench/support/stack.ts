import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { request } from 'undici';
import { devServerDynamicConfigArgs } from '../../scripts/dev-server-flags';
import { controls } from '../../simulators/control-client';
import { findTemporalExecutable } from '../../scripts/temporal-binaries';
import { compiledEntry, compileSources } from '../../test/support/compiled-sources';
import { QUIET_BUNDLE_LOGGER } from '../../test/support/quiet-bundle-logger';
import { bridgeDataConverter, FAILURE_CONVERTER_PATH } from '../../src/client/data-converter';
import { pollerStatus } from '../../src/client/poller-operations';
import { BRIDGE_SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes';
import type { PollerStatus } from '../../src/shared/types';
import type { ForwarderConfig, ForwarderRequest, ForwarderStats } from '../direct-forwarder';
import { findDevServerPid } from './proc';
import {
  forgetAtExit,
  freePort,
  killAtExit,
  mapLimit,
  ROOT,
  sleep,
  spawnTs,
  waitUntil,
  type BenchProcess,
} from './processes';
import { scrape, seriesSum } from './prom';
import type { SimHostConfig, SimHostReady } from './sim-host';

/** A scratch directory for one bench run: sqlite files, appliance files, CA certificates, the workflow bundle. */
export const SCRATCH = mkdtempSync(join(tmpdir(), 'bridge-bench-'));

/** The OneView password of every simulated appliance. */
const OV_PASSWORD = 'bench-oneview-password';
/** The webhook token of the bench's web processes. */
export const WEBHOOK_TOKEN = randomBytes(24).toString('base64url');
/** The operator token of the bench's web processes (force-poll). */
export const OPERATOR_TOKEN = randomBytes(24).toString('base64url');

/** A 32-character routing key per index, as the config requires. */
export function routingKey(index: number): string {
  return `BENCHKEY${String(index).padStart(24, '0')}`;
}

let bundlePath: string | undefined;

/** Bundles the workflows once per run (the production worker loads a prebuilt bundle too: WORKFLOW_BUNDLE_PATH). */
export async function workflowBundle(): Promise<string> {
  if (bundlePath) return bundlePath;
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: QUIET_BUNDLE_LOGGER,
  });
  bundlePath = join(SCRATCH, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  return bundlePath;
}

/** A Temporal dev server with a fresh sqlite file, as scripts/demo.ts and test/support/global-setup.ts start one. */
export interface TemporalServer {
  address: string;
  pid?: number;
  dbFile: string;
  stop(): Promise<void>;
}

/** How the bench's dev servers persist: `memory` (the dev server's default) unless BENCH_TEMPORAL_DB=file. */
export const TEMPORAL_DB = process.env.BENCH_TEMPORAL_DB === 'file' ? 'file' : 'memory';

/** What result files say about the Temporal server. */
export const TEMPORAL_SERVER_NOTE =
  TEMPORAL_DB === 'file'
    ? 'dev server (temporal CLI via TestWorkflowEnvironment.createLocal), fresh sqlite file per server (BENCH_TEMPORAL_DB=file)'
    : 'dev server (temporal CLI via TestWorkflowEnvironment.createLocal), in-memory sqlite (its default), a fresh server per phase';

/**
 * Starts a dev server on 127.0.0.1: in-memory sqlite by default; BENCH_TEMPORAL_DB=file gives it a fresh sqlite file
 * (on this VM's disk the file's fsyncs made the server time out its own writes under a storm: see BENCHMARKS.md).
 */
export async function startTemporal(name: string): Promise<TemporalServer> {
  const port = await freePort();
  const dbFile = TEMPORAL_DB === 'file' ? join(SCRATCH, `${name}-${Date.now()}.sqlite`) : '';
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: findTemporalExecutable('temporal'),
      ip: '127.0.0.1',
      port,
      ...(dbFile ? { dbFilename: dbFile } : {}),
      searchAttributes: BRIDGE_SEARCH_ATTRIBUTES,
      extraArgs: devServerDynamicConfigArgs(),
      log: { format: 'pretty', level: 'error' },
    },
  });
  const pid = findDevServerPid(port);
  killAtExit(pid);
  return {
    address: env.address,
    pid,
    dbFile,
    async stop() {
      await env.teardown();
      forgetAtExit(pid);
    },
  };
}

/** The simulators' process and typed access to each appliance's and PagerDuty's control API. */
export interface Sims {
  process: BenchProcess;
  ready: SimHostReady;
  /** Control API of appliance i (and the shared PagerDuty simulator). */
  sim(i: number): ReturnType<typeof controls>;
  /** PagerDuty's control API. */
  pd: ReturnType<typeof controls>;
  stop(): Promise<void>;
}

/**
 * Starts `appliances` OneView simulators and one PagerDuty simulator in a separate process; the appliances listed in
 * `scmb` each get a RabbitMQ message bus.
 */
export async function startSims(appliances: number, tls: boolean, scmb: number[] = []): Promise<Sims> {
  const config: SimHostConfig = {
    appliances,
    tls,
    certDir: join(SCRATCH, 'certs', String(Date.now())),
    password: OV_PASSWORD,
    scmb,
  };
  const proc = spawnTs(
    'sim-host',
    join(ROOT, 'bench', 'support', 'sim-host.ts'),
    { PATH: process.env.PATH ?? '', BENCH_SIM_CONFIG: JSON.stringify(config) },
    { ipc: true },
  );
  const line = await proc.waitForOutput(/^\{"msg":"sims ready".*\}$/m, 60_000 + appliances * 1000);
  const ready = JSON.parse(line[0]) as SimHostReady;
  const pdUrl = ready.pagerDuty.url;
  const byIndex = ready.oneView.map((o) => controls(o.url, pdUrl));
  return {
    process: proc,
    ready,
    sim: (i) => byIndex[i]!,
    pd: controls(ready.oneView[0]?.url ?? pdUrl, pdUrl),
    stop: () => proc.stop(),
  };
}

/** One appliance of a bench fleet: its id, the simulator it is, and the index of its routing key. */
export interface BenchAppliance {
  id: string;
  sim: number;
  key: number;
}

/** `count` appliances named `<prefix>-<n>`, appliance n on simulator n, sharing routing keys `perKey` at a time. */
export function fleet(prefix: string, count: number, perKey: number): BenchAppliance[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${String(i).padStart(4, '0')}`,
    sim: i,
    key: Math.floor(i / perKey),
  }));
}

/** The dedup key the bridge and the forwarder give an alert. */
export function dedupKey(applianceId: string, alertId: string): string {
  return `oneview/${applianceId}/alert/${alertId}`;
}

/** Settings of one bridge deployment under test. */
export interface BridgeOptions {
  name: string;
  temporal: TemporalServer;
  sims: Sims;
  appliances: BenchAppliance[];
  pollIntervalSeconds: number;
  /** PAGERDUTY_RATE_LIMIT_PER_MINUTE of the worker (100 is the product's default; 0 turns the limiter off). */
  rateLimitPerMinute: number;
  /** Extra node flags for the worker (e.g. --cpu-prof). */
  workerNodeArgs?: string[];
  extraWorkerEnv?: Record<string, string>;
}

/** A running bridge: the real worker and web processes, and a Temporal client for status queries and histories. */
export interface Bridge {
  worker: BenchProcess;
  web: BenchProcess;
  webUrl: string;
  workerMetricsUrl: string;
  sdkMetricsUrl: string;
  client: Client;
  taskQueue: string;
  /** POST /oneview-webhook?appliance=… with the Bearer token; answers the HTTP status. */
  webhook(applianceId: string, alert: unknown): Promise<number>;
  /** POST /force-poll (one appliance, or all). */
  forcePoll(applianceId?: string): Promise<number>;
  statuses(ids: string[]): Promise<PollerStatus[]>;
  /**
   * Waits until every poller has read its appliance once (the worker's oneview_last_successful_poll_timestamp_seconds
   * per appliance: one scrape, where status queries to hundreds of pollers would load the worker being measured).
   */
  waitForFirstPolls(ids: string[], timeoutMs: number): Promise<void>;
  /** Restarts the worker process with changed environment (same pollers: they get the new settings at its boot). */
  restartWorker(extraEnv: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

/** Worker settings an experiment adds to every scenario's worker: BENCH_WORKER_ENV='{"WORKER_MAX_CACHED_WORKFLOWS":"600"}'. */
function benchWorkerEnv(): Record<string, string> {
  const raw = process.env.BENCH_WORKER_ENV;
  if (!raw) return {};
  const parsed = JSON.parse(raw) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new Error('BENCH_WORKER_ENV must be a JSON object of string values');
  }
  return parsed as Record<string, string>;
}

/**
 * An entry point as the image runs it: compiled by tsc into lib/ (once per bench run). BENCH_WORKER_TSX=1 runs the
 * TypeScript source under tsx instead, as `npm start` does, to measure what tsx costs.
 */
function entryOf(source: string): string {
  if (process.env.BENCH_WORKER_TSX === '1') return join(ROOT, source);
  if (!compiled) {
    compileSources();
    compiled = true;
  }
  return compiledEntry(source);
}
let compiled = false;

/** Starts the worker (`src/worker/main.ts`) and the web process (`src/web/main.ts`) against a dev server and the sims. */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const dir = join(SCRATCH, options.name);
  mkdirSync(dir, { recursive: true });
  const appliancesFile = join(dir, 'appliances.json');
  const keys = new Set(options.appliances.map((a) => a.key));
  writeFileSync(
    appliancesFile,
    JSON.stringify({
      appliances: options.appliances.map((a) => {
        const sim = options.sims.ready.oneView[a.sim]!;
        return {
          id: a.id,
          host: sim.url,
          username: 'administrator',
          passwordEnv: 'BENCH_OV_PASSWORD',
          routingKeyEnv: `BENCH_PD_KEY_${a.key}`,
          ...(sim.caFile ? { caFile: sim.caFile } : {}),
          ...(sim.scmbPort ? { scmb: true, scmbPort: sim.scmbPort } : {}),
        };
      }),
    }),
  );
  const payloadKey = randomBytes(32);
  const taskQueue = `bench-${options.name}-${randomBytes(3).toString('hex')}`;
  const bundle = await workflowBundle();
  const [httpPort, sdkPort] = [await freePort(), await freePort()];
  const workerEnv = (extra: Record<string, string>) => ({
    PATH: process.env.PATH ?? '',
    TEMPORAL_ADDRESS: options.temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    APPLIANCES_FILE: appliancesFile,
    BENCH_OV_PASSWORD: OV_PASSWORD,
    ...Object.fromEntries([...keys].map((k) => [`BENCH_PD_KEY_${k}`, routingKey(k)])),
    ONEVIEW_SEVERITIES: 'Critical',
    POLL_INTERVAL: String(options.pollIntervalSeconds),
    PAGERDUTY_EVENTS_URL: options.sims.ready.pagerDuty.eventsUrl,
    PAGERDUTY_RATE_LIMIT_PER_MINUTE: String(options.rateLimitPerMinute),
    WORKFLOW_BUNDLE_PATH: bundle,
    // The product's default level: a delivery's log lines are part of its cost.
    LOG_LEVEL: 'INFO',
    WORKER_HTTP_HOST: '127.0.0.1',
    WORKER_HTTP_PORT: String(httpPort),
    TEMPORAL_METRICS_PORT: String(sdkPort),
    PAYLOAD_ENCRYPTION_KEY: payloadKey.toString('base64'),
    ...options.extraWorkerEnv,
    ...benchWorkerEnv(),
    ...extra,
  });
  let workerCount = 0;
  const spawnWorker = async (extra: Record<string, string>) => {
    const p = spawnTs(
      `${options.name}-worker${workerCount++ ? `-${workerCount}` : ''}`,
      entryOf('src/worker/main.ts'),
      workerEnv(extra),
      { nodeArgs: options.workerNodeArgs },
    );
    // ensurePollers signal-with-starts every poller before the worker says it started: long for 1,000 appliances.
    await p.waitForOutput(/"msg":"worker started"/, 120_000 + options.appliances.length * 200);
    return p;
  };
  let worker = await spawnWorker({});
  const web = spawnTs(`${options.name}-web`, entryOf('src/web/main.ts'), {
    PATH: process.env.PATH ?? '',
    TEMPORAL_ADDRESS: options.temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    PAYLOAD_ENCRYPTION_KEY: payloadKey.toString('base64'),
    WEBHOOK_TOKEN,
    OPERATOR_TOKEN,
    WEB_HOST: '127.0.0.1',
    WEB_PORT: '0',
    // High enough that the web's per-client limit is never what the bench measures.
    WEB_RATE_LIMIT_PER_MINUTE: '100000',
    WEB_RATE_LIMIT_BURST: '100000',
    LOG_LEVEL: 'INFO',
  });
  const webPort = (await web.waitForOutput(/"msg":"web started","port":(\d+)/, 60_000))[1];
  const webUrl = `http://127.0.0.1:${webPort}`;
  const connection = await Connection.connect({ address: options.temporal.address });
  const client = new Client({ connection, dataConverter: bridgeDataConverter({ key: payloadKey }) });
  const post = async (path: string, body?: unknown, token = WEBHOOK_TOKEN) => {
    const res = await request(`${webUrl}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    await res.body.text();
    return res.statusCode;
  };
  const statuses = (ids: string[]) => mapLimit(ids, 16, (id) => pollerStatus(client, id));
  return {
    get worker() {
      return worker;
    },
    web,
    webUrl,
    workerMetricsUrl: `http://127.0.0.1:${httpPort}/metrics`,
    sdkMetricsUrl: `http://127.0.0.1:${sdkPort}/metrics`,
    client,
    taskQueue,
    webhook: (applianceId, alert) => post(`/oneview-webhook?appliance=${encodeURIComponent(applianceId)}`, alert),
    forcePoll: (applianceId) =>
      post(
        applianceId ? `/force-poll?appliance=${encodeURIComponent(applianceId)}` : '/force-poll',
        undefined,
        OPERATOR_TOKEN,
      ),
    statuses,
    async waitForFirstPolls(ids, timeoutMs) {
      const polled = async () => {
        const s = await scrape(`http://127.0.0.1:${httpPort}/metrics`);
        return ids.filter((id) => seriesSum(s, 'oneview_last_successful_poll_timestamp_seconds', { appliance: id }) > 0)
          .length;
      };
      await waitUntil(`${ids.length} pollers to poll once`, polled, (n) => n === ids.length, timeoutMs, 2000);
      // The poll's own fetch follows the boot reconciliation's: give it a moment.
      await sleep(1000);
    },
    async restartWorker(extra) {
      await worker.stop();
      worker = await spawnWorker(extra);
    },
    async stop() {
      await Promise.all([worker.stop(), web.stop()]);
      await connection.close();
    },
  };
}

/** The direct forwarder running as its own process, asked to poll over IPC. */
export interface Forwarder {
  process: BenchProcess;
  /** Polls the appliances (all by default) now; resolves when that poll and its sends are done. */
  poll(applianceIds?: string[]): Promise<ForwarderStats>;
  /** Asks for a poll without waiting for it. */
  pollNoWait(applianceIds?: string[]): void;
  stats(): Promise<ForwarderStats>;
  stop(): Promise<void>;
}

/** Starts bench/direct-forwarder.ts over the same simulators as the bridge, with appliance ids of its own. */
export async function startForwarder(
  sims: Sims,
  appliances: BenchAppliance[],
  pollIntervalMs: number,
  name = 'forwarder',
): Promise<Forwarder> {
  const config: ForwarderConfig = {
    appliances: appliances.map((a) => {
      const sim = sims.ready.oneView[a.sim]!;
      return {
        id: a.id,
        baseUrl: sim.url,
        caFile: sim.caFile,
        username: 'administrator',
        password: OV_PASSWORD,
        routingKey: routingKey(a.key),
      };
    }),
    eventsUrl: sims.ready.pagerDuty.eventsUrl,
    severities: ['Critical'],
    pollIntervalMs,
  };
  const configFile = join(SCRATCH, `${name}-${Date.now()}.json`);
  writeFileSync(configFile, JSON.stringify(config));
  const proc = spawnTs(
    name,
    join(ROOT, 'bench', 'direct-forwarder.ts'),
    { PATH: process.env.PATH ?? '', BENCH_FORWARDER_CONFIG_FILE: configFile },
    { ipc: true },
  );
  await proc.waitForOutput(/"msg":"forwarder ready"/, 60_000);
  let seq = 0;
  const waiting = new Map<number, (s: ForwarderStats) => void>();
  proc.child.on('message', (m: { seq: number; stats: ForwarderStats }) => {
    waiting.get(m.seq)?.(m.stats);
    waiting.delete(m.seq);
  });
  const ask = (req: { type: 'poll'; applianceIds?: string[] } | { type: 'stats' }) =>
    new Promise<ForwarderStats>((resolve) => {
      const s = ++seq;
      waiting.set(s, resolve);
      proc.child.send({ ...req, seq: s } as ForwarderRequest);
    });
  return {
    process: proc,
    poll: (applianceIds) => ask({ type: 'poll', applianceIds }),
    pollNoWait: (applianceIds) => void ask({ type: 'poll', applianceIds }),
    stats: () => ask({ type: 'stats' }),
    stop: () => proc.stop(),
  };
}
