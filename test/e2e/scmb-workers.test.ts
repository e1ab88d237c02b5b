import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollerStatus } from '../../src/client/poller-operations';
import { scmbConsumerWorkflowId } from '../../src/shared/workflow-ids';
import { bridgeConfig, uniqueAppliance } from '../support/bridge-harness';
import { useScmbHarness } from '../support/scmb-harness';
import { waitFor } from '../support/wait-for';
import { appliancesFileEnv, exited, spawnWorker, workerEnv } from '../support/worker-process';

// Two worker processes, three appliances with their message bus on, a real RabbitMQ: one consumer per appliance
// whatever the number of workers, and a SIGKILLed worker's consumers taken over by the other.
jest.setTimeout(240_000);

const harness = useScmbHarness();

test("two workers hold exactly one consumer per appliance, and a killed worker's consumers are back within 30 s", async () => {
  const h = harness();
  const { broker } = h;
  const { taskQueue, applianceId: prefix } = uniqueAppliance('bus');
  const ids = ['a', 'b', 'c'].map((x) => `${prefix}-${x}`);
  const dir = mkdtempSync(join(tmpdir(), 'bridge-scmb-'));
  const caFile = join(dir, 'oneview-ca.pem');
  writeFileSync(caFile, h.oneView.certificatePem ?? '');
  const file = join(dir, 'appliances.json');
  writeFileSync(
    file,
    JSON.stringify({
      appliances: ids.map((id) => ({
        id,
        host: h.oneView.url,
        username: 'administrator',
        passwordEnv: 'OV_PASSWORD',
        caFile,
        pollIntervalSeconds: 900,
        scmb: true,
        scmbPort: broker.port,
      })),
    }),
  );
  const config = bridgeConfig(h, { applianceId: ids[0]!, taskQueue });
  const env = appliancesFileEnv(workerEnv(config), file, { OV_PASSWORD: 'admin-password' });
  const workers = [spawnWorker(env), spawnWorker(env)];
  const consumers = async () => (await h.sim.scmb()).connections.filter((c) => c.user === 'default');
  try {
    for (const id of ids)
      await waitFor(
        'the consumer connected',
        () => pollerStatus(h.client, id),
        (s) => s.scmb?.connected === true,
        90_000,
      );
    expect(await consumers()).toHaveLength(3);

    // The worker holding the first appliance's consumer dies without a word.
    const holder = async (id: string) =>
      (await h.client.workflow.getHandle(scmbConsumerWorkflowId(id)).describe()).raw.pendingActivities?.[0]
        ?.lastWorkerIdentity;
    const victimName = await waitFor('the consumer activity has a worker', () => holder(ids[0]!), Boolean);
    // The SDK's default worker identity is `<pid>@<host>`.
    const victim = workers.find((w) => victimName?.startsWith(`${w.child.pid}@`));
    if (!victim) throw new Error(`no worker process has the identity ${victimName}`);
    victim.child.kill('SIGKILL');
    await exited(victim.child);
    const killedAt = Date.now();
    await waitFor('three consumers again', consumers, (c) => c.length === 3, 60_000);
    const back = Date.now() - killedAt;
    for (const id of ids)
      await waitFor(
        'connected again',
        () => pollerStatus(h.client, id),
        (s) => s.scmb?.connected === true,
        30_000,
      );
    expect(await consumers()).toHaveLength(3);
    // The bound the issue sets: heartbeat timeout 20 s plus the first retry.
    expect(back).toBeLessThan(30_000);

    const [alert] = await h.sim.addAlerts([{ severity: 'Critical' }]);
    const alertId = alert!.uri.slice(alert!.uri.lastIndexOf('/') + 1);
    const incidents = await waitFor(
      'every appliance pages the alert',
      () => h.sim.incidents(),
      (i) => ids.every((id) => i.some((x) => x.dedup_key === `oneview/${id}/alert/${alertId}`)),
      30_000,
    );
    for (const id of ids)
      expect(incidents.find((x) => x.dedup_key === `oneview/${id}/alert/${alertId}`)?.triggers).toBe(1);
  } finally {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => exited(w.child)));
    await h.sim.reset();
  }
});
