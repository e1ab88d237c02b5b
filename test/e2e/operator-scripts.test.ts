import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertDeliveryRow } from '../../src/client/alert-operations';
import { deliveryVisibilityQuery } from '../../src/client/delivery-query';
import type { PollerStatusEntry } from '../../src/client/poller-operations';
import { forcePoll, pollerStatus } from '../../src/client/poller-operations';
import type { WorkerConfig } from '../../src/config/types';
import { alertWorkflowId, pollerWorkflowId } from '../../src/shared/workflow-ids';
import { stateQuery } from '../../src/workflows/messages';
import { findTemporalExecutable } from '../../scripts/temporal-binaries';
import {
  TEST_PAYLOAD_KEY,
  bridgeConfig,
  runBridge,
  testServer,
  uniqueAppliance,
  useHarness,
} from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';
import { CODEC_AUTH_TOKEN, spawnWeb } from '../support/web-process';
import { workerEnv } from '../support/worker-process';
import { idOf } from '../support/alert-id';

const harness = useHarness();
const ROOT = join(__dirname, '..', '..');
const SCRIPTS = [
  'force-poll',
  'status',
  'start-pollers',
  'stop-poller',
  'list-alerts',
  'resend',
  'resolve',
  'register-search-attributes',
  'route-test',
  'maintenance',
  'explain',
];

let ids: { applianceId: string; taskQueue: string };
let config: WorkerConfig;
let bridge: Awaited<ReturnType<typeof runBridge>>;
let web: Awaited<ReturnType<typeof spawnWeb>>;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end and collects what it printed. */
function run(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs an operator script as an operator would: its own process, configured by the environment only. */
function script(name: string, args: string[] = [], env: Record<string, string> = {}): Promise<Run> {
  return run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', `${name}.ts`), ...args], {
    PATH: process.env.PATH ?? '',
    TEMPORAL_ADDRESS: testServer().address,
    TEMPORAL_TASK_QUEUE: ids.taskQueue,
    PAYLOAD_ENCRYPTION_KEY: TEST_PAYLOAD_KEY.toString('base64'),
    ...env,
  });
}

/** The `temporal` CLI as an operator runs it. */
function temporalCli(args: string[]): Promise<Run> {
  const found = findTemporalExecutable('temporal');
  const binary = found.type === 'existing-path' ? found.path : join(ROOT, '.temporal', 'bin', 'temporal');
  return run(binary, [...args, '--address', testServer().address], {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
  });
}

const keyOf = (alertId: string) => `oneview/${ids.applianceId}/alert/${alertId}`;
const alertIds = (out: string) => (JSON.parse(out) as AlertDeliveryRow[]).map((r) => r.alertId).sort();

/** Waits until visibility answers `query` (for this appliance's deliveries) with exactly `count` executions. */
async function visible(what: string, query: string, count: number): Promise<void> {
  const client = harness().client;
  const full = `WorkflowType = 'alertDeliveryWorkflow' AND ApplianceId = '${ids.applianceId}' AND ${query}`;
  await waitFor(
    what,
    async () => (await client.workflow.count(full)).count,
    (n) => n === count,
  );
}

beforeAll(async () => {
  const h = harness();
  ids = uniqueAppliance('ops');
  config = bridgeConfig(h, ids, { severities: ['Critical', 'Warning'] });
  [bridge, web] = await Promise.all([runBridge(h.client, config), spawnWeb(ids.taskQueue)]);
  await waitFor(
    'the first poll',
    () => pollerStatus(h.client, ids.applianceId),
    (s) => s.counters.polls >= 1,
  );
  const poller = `WorkflowId = '${pollerWorkflowId(ids.applianceId)}' AND ExecutionStatus = 'Running'`;
  await waitFor(
    'the poller visible',
    async () => (await h.client.workflow.count(poller)).count,
    (n) => n === 1,
  );
});

afterAll(async () => {
  await web?.stop();
  await bridge?.stop();
});

