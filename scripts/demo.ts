import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { controls } from '../simulators/control-client';
import { BRIDGE_SEARCH_ATTRIBUTES } from '../src/shared/search-attributes';
import { startOneViewSimulator } from '../simulators/oneview/server';
import { startPagerDutySimulator } from '../simulators/pagerduty/server';
import { rabbitMqInstalled, startRabbitBroker } from '../simulators/rabbitmq/broker';
import { devServerDynamicConfigArgs } from './dev-server-flags';
import { findTemporalExecutable } from './temporal-binaries';

const ROOT = join(__dirname, '..');
const say = (msg: string) => process.stdout.write(`[demo] ${msg}\n`);

/** The alerts the demo appliance raises: some Critical, some Warning, and one Active alert that clears later. */
const DEMO_ALERTS = [
  {
    severity: 'Critical',
    description: 'The power supply in bay 2 has failed.',
    correctiveAction: 'Replace the power supply in bay 2.',
    healthCategory: 'Power',
    alertTypeID: 'Trap.cpqHe4FltTolPowerSupplyFailed',
  },
  {
    severity: 'Critical',
    description: 'Fan 4 in enclosure Encl1 has failed.',
    correctiveAction: 'Replace fan 4.',
    healthCategory: 'Fan',
    alertTypeID: 'Trap.cpqHeThermalSystemFanFailed',
  },
  {
    severity: 'Critical',
    description: 'Uncorrectable memory error on DIMM 7.',
    correctiveAction: 'Replace DIMM 7.',
    healthCategory: 'Memory',
    alertTypeID: 'Trap.cpqSm2UncorrectableMemoryError',
  },
  {
    severity: 'Warning',
    description: 'Utilization data has not been successfully collected for 38 minutes and 5 attempts.',
    healthCategory: 'ManagementProcessor',
  },
  {
    severity: 'Warning',
    description: 'The logical drive on array A is degraded.',
    correctiveAction: 'Replace the failed physical drive.',
    healthCategory: 'Storage',
  },
  { severity: 'OK', description: 'Server power on.', alertTypeID: 'Trap.cpqSm2ServerPowerOn' },
];

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => {
        const chosen = (srv.address() as { port: number }).port;
        srv.close(() => resolve(chosen));
      });
    });
  // The next ports up before any the kernel picks: those come from the ephemeral range, where an outgoing connection
  // can take the port in the seconds before the dev server binds it.
  for (let port = preferred; port < preferred + 100; port++) {
    if (handedOut.has(port)) continue;
    const chosen = await tryPort(port).catch(() => undefined);
    if (chosen !== undefined) {
      handedOut.add(chosen);
      return chosen;
    }
  }
  return tryPort(0);
}
/** Ports already chosen for this demo's processes: free until they bind, so never chosen twice. */
const handedOut = new Set<number>();

