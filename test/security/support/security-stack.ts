import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { controls } from '../../../simulators/control-client';
import { startOneViewSimulator, type OneViewSimulator } from '../../../simulators/oneview/server';
import { pollerStatus } from '../../../src/client/poller-operations';
import { type Harness, bridgeConfig, uniqueAppliance } from '../../support/bridge-harness';
import { registerSecret } from '../../support/log-capture';
import { waitFor } from '../../support/wait-for';
import { WEBHOOK_TOKEN, spawnWeb } from '../../support/web-process';
import { appliancesFileEnv, exited, spawnWorker, workerEnv } from '../../support/worker-process';

/** The password of the appliance whose login is always rejected. */
const WRONG_PASSWORD = 'not-the-oneview-password';
registerSecret('wrong OneView password', WRONG_PASSWORD);

/** Seconds between polls of the two good appliances: "pages within one poll interval" is measured against it. */
export const POLL_INTERVAL_SECONDS = 8;

/**
 * The real worker process (`npm start`, compiled) with four appliances from APPLIANCES_FILE — `a` and `b` on two
 * OneView simulators, `locked` with a rejected password, `untrusted` presenting a certificate its CA did not sign —
 * beside the real web process, for attacks through every entrance while proving the good appliances keep paging.
 */
export async function startSecurityStack(h: Harness, name: string) {
  const { taskQueue, applianceId: prefix } = uniqueAppliance(name);
  const second: OneViewSimulator = await startOneViewSimulator({ tls: true });
  const ids = { a: `${prefix}-a`, b: `${prefix}-b`, locked: `${prefix}-locked`, untrusted: `${prefix}-untrusted` };
  const dir = mkdtempSync(join(tmpdir(), `bridge-${name}-`));
  const caFile = (sim: OneViewSimulator, file: string) => {
    const path = join(dir, file);
    writeFileSync(path, sim.certificatePem ?? '');
    return path;
  };
  const entry = (id: string, sim: OneViewSimulator, ca: string, passwordEnv = 'OV_PASSWORD') => ({
    id,
    host: sim.url,
    username: 'administrator',
    passwordEnv,
    caFile: ca,
    severities: ['Critical', 'Warning'],
    pollIntervalSeconds: POLL_INTERVAL_SECONDS,
  });
  const firstCa = caFile(h.oneView, 'first.pem');
  const appliancesFile = join(dir, 'appliances.json');
  writeFileSync(
    appliancesFile,
    JSON.stringify({
      appliances: [
        entry(ids.a, h.oneView, firstCa),
        entry(ids.b, second, caFile(second, 'second.pem')),
        entry(ids.locked, h.oneView, firstCa, 'OV_WRONG'),
        // The second appliance's certificate checked against the first one's CA: what an intercepting proxy looks like.
        { ...entry(ids.untrusted, second, firstCa), caOnly: true },
      ],
    }),
  );
  const env = appliancesFileEnv(workerEnv(bridgeConfig(h, { applianceId: ids.a, taskQueue })), appliancesFile, {
    OV_PASSWORD: 'admin-password',
    OV_WRONG: WRONG_PASSWORD,
    // Limiter off: these tests count sends, not pace them.
    PAGERDUTY_RATE_LIMIT_PER_MINUTE: '0',
  });

  let worker = spawnWorker(env);
  const web = await spawnWeb(taskQueue, { WEB_RATE_LIMIT_PER_MINUTE: '100000', WEB_RATE_LIMIT_BURST: '100000' });
  const sims = { a: h.sim, b: controls(second.url, h.pagerDuty.url) };
  const workerPort = () =>
    waitFor('the worker HTTP port', async () => /"httpPort":(\d+)/.exec(worker.output())?.[1], Boolean, 60_000);

  const stack = {
    ids,
    taskQueue,
    web,
    sims,
    second,
    get worker() {
      return worker;
    },
    /** Pushes a webhook body for an appliance with the webhook token. */
    push: (applianceId: string, body: unknown) =>
      web.call('POST', `/oneview-webhook?appliance=${applianceId}`, {
        body,
        headers: { authorization: `Bearer ${WEBHOOK_TOKEN}` },
      }),
    /** The worker's own `/healthz` status code. */
    async healthz(): Promise<number> {
      const res = await request(`http://127.0.0.1:${await workerPort()}/healthz`);
      await res.body.dump();
      return res.statusCode;
    },
    /** The worker's `/metrics` text. */
    async metrics(): Promise<string> {
      const res = await request(`http://127.0.0.1:${await workerPort()}/metrics`);
      return res.body.text();
    },
    /** Stops the worker process and starts it again (every poller gets its settings again and reconciles). */
    async restartWorker(): Promise<void> {
      worker.child.kill('SIGTERM');
      await exited(worker.child);
      worker = spawnWorker(env);
    },
    async stop(): Promise<void> {
      await web.stop();
      worker.child.kill('SIGTERM');
      await exited(worker.child);
      // The harness closes the first simulator itself (its afterAll runs before the file's own).
      await second.close();
    },
  };
  await waitFor(
    'both good pollers to poll',
    () => Promise.all([pollerStatus(h.client, ids.a), pollerStatus(h.client, ids.b)]),
    (s) => s.every((x) => x.lastPollResult === 'ok'),
    60_000,
  );
  return stack;
}

/** A running security stack. */
export type SecurityStack = Awaited<ReturnType<typeof startSecurityStack>>;

/** An alert resource as OneView would push or serve it, with `extra` overriding any field. */
export function alertResource(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    uri: `/rest/alerts/${id}`,
    severity: 'Critical',
    alertState: 'Active',
    description: `Alert ${id}`,
    created: now,
    modified: now,
    associatedResource: {
      resourceName: 'Encl1, bay 1',
      resourceUri: '/rest/server-hardware/1',
      resourceCategory: 'server-hardware',
    },
    ...extra,
  };
}

/**
 * The promise every attack must leave intact: a new Critical alert on each of the two good appliances pages within
 * one poll interval (no forcePoll), with the worker healthy; answers how long each took.
 */
export async function bothAppliancesPage(h: Harness, stack: SecurityStack): Promise<{ a: number; b: number }> {
  expect(await stack.healthz()).toBe(200);
  const started = Date.now();
  const [a] = await stack.sims.a.addAlerts([{ severity: 'Critical' }]);
  const [b] = await stack.sims.b.addAlerts([{ severity: 'Critical' }]);
  const key = (applianceId: string, uri: string) =>
    `oneview/${applianceId}/alert/${uri.slice(uri.lastIndexOf('/') + 1)}`;
  const keys = [key(stack.ids.a, a!.uri), key(stack.ids.b, b!.uri)];
  const arrived: Record<string, number> = {};
  await waitFor(
    'a new Critical alert on each appliance to page',
    () => h.sim.events(),
    (events) => {
      for (const e of events)
        if (keys.includes(e.event.dedup_key as string))
          arrived[e.event.dedup_key as string] ??= Date.parse(e.receivedAt) - started;
      return keys.every((k) => k in arrived);
    },
    (POLL_INTERVAL_SECONDS + 5) * 1000,
  );
  return { a: arrived[keys[0]!]!, b: arrived[keys[1]!]! };
}