test('the visibility query of list-alerts canonicalises values and lets no quote through', () => {
  expect(
    deliveryVisibilityQuery({
      taskQueue: 'q1',
      applianceId: 'synergy-a',
      severity: 'critical',
      alertState: 'ACTIVE',
      deliveryState: 'Failed',
      includeClosed: true,
    }),
  ).toBe(
    "WorkflowType = 'alertDeliveryWorkflow' AND TaskQueue = 'q1' AND ApplianceId = 'synergy-a' AND AlertSeverity = 'Critical' AND AlertState = 'Active' AND DeliveryState = 'failed'",
  );
  expect(deliveryVisibilityQuery({ taskQueue: 'q1' })).toBe(
    "WorkflowType = 'alertDeliveryWorkflow' AND TaskQueue = 'q1' AND ExecutionStatus = 'Running'",
  );
  for (const bad of [
    { severity: "x' OR 'a'='a" },
    { applianceId: 'A"b' },
    { alertState: 'Gone' },
    { deliveryState: 'done' },
    { severity: 'Crit\\' },
  ]) {
    expect(() => deliveryVisibilityQuery({ taskQueue: 'q1', ...bad })).toThrow(
      expect.objectContaining({ code: 'INVALID_FILTER' }),
    );
  }
  expect(() => deliveryVisibilityQuery({ taskQueue: "q' OR '1'='1" })).toThrow(/task queue must be/);
});

// Filled in by the tests in order: the Critical and the Warning alert paged by force-poll.
let critical = '';
let warning = '';

