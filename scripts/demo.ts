import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { controls } from '../simulators/control-client';
import { startOneViewSimulator } from '../simulators/oneview/server';
import { startPagerDutySimulator } from '../simulators/pagerduty/server';
import { findTemporalExecutable } from './temporal-binaries';

const ROOT = join(__dirname, '..');
const say = (msg: string) => process.stdout.write(`[demo] ${msg}\n`);

/** The alerts the demo appliance raises: some Critical, some Warning, and one Active alert that clears later. */
const DEMO_ALERTS = [
  { severity: 'Critical', description: 'The power supply in bay 2 has failed.', correctiveAction: 'Replace the power supply in bay 2.', healthCategory: 'Power', alertTypeID: 'Trap.cpqHe4FltTolPowerSupplyFailed' },
  { severity: 'Critical', description: 'Fan 4 in enclosure Encl1 has failed.', correctiveAction: 'Replace fan 4.', healthCategory: 'Fan', alertTypeID: 'Trap.cpqHeThermalSystemFanFailed' },
  { severity: 'Critical', description: 'Uncorrectable memory error on DIMM 7.', correctiveAction: 'Replace DIMM 7.', healthCategory: 'Memory', alertTypeID: 'Trap.cpqSm2UncorrectableMemoryError' },
  { severity: 'Warning', description: 'Utilization data has not been successfully collected for 38 minutes and 5 attempts.', healthCategory: 'ManagementProcessor' },
  { severity: 'Warning', description: 'The logical drive on array A is degraded.', correctiveAction: 'Replace the failed physical drive.', healthCategory: 'Storage' },
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
  return tryPort(preferred).catch(() => tryPort(0));
}

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
  if (!address) {
    const port = await freePort(7233);
    const uiPort = await freePort(port === 7233 ? 8233 : port + 1000);
    say('starting a Temporal dev server with its Web UI ...');
    const env = await TestWorkflowEnvironment.createLocal({
      server: { executable: findTemporalExecutable('temporal'), ip: '127.0.0.1', port, ui: true, uiPort, log: { format: 'pretty', level: 'error' } },
    });
    cleanups.push(() => env.teardown());
    address = env.address;
    uiUrl = `http://127.0.0.1:${uiPort}`;
  }

  const oneView = await startOneViewSimulator({ tls: true, users: { administrator: 'demo-password' } });
  cleanups.push(() => oneView.close());
  const pagerDuty = await startPagerDutySimulator();
  cleanups.push(() => pagerDuty.close());
  say(`OneView simulator (HTTPS, self-signed): ${oneView.url}`);
  say(`PagerDuty simulator: ${pagerDuty.eventsUrl}`);

  const applianceId = 'demo-synergy';
  const worker = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'worker', 'main.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: address,
      ONEVIEW_HOST: oneView.url,
      ONEVIEW_APPLIANCE_ID: applianceId,
      ONEVIEW_USERNAME: 'administrator',
      ONEVIEW_PASSWORD: 'demo-password',
      ONEVIEW_SEVERITIES: 'Critical,Warning',
      // The simulator's certificate is generated at start; a real deployment sets ONEVIEW_CACERT instead.
      ONEVIEW_SSL_VERIFY: 'false',
      POLL_INTERVAL: '10',
      WORKER_HTTP_HOST: '127.0.0.1',
      WORKER_HTTP_PORT: String(await freePort(9464)),
      PAGERDUTY_ROUTING_KEY: randomBytes(16).toString('hex'),
      // A fresh key per demo run: payloads (session tokens included) are encrypted in history.
      PAYLOAD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PAGERDUTY_EVENTS_URL: pagerDuty.eventsUrl,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN',
    },
  });
  worker.stdout?.on('data', (d: Buffer) => process.stdout.write(d));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if (worker.exitCode !== null) return resolve();
        worker.once('exit', () => resolve());
        worker.kill('SIGTERM');
      }),
  );
  worker.once('exit', (code) => {
    if (code !== 0 && code !== null) {
      say(`worker exited with code ${code}`);
      void stopAll(1);
    }
  });

  const sim = controls(oneView.url, pagerDuty.url);
  const added = await sim.addAlerts(DEMO_ALERTS);
  say(`injected ${added.length} alerts (3 Critical, 2 Warning, 1 OK that OneView clears at birth); the bridge pages Critical and Warning`);
  say(`Temporal Web UI: ${uiUrl}/namespaces/default/workflows  (look for oneview-poller/${applianceId} and oneview-alert/${applianceId}/...)`);
  say('Ctrl-C stops everything.');

  let seen = 0;
  const watch = setInterval(() => {
    void sim
      .events()
      .then((events) => {
        for (const { receivedAt, event } of events.slice(seen)) {
          const payload = event.payload as { severity: string; summary: string } | undefined;
          const what = payload ? `${payload.severity.padEnd(8)} ${payload.summary}` : '';
          say(`PagerDuty ${String(event.event_action).toUpperCase().padEnd(8)} ${String(event.dedup_key)} ${what} (${receivedAt})`);
        }
        seen = Math.max(seen, events.length);
      })
      .catch(() => undefined);
  }, 500);
  cleanups.push(() => clearInterval(watch));

  const toClear = added[0];
  const clearTimer = setTimeout(() => {
    if (!toClear) return;
    const id = toClear.uri.slice(toClear.uri.lastIndexOf('/') + 1);
    say(`OneView clears alert ${id} ("${toClear.description}"); the next poll (every 10 s) resolves its incident`);
    void sim.clearAlert(id);
  }, 15_000);
  cleanups.push(() => clearTimeout(clearTimer));

  if (exitAfterSeconds > 0) setTimeout(() => void stopAll(0), exitAfterSeconds * 1000);
}

run().catch((err: unknown) => {
  process.stderr.write(`[demo] failed: ${String(err)}\n`);
  process.exit(1);
});
