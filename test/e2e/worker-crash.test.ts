import { pollerStatus } from '../../src/client/poller-operations';
import { TEST_ROUTING_KEY, bridgeConfig, useHarness, uniqueAppliance } from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';
import { exited, spawnWorker, workerEnv } from '../support/worker-process';

const harness = useHarness();

test('a worker killed with SIGKILL mid-delivery leaves exactly one incident per alert once another worker takes over', async () => {
  const h = harness();
  const ids = uniqueAppliance('sigkill');
  const config = bridgeConfig(h, ids, { caCertPem: undefined, sslVerify: false });
  const alerts = await h.sim.addAlerts(Array.from({ length: 5 }, () => ({ severity: 'Critical' })));
  // Every delivery hangs in PagerDuty for 4 s, so the kill lands while all five posts are in flight.
  await h.sim.pagerDutyFault({ delayMs: 4000, count: 5 });

  const first = spawnWorker(workerEnv(config));
  try {
    await waitFor(
      'five deliveries started',
      () => pollerStatus(h.client, ids.applianceId),
      (s) => s.counters.deliveriesStarted === 5,
      60_000,
    );
    expect(await h.sim.incidents()).toHaveLength(0);
    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(first.child.signalCode).toBe('SIGKILL');
  } finally {
    first.child.kill('SIGKILL');
  }

  const second = spawnWorker(workerEnv(config));
  try {
    const incidents = await waitFor(
      'five incidents',
      () => h.sim.incidents(),
      (i) => i.length === 5,
      90_000,
    );
    const expected = alerts.map((a) => `oneview/${ids.applianceId}/alert/${a.uri.slice(a.uri.lastIndexOf('/') + 1)}`);
    expect(incidents.map((i) => i.dedup_key).sort()).toEqual(expected.sort());
    // PagerDuty deduplicates by dedup_key: a trigger re-sent after the crash updates the open alert, never opens another.
    for (const incident of incidents) expect(incident).toMatchObject({ status: 'triggered', opened: 1, resolves: 0 });
    const status = await pollerStatus(h.client, ids.applianceId);
    expect(status.counters.deliveriesStarted).toBe(5);
    // The worker's JSON logs never carry a secret.
    const [session] = await h.sim.oneViewSessions();
    for (const output of [first.output(), second.output()]) {
      expect(output).toContain('"level":"info"');
      for (const secret of [config.appliances[0]!.password, TEST_ROUTING_KEY, session!.token])
        expect(output).not.toContain(secret);
    }
  } finally {
    second.child.kill('SIGTERM');
    await exited(second.child);
    await h.sim.reset();
  }
});