test('every script prints --help (exit 0); bad arguments exit 2 and an unreachable Temporal exits 1, on one line', async () => {
  // Started first: connecting gives up only after the client's 10 s connect timeout.
  const unreachable = script('status', [], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
  const helps = await Promise.all(SCRIPTS.map((name) => script(name, ['--help'])));
  for (const [i, help] of helps.entries()) {
    expect({ name: SCRIPTS[i], code: help.code }).toEqual({ name: SCRIPTS[i], code: 0 });
    expect(help.stdout).toContain(`Usage: npm run ops:${SCRIPTS[i]}`);
    expect(help.stdout).toMatch(/Options:\n[\s\S]*--help[\s\S]*Examples:\n {2}npm run ops:/);
  }
  expect(helps[SCRIPTS.indexOf('list-alerts')]?.stdout).toMatch(/--severity S +only this OneView severity/);

  const bad = await Promise.all([
    script('list-alerts', ['--colour', 'red']),
    script('resend', ['--appliance', ids.applianceId]),
    script('list-alerts', ['--severity', "Critical' OR '1'='1"]),
    script('stop-poller', ['--appliance', ids.applianceId, '--pause', '--resume']),
  ]);
  expect(bad.map((r) => r.code)).toEqual([2, 2, 2, 2]);
  expect(bad.map((r) => r.stderr.trim())).toEqual([
    "list-alerts: unknown option '--colour'; see --help",
    'resend: --alert is required; see --help',
    "list-alerts: severity must be letters only, got 'Critical' OR '1'='1'; see --help",
    'stop-poller: --pause and --resume exclude each other; see --help',
  ]);
  expect(bad.every((r) => r.stdout === '')).toBe(true);

  const down = await unreachable;
  expect(down.code).toBe(1);
  expect(down.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(/^status: failed to connect to Temporal at 127\.0\.0\.1:1 \(TEMPORAL_ADDRESS/),
  ]);
});

test('force-poll signals every running poller; a new alert reaches PagerDuty', async () => {
  const h = harness();
  const [c, w] = await h.sim.addAlerts([{ severity: 'Critical' }, { severity: 'Warning' }]);
  critical = idOf(c!.uri);
  warning = idOf(w!.uri);
  const res = await script('force-poll');
  expect(res).toMatchObject({ code: 0, stdout: `${pollerWorkflowId(ids.applianceId)}\n` });
  const incidents = await waitFor(
    'both paged',
    () => h.sim.incidents(),
    (i) => i.length === 2,
  );
  expect(incidents.map((i) => i.dedup_key).sort()).toEqual([keyOf(critical), keyOf(warning)].sort());
});

test('status prints a row per poller, and the full status with --json', async () => {
  await waitFor(
    'two deliveries started',
    () => pollerStatus(harness().client, ids.applianceId),
    (s) => s.counters.deliveriesStarted === 2,
  );
  const [table, json] = await Promise.all([script('status'), script('status', ['--json'])]);
  expect(table.code).toBe(0);
  const [header, row, ...rest] = table.stdout.trimEnd().split('\n');
  expect(header).toMatch(
    /^APPLIANCE +HOST +PAUSED +SESSION +LAST POLL +RESULT +FAILURES +BLIND +NEXT POLL +DELIVERIES +CLEARS +BUS +LAST ERROR$/,
  );
  expect(rest).toEqual([]);
  expect(row?.split(/ {2,}/)).toEqual([
    ids.applianceId,
    config.appliances[0]!.host,
    'no',
    'valid',
    expect.stringMatching(/ago$/),
    'ok',
    '0',
    '-',
    expect.stringMatching(/^in /),
    '2',
    '0',
    '-',
    '-',
  ]);
  const [entry] = JSON.parse(json.stdout) as PollerStatusEntry[];
  expect(entry).toMatchObject({
    applianceId: ids.applianceId,
    status: { paused: false, sessionValid: true, counters: { deliveriesStarted: 2 } },
  });
});

test('list-alerts filters by severity and by state through the search attributes', async () => {
  await visible('both triggered in visibility', `DeliveryState = 'triggered'`, 2);
  const [crit, warn, triggered, none] = await Promise.all([
    script('list-alerts', ['--severity', 'Critical', '--json']),
    script('list-alerts', ['--severity', 'warning', '--appliance', ids.applianceId, '--json']),
    script('list-alerts', ['--delivery-state', 'triggered', '--alert-state', 'active']),
    script('list-alerts', ['--severity', 'OK']),
  ]);
  expect(alertIds(crit.stdout)).toEqual([critical]);
  expect(alertIds(warn.stdout)).toEqual([warning]);
  expect(JSON.parse(crit.stdout)).toEqual([
    expect.objectContaining({
      severity: 'Critical',
      alertState: 'Active',
      deliveryState: 'triggered',
      status: 'RUNNING',
    }),
  ]);
  const lines = triggered.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^APPLIANCE +ALERT +SEVERITY +ALERT STATE +DELIVERY +STARTED +STATUS$/);
  expect(
    lines
      .slice(1)
      .map((l) => l.split(/ {2,}/).slice(0, 5).join(' '))
      .sort(),
  ).toEqual(
    [
      `${ids.applianceId} ${critical} Critical Active triggered`,
      `${ids.applianceId} ${warning} Warning Active triggered`,
    ].sort(),
  );
  expect(none).toMatchObject({ code: 0, stdout: '', stderr: 'list-alerts: no running delivery matches\n' });
});

test('resolve resolves a running delivery in PagerDuty by hand; closed deliveries are listed with --all only', async () => {
  const h = harness();
  const res = await script('resolve', [
    '--appliance',
    ids.applianceId,
    '--alert',
    critical,
    '--note',
    'enclosure replaced',
  ]);
  expect(res).toMatchObject({
    code: 0,
    stdout: `resolved ${alertWorkflowId(ids.applianceId, critical)} (dedup key ${keyOf(critical)}): phase resolved\n`,
  });
  const incidents = await h.sim.incidents();
  expect(incidents.find((i) => i.dedup_key === keyOf(critical))).toMatchObject({
    status: 'resolved',
    resolves: 1,
    triggers: 1,
  });
  expect(incidents.find((i) => i.dedup_key === keyOf(warning))).toMatchObject({ status: 'triggered' });
  const handle = h.client.workflow.getHandle(alertWorkflowId(ids.applianceId, critical));
  expect((await handle.query(stateQuery)).phase).toBe('resolved');

  await visible('the resolve in visibility', `DeliveryState = 'resolved' AND AlertState = 'Cleared'`, 1);
  const [running, cleared, again] = await Promise.all([
    script('list-alerts', ['--json']),
    script('list-alerts', ['--all', '--alert-state', 'Cleared', '--delivery-state', 'resolved', '--json']),
    script('resolve', ['--appliance', ids.applianceId, '--alert', critical]),
  ]);
  expect(alertIds(running.stdout)).toEqual([warning]);
  expect(alertIds(cleared.stdout)).toEqual([critical]);
  expect(again.code).toBe(1);
  expect(again.stderr).toBe(
    `resolve: the delivery of alert ${critical} of ${ids.applianceId} is not running: it completed: its incident is already resolved\n`,
  );
});

