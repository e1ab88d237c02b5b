import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { pollerStatus } from '../../src/client/poller-operations';
import { TEST_PAYLOAD_KEY, bridgeConfig, testServer, uniqueAppliance, useHarness } from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';
import { WEBHOOK_TOKEN } from '../support/web-process';
import { workerEnv } from '../support/worker-process';

// The README's "Running it" block, run line by line as a reader would (`npm start`, `npm run web`, both simulators):
// each starts, answers, and stops on SIGTERM. Only the ports are swapped for free ones.
jest.setTimeout(180_000);

const harness = useHarness();
const ROOT = join(__dirname, '..', '..');
const insecure = new Agent({ connect: { rejectUnauthorized: false } });

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** The npm commands of the README's "Running it" block, without their comments. */
function runningItCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /## Running it\n\n```bash\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no "Running it" bash block');
  return block
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean);
}

/** Runs one shell line in its own process group, so that SIGTERM reaches npm and the node it started. */
function start(line: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn('bash', ['-c', line], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

test('every command of the README\'s "Running it" block starts, answers, and stops on SIGTERM', async () => {
  const h = harness();
  const ids = uniqueAppliance('readme');
  const commands = runningItCommands();
  expect(commands.map((c) => c.split(/\s+/).slice(0, 3).join(' '))).toEqual([
    'npm start',
    'npm run web',
    'npm run sim:oneview',
    'npm run sim:pagerduty',
  ]);
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  for (const command of commands) {
    const port = await freePort();
    const line = command.replace(/--port \d+/, `--port ${port}`);
    const script = line.split(/\s+/)[2] ?? 'start';
    const env =
      script === 'start'
        ? { ...base, ...workerEnv(bridgeConfig(h, ids, { caCertPem: undefined, sslVerify: false })) }
        : script === 'web'
          ? {
              ...base,
              TEMPORAL_ADDRESS: testServer().address,
              TEMPORAL_TASK_QUEUE: ids.taskQueue,
              PAYLOAD_ENCRYPTION_KEY: TEST_PAYLOAD_KEY.toString('base64'),
              WEBHOOK_TOKEN,
              WEB_HOST: '127.0.0.1',
              WEB_PORT: String(port),
            }
          : base;
    const proc = start(line, env);
    try {
      const ready = {
        start: /"msg":"worker started"/,
        web: /"msg":"web started"/,
        'sim:oneview': /OneView simulator listening/,
        'sim:pagerduty': /PagerDuty simulator listening/,
      }[script];
      if (!ready) throw new Error(`no readiness check for ${line}`);
      await waitFor(
        `${line} to start`,
        async () => (proc.child.exitCode !== null ? 'exited' : ready.test(proc.output()) ? 'ready' : 'starting'),
        (s) => s !== 'starting',
        120_000,
      ).then((s) => {
        if (s === 'exited') throw new Error(`${line} exited: ${proc.output().slice(-2000)}`);
      });
      if (script === 'start') {
        const status = await waitFor(
          'the poller polled',
          () => pollerStatus(h.client, ids.applianceId),
          (s) => s.counters.polls >= 1,
        );
        expect([status.lastPollResult, status.lastError]).toEqual(['ok', undefined]);
      } else if (script === 'web') {
        const res = await request(`http://127.0.0.1:${port}/health`);
        expect(res.statusCode).toBe(200);
        // Degraded: the worker started by the line before has stopped, so no poller is being polled.
        expect(((await res.body.json()) as { status: string }).status).toMatch(/^(ok|degraded)$/);
      } else if (script === 'sim:oneview') {
        const res = await request(`https://127.0.0.1:${port}/rest/version`, { dispatcher: insecure });
        expect(res.statusCode).toBe(200);
        expect(await res.body.json()).toMatchObject({ currentVersion: expect.any(Number) });
      } else {
        const res = await request(`http://127.0.0.1:${port}/v2/enqueue`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            routing_key: 'R0UT1NGKEYFORTESTS00000000000001',
            event_action: 'trigger',
            dedup_key: 'readme',
            payload: { summary: 'README', source: 'readme', severity: 'critical' },
          }),
        });
        expect(res.statusCode).toBe(202);
        await res.body.text();
      }
    } finally {
      if (proc.child.exitCode === null && proc.child.pid) process.kill(-proc.child.pid, 'SIGTERM');
      // A process that ignored SIGTERM would keep its port and time this wait out.
      await waitFor(
        `${line} to stop on SIGTERM`,
        async () => proc.child.exitCode !== null || proc.child.signalCode !== null,
        Boolean,
        30_000,
      );
    }
  }
  await h.sim.reset();
});
