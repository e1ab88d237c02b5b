import { pollerStatus } from '../../src/client/poller-operations';
import { scmbConsumerWorkflowId } from '../../src/shared/workflow-ids';
import { uniqueAppliance } from '../support/bridge-harness';
import { useScmbHarness } from '../support/scmb-harness';
import { waitFor } from '../support/wait-for';
import { ProcessSet, kill } from './support/processes';
import { byScale } from './support/scale';
import { clearAlerts, drainStorm, incidentsOf, raiseAlerts, report, triggeredIds } from './support/storm';

const harness = useScmbHarness();
/** How soon a consumer must be listening again after the worker holding it is SIGKILLed. */
const BACK_WITHIN_MS = 30_000;
/** Alerts raised around each fault. */
const PER_STEP = byScale({ ci: 6, full: 40 });

// Alerts flow while the appliance's bus breaks three ways: its broker restarted (messages published meanwhile are
// lost, as on an appliance), the consumer's connection dropped, and the worker holding the consumer SIGKILLed. The
// poll interval is 20 s stretched to 15 min while the bus is healthy, so whatever the bus lost the catch-up poll after
// each reconnect must find; nothing may page twice.
test(`message bus: broker restart, dropped connection and a SIGKILLed consumer's worker; every alert pages once, every clear resolves, the consumer is back within ${BACK_WITHIN_MS / 1000} s`, async () => {
  const h = harness();
  const ids = uniqueAppliance('chaos-scmb');
  const processes = new ProcessSet();
  const alertIds: string[] = [];
  const cleared: string[] = [];
  const raise = async (n: number) => alertIds.push(...(await raiseAlerts(h, n)));
  // Only alerts already paged are cleared: one cleared before anything saw it would rightly never page.
  const clearHalfOfThePaged = async () => {
    const open = triggeredIds(
      await incidentsOf(h, ids.applianceId),
      ids.applianceId,
      alertIds.filter((id) => !cleared.includes(id)),
    );
    const picked = open.filter((_, i) => i % 2 === 0);
    await clearAlerts(h, picked);
    cleared.push(...picked);
  };
  const consumers = async () => (await h.sim.scmb()).connections.filter((c) => c.user === 'default');
  const connected = (timeoutMs: number) =>
    waitFor(
      'the consumer connected',
      () => pollerStatus(h.client, ids.applianceId),
      (s) => s.scmb?.connected === true,
      timeoutMs,
    );
  try {
    const env = processes.workerEnv(h, ids, {
      POLL_INTERVAL: '20',
      ONEVIEW_SCMB: 'true',
      ONEVIEW_SCMB_PORT: String(h.broker.port),
      ONEVIEW_SCMB_POLL_INTERVAL: '900',
    });
    const workers = [processes.worker(env), processes.worker(env)];
    await Promise.all(workers.map((w) => w.started()));
    await connected(90_000);
    const startedAt = Date.now();

    await raise(PER_STEP);
    await waitFor(
      'the first alerts paged',
      () => incidentsOf(h, ids.applianceId),
      (i) => i.length === alertIds.length,
      30_000,
    );
    await clearHalfOfThePaged();

    // The broker restarts: its connections close and what is published while it is down is gone.
    await h.sim.scmbControl({ stopBroker: true });
    await raise(PER_STEP);
    await h.sim.scmbControl({ startBroker: true });
    await raise(PER_STEP);
    await connected(60_000);
    await clearHalfOfThePaged();

    // The appliance closes the consumer's connection, and the next message is lost on the way.
    await h.sim.scmbControl({ dropConnections: true, dropMessages: 1 });
    await raise(PER_STEP);
    await connected(60_000);

    // The worker holding the consumer dies without a word; the other worker takes it over.
    const holder = async () =>
      (await h.client.workflow.getHandle(scmbConsumerWorkflowId(ids.applianceId)).describe()).raw.pendingActivities?.[0]
        ?.lastWorkerIdentity;
    const victimName = await waitFor('the consumer activity has a worker', holder, Boolean);
    const victim = workers.find((w) => victimName?.startsWith(`${w.child.pid}@`));
    if (!victim) throw new Error(`no worker process has the identity ${victimName}`);
    await kill(victim.child);
    const killedAt = Date.now();
    await raise(PER_STEP);
    await waitFor('a consumer again', consumers, (c) => c.length === 1, BACK_WITHIN_MS + 30_000);
    const backMs = Date.now() - killedAt;
    await connected(30_000);
    await clearHalfOfThePaged();
    await raise(PER_STEP);

    const { result, drainSeconds } = await drainStorm(h, h.client, ids, {
      alerts: alertIds.length,
      alertIds,
      cleared,
      startedMs: startedAt,
    });
    expect(await consumers()).toHaveLength(1);
    report('scmb-faults', {
      ...result,
      drainSeconds,
      consumerBackSecondsAfterKill: Math.round(backMs / 100) / 10,
      boundSeconds: BACK_WITHIN_MS / 1000,
    });
    expect(backMs).toBeLessThan(BACK_WITHIN_MS);
  } finally {
    await processes.stopAll();
    await h.sim.reset();
  }
}, 420_000);