test('resend refuses a running delivery and re-delivers a failed one to the same incident', async () => {
  const h = harness();
  const busy = await script('resend', ['--appliance', ids.applianceId, '--alert', warning]);
  expect(busy.code).toBe(1);
  expect(busy.stderr).toBe(
    `resend: the delivery of alert ${warning} of ${ids.applianceId} is running (phase triggered): nothing to resend\n`,
  );

  // PagerDuty rejects the next trigger for good (400): the delivery fails after one attempt.
  await h.sim.pagerDutyFault({
    status: 400,
    count: 1,
    body: '{"status":"invalid event","message":"Event object is invalid","errors":["payload.summary is invalid"]}',
  });
  const [rejected] = await h.sim.addAlerts([{ severity: 'Critical' }]);
  const alertId = idOf(rejected!.uri);
  await forcePoll(h.client, ids.applianceId);
  const handle = h.client.workflow.getHandle(alertWorkflowId(ids.applianceId, alertId));
  await waitFor(
    'the delivery failed',
    () => handle.describe(),
    (d) => d.status.name === 'FAILED',
  );
  expect((await h.sim.incidents()).some((i) => i.dedup_key === keyOf(alertId))).toBe(false);

  const res = await script('resend', ['--appliance', ids.applianceId, '--alert', alertId]);
  expect(res.code).toBe(0);
  const runId = /new run (\S+) on /.exec(res.stdout)?.[1];
  expect(res.stdout).toContain(`resent ${alertWorkflowId(ids.applianceId, alertId)} (previous run failed)`);
  const incidents = await waitFor(
    'the resent trigger',
    () => h.sim.incidents(),
    (i) => i.some((x) => x.dedup_key === keyOf(alertId)),
  );
  expect(incidents.find((i) => i.dedup_key === keyOf(alertId))).toMatchObject({
    status: 'triggered',
    triggers: 1,
    opened: 1,
  });
  const now = await waitFor(
    'the new run triggered',
    () => handle.query(stateQuery),
    (s) => s.phase === 'triggered',
  );
  expect(now.dedupKey).toBe(keyOf(alertId));
  expect((await handle.describe()).runId).toBe(runId);
});

test('the temporal CLI signals forcePoll, and reads the status query only through the codec endpoint', async () => {
  const h = harness();
  const before = (await pollerStatus(h.client, ids.applianceId)).counters.polls;
  const workflowId = pollerWorkflowId(ids.applianceId);
  const signal = await temporalCli(['workflow', 'signal', '--workflow-id', workflowId, '--name', 'forcePoll']);
  expect(signal).toMatchObject({ code: 0, stderr: '' });
  await waitFor(
    'the CLI-signalled poll',
    () => pollerStatus(h.client, ids.applianceId),
    (s) => s.counters.polls > before,
  );

  // The query has no input: the CLI then posts `{}` to <codec>/encode (protojson leaves out an empty payload list),
  // which the codec endpoint must answer like `{"payloads": []}`.
  const query = ['workflow', 'query', '--workflow-id', workflowId, '--type', 'status', '--output', 'json'];
  const [decoded, sealed] = await Promise.all([
    temporalCli([...query, '--codec-endpoint', `${web.base}/codec`, '--codec-auth', `Bearer ${CODEC_AUTH_TOKEN}`]),
    temporalCli(query),
  ]);
  expect(decoded).toMatchObject({ code: 0, stderr: '' });
  expect(decoded.stdout).toContain(`"applianceId": "${ids.applianceId}"`);
  expect(decoded.stdout).toContain('"sessionValid": true');
  // Without the codec endpoint the CLI sees only the encrypted payload.
  expect(sealed.stdout).not.toContain(ids.applianceId);
  expect(sealed.stdout).toContain(Buffer.from('binary/encrypted').toString('base64'));
});

