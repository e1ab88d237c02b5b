import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { request } from 'undici';
import { pollerStatus } from '../../src/client/poller-operations';
import { pollerWorkflowId } from '../../src/shared/workflow-ids';
import { bridgeConfig, runBridge, testServer, uniqueAppliance, useHarness } from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';
import { appliancesFileEnv, exited, spawnWorker, workerEnv } from '../support/worker-process';

const harness = useHarness();

async function scrape(output: () => string): Promise<string> {
  const port = await waitFor(
    'the worker HTTP port',
    async () => /"httpPort":(\d+)/.exec(output())?.[1],
    Boolean,
    60_000,
  );
  const res = await request(`http://127.0.0.1:${port}/metrics`);
  return res.body.text();
}

test('three appliances from APPLIANCES_FILE: two deliver, the one with a wrong password reports it, and a removed one is stopped', async () => {
  const h = harness();
  const { taskQueue, applianceId: prefix } = uniqueAppliance('fleet');
  const [good1, good2, bad] = ['a', 'b', 'c'].map((x) => `${prefix}-${x}`) as [string, string, string];
  const dir = mkdtempSync(join(tmpdir(), 'bridge-fleet-'));
  const caFile = join(dir, 'oneview-ca.pem');
  writeFileSync(caFile, h.oneView.certificatePem ?? '');
  const entry = (id: string, passwordEnv: string) => ({
    id,
    host: h.oneView.url,
    username: 'administrator',
    passwordEnv,
    caFile,
  });
  const writeFile = (name: string, list: unknown[]) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify({ appliances: list }));
    return path;
  };
  const allThree = writeFile('three.json', [
    entry(good1, 'OV_PASSWORD'),
    entry(good2, 'OV_PASSWORD'),
    entry(bad, 'OV_BAD_PASSWORD'),
  ]);
  const config = bridgeConfig(h, { applianceId: good1, taskQueue });
  const secrets = { OV_PASSWORD: 'admin-password', OV_BAD_PASSWORD: 'not-the-password' };
  const alerts = await h.sim.addAlerts([{ severity: 'Critical' }, { severity: 'Critical' }]);

  const worker = spawnWorker(appliancesFileEnv(workerEnv(config), allThree, secrets));
  const connection = await Connection.connect({ address: testServer().address });
  try {
    const incidents = await waitFor(
      'two appliances deliver',
      () => h.sim.incidents(),
      (i) => i.length === 4,
      60_000,
    );
    const keys = incidents.map((i) => i.dedup_key).sort();
    const ids = alerts.map((a) => a.uri.slice(a.uri.lastIndexOf('/') + 1));
    expect(keys).toEqual([good1, good2].flatMap((app) => ids.map((id) => `oneview/${app}/alert/${id}`)).sort());

    const badStatus = await waitFor(
      'the auth error in status',
      () => pollerStatus(h.client, bad),
      (s) => s.counters.failedPolls >= 1,
    );
    expect(badStatus).toMatchObject({
      lastPollResult: 'error',
      lastErrorType: 'OneViewAuthFailed',
      sessionValid: false,
      consecutiveFailures: 1,
    });
    expect(badStatus.lastError).toContain('login rejected (400 AUTHN_AUTH_FAIL)');
    // It backs off instead of logging in again and again: the next poll is at least one interval away.
    expect(Date.parse(badStatus.nextPollAt!) - Date.parse(badStatus.lastPollAt!)).toBeGreaterThanOrEqual(3_600_000);

    const metrics = await scrape(worker.output);
    expect(metrics).toContain(`oneview_session_active{appliance="${good1}"} 1`);
    expect(metrics).toContain(`oneview_session_active{appliance="${good2}"} 1`);
    expect(metrics).toContain(`oneview_session_active{appliance="${bad}"} 0`);
    expect(metrics).toMatch(new RegExp(`oneview_poll_failures_total\\{appliance="${bad}",reason="ONEVIEW_AUTH"\\} 1`));

    // The failure is in the bad poller's history, but neither its text nor any secret is readable there.
    const raw = new Client({ connection });
    const history = JSON.stringify(
      await raw.workflow.getHandle(pollerWorkflowId(bad)).fetchHistory(),
      (_k, v: unknown) => (typeof v === 'string' ? `${v} ${Buffer.from(v, 'base64').toString('utf8')}` : v),
    );
    expect(history).toContain('binary/encrypted');
    for (const secret of ['AUTHN_AUTH_FAIL', 'login rejected', 'not-the-password', 'admin-password'])
      expect(history).not.toContain(secret);
  } finally {
    worker.child.kill('SIGTERM');
    await exited(worker.child);
  }
  // A stopped worker logs out every session it opened.
  expect(await h.sim.oneViewSessions()).toHaveLength(0);

  // Restarted with the bad appliance removed from the file: its poller is stopped, the others keep running.
  const twoOnly = writeFile('two.json', [entry(good1, 'OV_PASSWORD'), entry(good2, 'OV_PASSWORD')]);
  const second = spawnWorker(appliancesFileEnv(workerEnv(config), twoOnly, secrets));
  try {
    await waitFor(
      'the removed poller stopped',
      () => h.client.workflow.getHandle(pollerWorkflowId(bad)).describe(),
      (d) => d.status.name === 'TERMINATED',
      60_000,
    );
    expect((await h.client.workflow.getHandle(pollerWorkflowId(good1)).describe()).status.name).toBe('RUNNING');
    // The worker reports what it retired once it is up, which may be a moment after the poller was stopped.
    await waitFor(
      'the worker to report the retired poller',
      async () => second.output(),
      (out) => out.includes(`"retired":["${pollerWorkflowId(bad)}"]`),
      30_000,
    );
  } finally {
    second.child.kill('SIGTERM');
    await exited(second.child);
    await connection.close();
    await h.sim.reset();
  }
});