async function run(): Promise<void> {
  const exitAfterSeconds = Number(process.env.DEMO_EXIT_AFTER ?? 0);
  const cleanups: (() => Promise<void> | void)[] = [];
  const stopAll = async (code: number) => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  let address = process.env.TEMPORAL_ADDRESS;
  let uiUrl = process.env.TEMPORAL_UI_URL ?? 'your Temporal Web UI';
  const webPort = await freePort(8080);
  if (!address) {
    const port = await freePort(7233);
    const uiPort = await freePort(8233);
    uiUrl = `http://127.0.0.1:${uiPort}`;
    say('starting a Temporal dev server with its Web UI ...');
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: findTemporalExecutable('temporal'),
        ip: '127.0.0.1',
        port,
        ui: true,
        uiPort,
        searchAttributes: BRIDGE_SEARCH_ATTRIBUTES,
        // The Web UI decrypts payloads and summaries through the web process's codec endpoint, in the browser.
        extraArgs: ['--ui-codec-endpoint', `http://127.0.0.1:${webPort}/codec`, ...devServerDynamicConfigArgs()],
        log: { format: 'pretty', level: 'error' },
      },
    });
    cleanups.push(() => env.teardown());
    address = env.address;
  }

  // The appliance's message bus on a RabbitMQ of its own, as on a real appliance: the demo pages by push. Without the
  // broker (no root to install it) it pages by polling alone.
  const broker = rabbitMqInstalled() ? await startRabbitBroker() : undefined;
  if (broker) cleanups.push(() => broker.stop());
  else
    say('RabbitMQ is not installed (bash scripts/install-system-deps.sh rabbitmq-server): the demo pages by polling');
  const oneView = await startOneViewSimulator({
    tls: true,
    users: { administrator: 'demo-password' },
    ...(broker ? { scmb: { broker, certificateGenerationMs: 500 } } : {}),
  });
  cleanups.push(() => oneView.close());
  const pagerDuty = await startPagerDutySimulator();
  cleanups.push(() => pagerDuty.close());
  say(`OneView simulator (HTTPS, self-signed): ${oneView.url}`);
  say(`PagerDuty simulator: ${pagerDuty.eventsUrl}`);

  const applianceId = 'demo-synergy';
  // One fresh key per demo run, shared by the worker and the web process: payloads (session tokens included) are
  // encrypted in history, and the Web UI reads them through the web process's codec endpoint.
  const payloadKey = randomBytes(32).toString('base64');
  const shared = {
    TEMPORAL_ADDRESS: address,
    PAYLOAD_ENCRYPTION_KEY: payloadKey,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN',
  };
  // One token per role, fresh each run. Printed as files to read, never as values: demo output gets pasted into chats
  // and tickets.
  mkdirSync(join(ROOT, '.demo'), { recursive: true });
  const tokens = {
    webhook: randomBytes(18).toString('base64url'),
    operator: randomBytes(18).toString('base64url'),
    codec: randomBytes(18).toString('base64url'),
  };
  const tokenFile = (role: keyof typeof tokens) => join('.demo', `${role}-token`);
  for (const role of Object.keys(tokens) as (keyof typeof tokens)[])
    writeFileSync(join(ROOT, tokenFile(role)), tokens[role], { mode: 0o600 });
  writeFileSync(join(ROOT, '.demo', 'payload-key'), payloadKey, { mode: 0o600 });
  const web = `http://127.0.0.1:${webPort}`;
  writeDemoEnv({ address, web });
  const fail = () => void stopAll(1);
  const processes = [
    startProcess(
      'worker',
      join(ROOT, 'src', 'worker', 'main.ts'),
      {
        ...shared,
        ONEVIEW_HOST: oneView.url,
        ONEVIEW_APPLIANCE_ID: applianceId,
        ONEVIEW_USERNAME: 'administrator',
        ONEVIEW_PASSWORD: 'demo-password',
        ONEVIEW_SEVERITIES: 'Critical,Warning',
        // The simulator's certificate is generated at start; a real deployment sets ONEVIEW_CACERT instead.
        ONEVIEW_SSL_VERIFY: 'false',
        POLL_INTERVAL: '10',
        ...(broker ? { ONEVIEW_SCMB: 'true', ONEVIEW_SCMB_PORT: String(broker.port) } : {}),
        WORKER_HTTP_HOST: '127.0.0.1',
        WORKER_HTTP_PORT: String(await freePort(9464)),
        TEMPORAL_METRICS_PORT: String(await freePort(9465)),
        PAGERDUTY_ROUTING_KEY: randomBytes(16).toString('hex'),
        PAGERDUTY_EVENTS_URL: pagerDuty.eventsUrl,
      },
      fail,
    ),
    startProcess(
      'web',
      join(ROOT, 'src', 'web', 'main.ts'),
      {
        ...shared,
        WEB_HOST: '127.0.0.1',
        WEB_PORT: String(webPort),
        WEBHOOK_TOKEN: tokens.webhook,
        OPERATOR_TOKEN: tokens.operator,
        CODEC_AUTH_TOKEN: tokens.codec,
        CODEC_CORS_ORIGIN: uiUrl.startsWith('http') ? uiUrl : 'http://localhost:8233',
      },
      fail,
    ),
  ];
  for (const child of processes) {
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    );
  }

  const sim = controls(oneView.url, pagerDuty.url);
  if (broker) {
    // The alerts are raised once the bridge listens, so that they page by push rather than by the catch-up poll.
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && !(await sim.scmb()).connections.some((c) => c.user === 'default'))
      await new Promise((resolve) => setTimeout(resolve, 250));
    say(
      Date.now() < deadline
        ? "the bridge listens to the appliance's message bus (SCMB): alerts page within a second; polling stays as the safety net"
        : 'the message bus did not connect within 90 s: the alerts page by polling (see the worker log)',
    );
  }
  const raisedAt = Date.now();
  const added = await sim.addAlerts(DEMO_ALERTS);
  say(
    `injected ${added.length} alerts (3 Critical, 2 Warning, 1 OK that OneView clears at birth); the bridge pages Critical and Warning`,
  );
  say(
    `Temporal Web UI: ${uiUrl}/namespaces/default/workflows  (look for oneview-poller/${applianceId} and oneview-alert/${applianceId}/...)`,
  );
  say(
    `HTTP API: ${web}  (GET /health, GET /metrics; POST /force-poll and /test-connection with the operator token); push an alert with`,
  );
  say(`  curl -H "Authorization: Bearer $(cat ${tokenFile('webhook')})" -H 'content-type: application/json' \\`);
  say(
    `    -d '{"uri":"/rest/alerts/9001","severity":"Critical","alertState":"Active","description":"pushed by hand","created":"2026-01-01T00:00:00Z","modified":"2026-01-01T00:00:00Z"}' \\`,
  );
  say(`    '${web}/oneview-webhook?appliance=${applianceId}'`);
  say(
    `poll now: curl -X POST -H "Authorization: Bearer $(cat ${tokenFile('operator')})" '${web}/force-poll?appliance=${applianceId}'`,
  );
  // Payloads are encrypted in history; the codec endpoint decrypts them only for a caller with a codec credential. The
  // dev server's UI has no login to pass a token from, so the browser signs in once and sends the session cookie.
  say('Decrypted payloads in the Web UI (the codec needs a credential):');
  say(`  1. open ${web}/codec/sign-in and paste the token from ${tokenFile('codec')}`);
  say(`  2. in the Web UI: Codec Server (top bar) → use the browser setting → endpoint ${web}/codec,`);
  say('     tick "Include cross-origin credentials" → Apply');
  say('Operate it from another terminal in this directory (README: "Five minutes with the demo"):');
  say('  source .demo/env');
  say('  npm run ops:status');
  say('  npm run ops:list-alerts -- --severity Critical');
  say(`  npm run ops:force-poll -- --appliance ${applianceId}`);
  say(`  temporal workflow query --workflow-id oneview-poller/${applianceId} --type status`);
  say('Ctrl-C stops everything.');

  const toClear = added[0];
  const clearId = toClear?.uri.slice(toClear.uri.lastIndexOf('/') + 1);
  // The clear is scheduled once its incident is open, not from start: on a busy machine the first poll can come late,
  // and an alert cleared before it was ever seen would never page.
  let clearTimer: NodeJS.Timeout | undefined;
  let clearedAt = 0;
  const scheduleClear = () => {
    if (clearTimer || !toClear || !clearId) return;
    clearTimer = setTimeout(() => {
      say(
        broker
          ? `OneView clears alert ${clearId} ("${toClear.description}"); the message bus brings the clear, the bridge checks it with OneView and resolves`
          : `OneView clears alert ${clearId} ("${toClear.description}"); the next poll (every 10 s) resolves its incident`,
      );
      clearedAt = Date.now();
      void sim.clearAlert(clearId);
    }, 15_000);
  };
  cleanups.push(() => clearTimeout(clearTimer));

  let seen = 0;
  const watch = setInterval(() => {
    void sim
      .events()
      .then((events) => {
        for (const { receivedAt, event } of events.slice(seen)) {
          const payload = event.payload as { severity: string; summary: string } | undefined;
          const what = payload ? `${payload.severity.padEnd(8)} ${payload.summary}` : '';
          const since = event.event_action === 'trigger' ? raisedAt : clearedAt;
          const after = since > 0 ? `, ${Date.parse(receivedAt) - since} ms after OneView` : '';
          say(
            `PagerDuty ${String(event.event_action).toUpperCase().padEnd(8)} ${String(event.dedup_key)} ${what} (${receivedAt}${after})`,
          );
          if (event.event_action === 'trigger' && event.dedup_key === `oneview/${applianceId}/alert/${clearId}`)
            scheduleClear();
        }
        seen = Math.max(seen, events.length);
      })
      .catch(() => undefined);
  }, 500);
  cleanups.push(() => clearInterval(watch));

  if (exitAfterSeconds > 0) setTimeout(() => void stopAll(0), exitAfterSeconds * 1000);
}