test('stop-poller pauses, resumes and terminates; start-pollers starts it again; search attributes register', async () => {
  const h = harness();
  const [paused, registered] = await Promise.all([
    script('stop-poller', ['--appliance', ids.applianceId, '--pause']),
    script('register-search-attributes'),
  ]);
  expect(paused).toMatchObject({
    code: 0,
    stdout: expect.stringContaining(`paused ${pollerWorkflowId(ids.applianceId)}`),
  });
  expect(registered.code).toBe(0);
  expect(registered.stdout).toMatch(/^ApplianceId +registered \(Keyword\)$/m);
  expect(registered.stdout).toMatch(/^DeliveryState +registered \(Keyword\)$/m);
  expect((await pollerStatus(h.client, ids.applianceId)).paused).toBe(true);

  expect((await script('stop-poller', ['--appliance', ids.applianceId, '--resume'])).code).toBe(0);
  expect((await pollerStatus(h.client, ids.applianceId)).paused).toBe(false);

  const stopped = await script('stop-poller', ['--appliance', ids.applianceId, '--reason', 'maintenance']);
  expect(stopped.code).toBe(0);
  expect(stopped.stdout).toContain(`terminated ${pollerWorkflowId(ids.applianceId)}`);
  expect(stopped.stdout).toMatch(/next worker start .* starts it again/);
  expect(stopped.stdout).toContain('--pause and --resume');
  const handle = h.client.workflow.getHandle(pollerWorkflowId(ids.applianceId));
  expect((await handle.describe()).status.name).toBe('TERMINATED');
  const again = await script('stop-poller', ['--appliance', ids.applianceId]);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/^stop-poller: the poller of .* is not running \(terminated\)/);

  const started = await script('start-pollers', [], workerEnv(config));
  expect(started).toMatchObject({ code: 0, stdout: `running  ${pollerWorkflowId(ids.applianceId)}\n` });
  expect((await handle.describe()).status.name).toBe('RUNNING');
  await waitFor(
    'a poll of the new run',
    () => pollerStatus(h.client, ids.applianceId),
    (s) => s.counters.polls >= 1 && s.lastPollResult === 'ok',
  );
  // The new run reconciled: no alert paged twice.
  expect((await h.sim.incidents()).every((i) => i.opened === 1)).toBe(true);
});

