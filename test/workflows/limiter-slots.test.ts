import { NativeConnection } from '@temporalio/worker';
import { LimiterSlots } from '../../src/activities/limiter-slots';
import { limiterIdFor } from '../../src/worker/ensure-pollers';
import { createBridgeWorker } from '../../src/worker/create-worker';
import { bridgeConfig, testServer, uniqueAppliance, useHarness } from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';

const harness = useHarness();

/** Runs `body` against a fresh limiter of `perMinute` served by a real bridge worker on the dev server. */
async function withLimiter(perMinute: number, body: (limiterId: string) => Promise<void>): Promise<void> {
  const h = harness();
  const ids = uniqueAppliance('limiter');
  const config = bridgeConfig(h, ids);
  const limiterId = limiterIdFor(ids.taskQueue, `routing-key-${ids.applianceId}`);
  const connection = await NativeConnection.connect({ address: testServer().address });
  const bridge = await createBridgeWorker({ config, connection, client: h.client, workflowBundlePath: testServer().bundlePath });
  try {
    await bridge.worker.runUntil(async () => {
      const handle = await h.client.workflow.start('pagerDutyLimiterWorkflow', { workflowId: limiterId, taskQueue: ids.taskQueue, args: [{ perMinute }] });
      await body(limiterId);
      await handle.terminate('test done');
    });
  } finally {
    await bridge.closeDependencies();
    await connection.close();
  }
}

/** Workflow IDs the limiter signalled `slotGranted` to, in order, read from its history. */
async function grantSignals(limiterId: string): Promise<string[]> {
  const history = await harness().client.workflow.getHandle(limiterId).fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const a = e.signalExternalWorkflowExecutionInitiatedEventAttributes;
    return a?.signalName === 'slotGranted' ? [a.workflowExecution?.workflowId ?? ''] : [];
  });
}

test('a free slot is granted at once, a held slot again without taking another, and a full window queues', async () => {
  // 3 per minute leaves room for 2 sends in any window (one is kept spare).
  await withLimiter(3, async (limiterId) => {
    const slots = new LimiterSlots(harness().client);
    const ask = (workflowId: string) => slots.take({ limiterId, priority: 1 }, workflowId);
    expect(await ask('delivery-a')).toBe('granted');
    // A retried send asks again: it keeps its slot, so the window still has room for b.
    expect(await ask('delivery-a')).toBe('granted');
    expect(await ask('delivery-b')).toBe('granted');
    expect(await ask('delivery-c')).toBe('queued');
    // A reported send still fills the window for 65 s: reporting moves a slot, it frees none.
    slots.reportUsed(limiterId, 'delivery-a', Date.now());
    await waitFor('the report', () => harness().client.workflow.getHandle(limiterId).fetchHistory(), (h) =>
      (h.events ?? []).some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'slotUsed'),
    );
    expect(await ask('delivery-d')).toBe('queued');
    // Update answers need no grant signal; only queued sends are told later.
    expect(await grantSignals(limiterId)).toEqual([]);
  });
});

test('a send that queues by signal for a slot it already holds is signalled the grant again, without a new slot', async () => {
  await withLimiter(3, async (limiterId) => {
    const slots = new LimiterSlots(harness().client);
    // No updates allowed: every ask goes by signal, as it does when the server refuses more in-flight updates.
    const bySignal = new LimiterSlots(harness().client, { maxUpdatesInFlight: 0 });
    expect(await slots.take({ limiterId, priority: 1 }, 'delivery-a')).toBe('granted');
    expect(await bySignal.take({ limiterId, priority: 1 }, 'delivery-a')).toBe('queued');
    await waitFor('the grant signalled again', () => grantSignals(limiterId), (ids) => ids.length > 0);
    expect(await grantSignals(limiterId)).toEqual(['delivery-a']);
    // Still one slot taken of two: b is granted at once, c then queues.
    expect(await slots.take({ limiterId, priority: 1 }, 'delivery-b')).toBe('granted');
    expect(await slots.take({ limiterId, priority: 1 }, 'delivery-c')).toBe('queued');
  });
});

test('with no limiter running a send goes out unthrottled rather than waiting forever', async () => {
  const slots = new LimiterSlots(harness().client);
  expect(await slots.take({ limiterId: 'pagerduty-limiter/nobody/0000000000000000', priority: 0 }, 'delivery-x')).toBe('unlimited');
  expect(await new LimiterSlots(harness().client, { maxUpdatesInFlight: 0 }).take({ limiterId: 'pagerduty-limiter/nobody/0000000000000000', priority: 0 }, 'delivery-x')).toBe('unlimited');
});