/**
 * Writes `.demo/env`: sourced, it points the operator scripts and the temporal CLI (with the codec, so payloads read
 * decrypted) at this demo. It names the key and token files rather than holding their values.
 */
function writeDemoEnv(at: { address: string; web: string }): void {
  const file = (name: string) => `'${join(ROOT, '.demo', name)}'`;
  const temporalBin = join(ROOT, '.temporal', 'bin');
  const lines = [
    '# Written by `npm run demo` for its current run: `source .demo/env`, then `npm run ops:*` and `temporal` work on it.',
    `export TEMPORAL_ADDRESS='${at.address}'`,
    'export TEMPORAL_NAMESPACE=default',
    'unset PAYLOAD_ENCRYPTION_KEY',
    `export PAYLOAD_ENCRYPTION_KEY_FILE=${file('payload-key')}`,
    `export TEMPORAL_CODEC_ENDPOINT='${at.web}/codec'`,
    `export TEMPORAL_CODEC_AUTH="Bearer $(cat ${file('codec-token')})"`,
    `export BRIDGE_URL='${at.web}'`,
    ...(existsSync(join(temporalBin, 'temporal')) ? [`export PATH='${temporalBin}':"$PATH"`] : []),
    '',
  ];
  writeFileSync(join(ROOT, '.demo', 'env'), lines.join('\n'), { mode: 0o600 });
}

/** Starts one of the product's entry points as its own process, its log lines shown, its failure ending the demo. */
function startProcess(name: string, entry: string, env: Record<string, string>, fail: () => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  child.stdout?.on('data', (d: Buffer) => process.stdout.write(d));
  child.once('exit', (code) => {
    if (code !== 0 && code !== null) {
      say(`${name} exited with code ${code}`);
      fail();
    }
  });
  return child;
}

run().catch((err: unknown) => {
  process.stderr.write(`[demo] failed: ${String(err)}\n`);
  process.exit(1);
});