test('route-test shows where each of the five sample alerts pages, fails --expect on a mismatch, and replays the recorded deliveries against candidate rules', async () => {
  const samples = [
    'enclosure-power-lost',
    'blade-power-lost',
    'interconnect-unreachable',
    'firmware-warning',
    'rack-server-disk',
  ].map((f) => `examples/routing/alerts/${f}.json`);
  const rules = ['--rules', 'examples/routing/routes.json'];
  const shown = await script('route-test', [...rules, '--json', ...samples], {
    ONEVIEW_SEVERITIES: 'Critical,Warning',
  });
  expect(shown.code).toBe(0);
  const { reports } = JSON.parse(shown.stdout) as {
    reports: { alertId: string; pages?: { route: string; routingKey: string }[]; dropped?: string; storm?: string }[];
  };
  expect(
    Object.fromEntries(
      reports.map((r) => [r.alertId, r.dropped ? `drop:${r.dropped}` : r.pages?.map((p) => p.route).join(',')]),
    ),
  ).toEqual({
    '5301': 'facilities',
    '5302': 'blades',
    '5303': 'network',
    '5304': 'drop:firmware-noise',
    '5305': 'default',
  });
  // Keys by reference only: the script reads no secret.
  expect(reports.find((r) => r.alertId === '5301')?.pages?.[0]?.routingKey).toBe('routingKeyEnv PD_FACILITIES_KEY');
  expect(reports.find((r) => r.alertId === '5302')?.storm).toMatch(
    /^joins the incident of enclosure Encl1's own alert/,
  );

  const expected = await script('route-test', [...rules, '--expect', 'blades', samples[0]!, samples[1]!]);
  expect([expected.code, expected.stderr.trim()]).toEqual([1, 'route-test: alert 5301 does not page through blades']);

  // Every delivery of this test's appliance paged its appliance key (no rules); the sample rules send its blades'
  // alerts to the blades route instead.
  const h = harness();
  const [alert] = await h.sim.addAlerts([{ severity: 'Critical' }]);
  await forcePoll(h.client, ids.applianceId);
  await waitFor(
    'the delivery triggered',
    () => h.sim.incidents(),
    (i) => i.some((x) => x.dedup_key === keyOf(idOf(alert!.uri))),
  );
  type Replay = {
    read: number;
    unreadable: number;
    differences: { alertId: string; recorded: string[]; candidate: string[] }[];
  };
  const result = await waitFor(
    'the delivery in the replay (visibility is eventually consistent)',
    async () => {
      const replay = await script('route-test', [...rules, '--replay', '--since', '1h', '--json']);
      expect(replay.code).toBe(0);
      return JSON.parse(replay.stdout) as Replay;
    },
    (r) => r.differences.some((d) => d.alertId === idOf(alert!.uri)),
  );
  expect(result.read).toBeGreaterThan(0);
  expect(result.unreadable).toBe(0);
  expect(result.differences.length).toBeGreaterThan(0);
  for (const d of result.differences) expect([d.recorded, d.candidate]).toEqual([['default'], ['blades']]);
});

test('every ops command docs/operations.md shows runs as written and exits 0 (its appliance and alert ids made real)', async () => {
  const h = harness();
  // A delivery that is running (to resolve by hand) and one PagerDuty refused (to resend), as the examples assume.
  const [open] = await h.sim.addAlerts([{ severity: 'Critical' }]);
  await forcePoll(h.client, ids.applianceId);
  await waitFor(
    'the open delivery triggered',
    () => h.sim.incidents(),
    (i) => i.some((x) => x.dedup_key === keyOf(idOf(open!.uri))),
  );
  await h.sim.pagerDutyFault({ status: 400, count: 1, body: '{"status":"invalid event","message":"invalid"}' });
  const [refused] = await h.sim.addAlerts([{ severity: 'Critical' }]);
  await forcePoll(h.client, ids.applianceId);
  await waitFor(
    'the refused delivery failed',
    () => h.client.workflow.getHandle(alertWorkflowId(ids.applianceId, idOf(refused!.uri))).describe(),
    (d) => d.status.name === 'FAILED',
  );
  const real: Record<string, string> = {
    // One appliance plays both of the examples' appliances.
    'synergy-a': ids.applianceId,
    'synergy-b': ids.applianceId,
    '5121': idOf(open!.uri),
    '5188': idOf(refused!.uri),
  };
  const docs = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
  const commands = [...docs.matchAll(/^\$ npm run (?:--silent )?ops:([\w-]+)(?: -- (.*?))?\s*(?:#.*)?$/gm)].map(
    ([line, name, rest]) => ({
      line,
      name: name!,
      args: [...(rest ?? '').matchAll(/"([^"]*)"|(\S+)/g)].map(([, quoted, bare]) => real[bare!] ?? quoted ?? bare!),
    }),
  );
  // Every script the docs describe has at least one example.
  expect(new Set(commands.map((c) => c.name))).toEqual(new Set(SCRIPTS));
  const failed: string[] = [];
  for (const c of commands) {
    // In the order the docs give them: the last stop-poller example terminates the poller, start-pollers starts it.
    const res = await script(c.name, c.args, c.name === 'start-pollers' ? workerEnv(config) : {});
    if (res.code !== 0) failed.push(`${c.line} → exit ${res.code}: ${res.stderr.trim()}`);
  }
  expect(failed).toEqual([]);
});