test('a fleet larger than the workflow cache: evicted pollers replay, keep polling, answer status and page once', async () => {
  const h = harness();
  const ids = uniqueAppliance('evicted');
  const base = bridgeConfig(h, ids, { pollIntervalSeconds: 1 });
  const fleet = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => ({ ...base.appliances[0]!, id: `${ids.applianceId}-${x}` }));
  // A cache of 2 for 6 pollers (and, below, their 6 deliveries): nearly every task replays its workflow from history.
  const bridge = await runBridge(
    h.client,
    { ...base, appliances: fleet, maxCachedWorkflows: 2 },
    { maxPollsPerRun: 4 },
  );
  try {
    for (const a of fleet) {
      const status = await waitFor(
        `${a.id} polled past a fresh run`,
        () => pollerStatus(h.client, a.id),
        (s) => s.counters.continuedAsNew >= 1 && s.lastPollResult === 'ok',
        120_000,
      );
      expect(status.counters.logins).toBe(1);
    }
    const [alert] = await h.sim.addAlerts([{ severity: 'Critical' }]);
    const alertId = alert!.uri.slice(alert!.uri.lastIndexOf('/') + 1);
    const incidents = await waitFor(
      'every appliance pages the alert',
      () => h.sim.incidents(),
      (i) => i.length >= fleet.length,
      60_000,
    );
    expect(incidents.map((i) => i.dedup_key).sort()).toEqual(
      fleet.map((a) => `oneview/${a.id}/alert/${alertId}`).sort(),
    );
    // Later polls of the same alert, by pollers replayed from history, start nothing new.
    const polls = await pollerStatus(h.client, fleet[0]!.id);
    await waitFor(
      'two more polls',
      () => pollerStatus(h.client, fleet[0]!.id),
      (s) => s.counters.polls >= polls.counters.polls + 2,
      30_000,
    );
    expect(await h.sim.incidents()).toHaveLength(fleet.length);
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});
