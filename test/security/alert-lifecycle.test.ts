import { resolveAlertByHand } from '../../src/client/alert-operations';
import { pollerStatus } from '../../src/client/poller-operations';
import { alertWorkflowId } from '../../src/shared/workflow-ids';
import { useHarness } from '../support/bridge-harness';
import { oneViewUser } from '../support/oneview-user';
import { pollOnceMore } from '../support/poll-once-more';
import { waitFor } from '../support/wait-for';
import { type SecurityStack, alertResource, bothAppliancesPage, startSecurityStack } from './support/security-stack';
import { idOf } from '../support/alert-id';

/**
 * OneView is the truth about an alert's life, against the real worker and web processes: a re-activated alert pages
 * again, duplicates never do, and an alert resolved by hand or refused by PagerDuty stays quiet until OneView changes
 * it — through polls, pushes, reconciliation at a worker restart, and the end of its delivery's retention.
 */
const harness = useHarness();
let stack: SecurityStack;

beforeAll(async () => {
  stack = await startSecurityStack(harness(), 'life');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const keyOf = (id: string) => `oneview/${stack.ids.a}/alert/${id}`;
const incidentOf = async (id: string) => (await harness().sim.incidents()).find((i) => i.dedup_key === keyOf(id));
const triggersOf = async (id: string) =>
  (await harness().sim.events()).filter((e) => e.event.dedup_key === keyOf(id) && e.event.event_action === 'trigger')
    .length;

/** Restarts the worker and waits until the poller has reconciled with the appliance at its first poll. */
async function restartAndReconcile(): Promise<void> {
  const before = (await pollerStatus(harness().client, stack.ids.a)).counters.reconciliations;
  await stack.restartWorker();
  await waitFor(
    'the reconciliation after the restart',
    () => pollerStatus(harness().client, stack.ids.a),
    (s) => s.counters.reconciliations > before,
    60_000,
  );
}

/** Ends a closed delivery's history, as the namespace's retention eventually does. */
async function endRetention(alertId: string): Promise<void> {
  const h = harness();
  const handle = h.client.workflow.getHandle(alertWorkflowId(stack.ids.a, alertId));
  const { runId } = await handle.describe();
  await h.client.workflowService.deleteWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId: handle.workflowId, runId },
  });
  // The dev server deletes asynchronously, about half a minute later.
  await waitFor(
    'the delivery history gone',
    () =>
      handle.describe().then(
        () => 'still there',
        () => 'gone',
      ),
    (s) => s === 'gone',
    90_000,
    1000,
  );
}

/** What an operator does on the appliance: PUTs the alert Active with a note (a newer `modified`); answers the alert. */
async function changeOnOneView(alertId: string, note?: string): Promise<{ modified: string }> {
  const user = oneViewUser(harness().oneView.url, harness().oneView.certificatePem);
  try {
    return await user.reactivate(alertId, note);
  } finally {
    await user.close();
  }
}

/** Raises a new Critical alert on appliance a and waits until it paged; answers its id. */
async function raiseAndPage(): Promise<string> {
  const h = harness();
  const [raised] = await h.sim.addAlerts([{ severity: 'Critical' }]);
  const id = idOf(raised!.uri);
  await pollOnceMore(h.client, stack.ids.a);
  await waitFor(
    'the page',
    () => incidentOf(id),
    (i) => i?.status === 'triggered',
  );
  return id;
}

test('an alert OneView re-activates after its resolve pages again; duplicates of the open one never do', async () => {
  const h = harness();
  const id = await raiseAndPage();
  await h.sim.clearAlert(id);
  await pollOnceMore(h.client, stack.ids.a);
  await waitFor(
    'the resolve',
    () => incidentOf(id),
    (i) => i?.status === 'resolved',
  );

  const { modified } = await changeOnOneView(id);
  await pollOnceMore(h.client, stack.ids.a);
  const reopened = await waitFor(
    'the re-activation to page',
    () => incidentOf(id),
    (i) => i?.status === 'triggered' && i.opened === 2,
  );
  expect(reopened).toMatchObject({ triggers: 2, resolves: 1 });

  // The same version again, by push, by poll and by reconciliation: still one open incident, no new trigger.
  for (let i = 0; i < 3; i++) expect((await stack.push(stack.ids.a, alertResource(id, { modified }))).status).toBe(202);
  await pollOnceMore(h.client, stack.ids.a);
  await restartAndReconcile();
  await pollOnceMore(h.client, stack.ids.a);
  expect(await triggersOf(id)).toBe(2);
  expect(await incidentOf(id)).toMatchObject({ opened: 2, status: 'triggered' });
});

test('an alert resolved by hand stays quiet through polls, reconciliation and the end of retention, until OneView changes it', async () => {
  const h = harness();
  const id = await raiseAndPage();
  const resolved = await resolveAlertByHand(h.client, {
    applianceId: stack.ids.a,
    alertId: id,
    note: 'fixed it, OneView lags',
  });
  expect(resolved.resolved).toBe(true);

  await pollOnceMore(h.client, stack.ids.a);
  await restartAndReconcile();
  await endRetention(id);
  await restartAndReconcile();
  await pollOnceMore(h.client, stack.ids.a);
  expect(await triggersOf(id)).toBe(1);
  expect(await incidentOf(id)).toMatchObject({ status: 'resolved', opened: 1 });

  // OneView changes the alert (a note: a newer `modified`): that is news, and it pages.
  await changeOnOneView(id, 'still broken after all');
  await pollOnceMore(h.client, stack.ids.a);
  await waitFor(
    'the changed alert to page',
    () => incidentOf(id),
    (i) => i?.status === 'triggered' && i.opened === 2,
  );
});

test('an alert PagerDuty refused stays quiet (one attempt) until OneView changes it', async () => {
  const h = harness();
  const faulted = async () => (await h.sim.pagerDutyStats()).faulted;
  const before = await faulted();
  await h.sim.pagerDutyFault({
    status: 400,
    count: 1,
    body: '{"status":"invalid event","message":"Event object is invalid","errors":["payload.summary is invalid"]}',
  });
  const [raised] = await h.sim.addAlerts([{ severity: 'Critical' }]);
  const id = idOf(raised!.uri);
  await pollOnceMore(h.client, stack.ids.a);
  const delivery = h.client.workflow.getHandle(alertWorkflowId(stack.ids.a, id));
  await waitFor(
    'the refused delivery to fail',
    () => delivery.describe(),
    (d) => d.status.name === 'FAILED',
  );
  expect(await faulted()).toBe(before + 1);

  // Neither a poll nor reconciliation sends it again: no accepted trigger, no second refusal.
  await pollOnceMore(h.client, stack.ids.a);
  await restartAndReconcile();
  await pollOnceMore(h.client, stack.ids.a);
  expect(await faulted()).toBe(before + 1);
  expect(await incidentOf(id)).toBeUndefined();

  await changeOnOneView(id, 'urgency raised');
  await pollOnceMore(h.client, stack.ids.a);
  await waitFor(
    'the changed alert to page',
    () => incidentOf(id),
    (i) => i?.status === 'triggered',
  );
});

test('after all of the above, a new Critical alert on each of two appliances pages within one poll interval, and again after a worker restart', async () => {
  const first = await bothAppliancesPage(harness(), stack);
  await stack.restartWorker();
  const second = await bothAppliancesPage(harness(), stack);
  process.stdout.write(
    `security: paged in ${first.a}/${first.b} ms, after a worker restart in ${second.a}/${second.b} ms\n`,
  );
});
