import { temporal } from '@temporalio/proto';
import type { AlertDeliveryInput, PollerInput } from '../../src/shared/types';
import { slotGrantedSignal } from '../../src/workflows/messages';
import { bridgeConfig, runBridge, uniqueAppliance, useHarness } from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';

const harness = useHarness();
const EventType = temporal.api.enums.v1.EventType;

/** How many `requestSlot` signals a delivery has sent, from its history. */
async function slotRequests(handle: { fetchHistory(): Promise<temporal.api.history.v1.IHistory> }): Promise<number> {
  const { events } = await handle.fetchHistory();
  return (events ?? []).filter(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED &&
      e.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName === 'requestSlot',
  ).length;
}

// The limiter counts a grant when it gives it; a send that leaves long after could land in a 60 s window that is
// already full (the throttled storm drew 265 × 429 that way). A delivery that sees its grant late asks again, and after
// three late grants sends anyway, so a worker that stays far behind never stops paging.
test('a grant seen too late is refused and asked for again; the fourth late one is used', async () => {
  const h = harness();
  const ids = uniqueAppliance('late-grant');
  const bridge = await runBridge(h.client, bridgeConfig(h, ids));
  try {
    // A stand-in limiter the test answers for: a paused poller is a running workflow that ignores `requestSlot`.
    const standIn = `late-grant-limiter/${ids.applianceId}`;
    const settings = { applianceId: `${ids.applianceId}-stand-in`, applianceHost: 'nowhere', severities: ['Critical'], pollIntervalMs: 3_600_000, sessionLifetimeMs: 3_600_000, sessionRenewBeforeMs: 60_000 };
    await h.client.workflow.start('appliancePollerWorkflow', { workflowId: standIn, taskQueue: ids.taskQueue, args: [{ settings, paused: true } satisfies PollerInput] });
    const now = new Date().toISOString();
    const alert = { id: '7001', uri: '/rest/alerts/7001', severity: 'Critical', alertState: 'Active', description: 'late grant', created: now, modified: now };
    const input: AlertDeliveryInput = { applianceId: ids.applianceId, applianceHost: 'ov.example', alert, limiterId: standIn };
    const delivery = await h.client.workflow.start('alertDeliveryWorkflow', { workflowId: `late-grant/${ids.applianceId}`, taskQueue: ids.taskQueue, args: [input] });
    await waitFor('the first slot request', () => slotRequests(delivery), (n) => n === 1, 30_000);

    // Three grants a minute old: each is refused and asked for again; nothing reaches PagerDuty.
    for (let late = 1; late <= 3; late++) {
      await delivery.signal(slotGrantedSignal, { grantedAt: Date.now() - 60_000 });
      await waitFor(`slot request ${late + 1}`, () => slotRequests(delivery), (n) => n === late + 1, 30_000);
    }
    expect((await h.sim.events()).filter((e) => String(e.event.dedup_key).includes(ids.applianceId))).toEqual([]);

    // The fourth late grant is used: the page goes out, once.
    await delivery.signal(slotGrantedSignal, { grantedAt: Date.now() - 60_000 });
    const events = await waitFor('the trigger', async () => (await h.sim.events()).filter((e) => String(e.event.dedup_key).includes(ids.applianceId)), (e) => e.length === 1, 30_000);
    expect(events[0]?.event.event_action).toBe('trigger');
    expect(await slotRequests(delivery)).toBe(4);
    await h.client.workflow.getHandle(standIn).terminate('test done');
    await delivery.terminate('test done');
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});

test('a fresh grant is used at once, and a grant without a time (from a limiter before grant times) counts as fresh', async () => {
  const h = harness();
  const ids = uniqueAppliance('fresh-grant');
  const bridge = await runBridge(h.client, bridgeConfig(h, ids));
  try {
    const standIn = `fresh-grant-limiter/${ids.applianceId}`;
    const settings = { applianceId: `${ids.applianceId}-stand-in`, applianceHost: 'nowhere', severities: ['Critical'], pollIntervalMs: 3_600_000, sessionLifetimeMs: 3_600_000, sessionRenewBeforeMs: 60_000 };
    await h.client.workflow.start('appliancePollerWorkflow', { workflowId: standIn, taskQueue: ids.taskQueue, args: [{ settings, paused: true } satisfies PollerInput] });
    const deliveries = [];
    for (const [id, grant] of [['7101', { grantedAt: Date.now() }], ['7102', undefined]] as const) {
      const now = new Date().toISOString();
      const alert = { id, uri: `/rest/alerts/${id}`, severity: 'Critical', alertState: 'Active', description: 'fresh grant', created: now, modified: now };
      const delivery = await h.client.workflow.start('alertDeliveryWorkflow', {
        workflowId: `fresh-grant/${ids.applianceId}/${id}`,
        taskQueue: ids.taskQueue,
        args: [{ applianceId: ids.applianceId, applianceHost: 'ov.example', alert, limiterId: standIn } satisfies AlertDeliveryInput],
      });
      await waitFor('the slot request', () => slotRequests(delivery), (n) => n === 1, 30_000);
      if (grant) await delivery.signal(slotGrantedSignal, grant);
      else await delivery.signal('slotGranted');
      deliveries.push(delivery);
    }
    const events = await waitFor('both triggers', async () => (await h.sim.events()).filter((e) => String(e.event.dedup_key).includes(ids.applianceId)), (e) => e.length === 2, 30_000);
    expect(events.map((e) => e.event.event_action)).toEqual(['trigger', 'trigger']);
    for (const d of deliveries) expect(await slotRequests(d)).toBe(1);
    await h.client.workflow.getHandle(standIn).terminate('test done');
    for (const d of deliveries) await d.terminate('test done');
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});
