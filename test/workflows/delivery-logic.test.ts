import { randomBytes } from 'node:crypto';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../../src/client/data-converter';
import { sendTaskQueueOf } from '../../src/shared/send-queue';
import type { AlertDeliveryInput, DeliveryState, SendPagerDutyEventInput } from '../../src/shared/types';
import { alertWorkflowId } from '../../src/shared/workflow-ids';
import type { alertDeliveryWorkflow } from '../../src/workflows/alert-delivery';
import { alertClearedSignal, stateQuery } from '../../src/workflows/messages';
import { waitFor } from '../support/wait-for';
import { alert } from './support/fake-activities';

/**
 * The delivery's decisions with a fake send activity on its send queue, on the suite's dev server: trigger before
 * resolve whatever the timing, a refusal final and visible, signals checked, each send with its routing key's fairness
 * key and its priority.
 */
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address) throw new Error('global setup did not run: TEMPORAL_TEST_ADDRESS is unset');
  env = await TestWorkflowEnvironment.createFromExistingServer({ address });
});

afterAll(async () => {
  await env?.teardown();
});

/** A scripted PagerDuty: fails the first `failures` sends of each action with a retryable error, or refuses them all. */
function fakeSender(script: { failures?: number; refuse?: boolean } = {}) {
  const sent: { action: string; attempt: number }[] = [];
  const attempts = new Map<string, number>();
  return {
    sent,
    async sendPagerDutyEvent(input: SendPagerDutyEventInput) {
      const attempt = (attempts.get(input.action) ?? 0) + 1;
      attempts.set(input.action, attempt);
      if (script.refuse)
        throw ApplicationFailure.create({ message: 'rejected (400)', type: 'PagerDutyRejected', nonRetryable: true });
      if (attempt <= (script.failures ?? 0))
        throw ApplicationFailure.create({ message: 'failed (503)', type: 'PagerDutyServerError' });
      sent.push({ action: input.action, attempt });
      return { dedupKey: `oneview/${input.applianceId}/alert/${input.alert?.id}` };
    },
  };
}

/** Runs one delivery on a workflow worker and a send-queue worker with `sender`, then hands its handle to `body`. */
async function withDelivery(
  input: Omit<AlertDeliveryInput, 'applianceId' | 'applianceHost'>,
  sender: ReturnType<typeof fakeSender>,
  body: (delivery: WorkflowHandle<typeof alertDeliveryWorkflow>) => Promise<void>,
): Promise<void> {
  const suffix = randomBytes(4).toString('hex');
  const taskQueue = `delivery-logic-${suffix}`;
  const applianceId = `logic-${suffix}`;
  const dataConverter = { failureConverterPath: FAILURE_CONVERTER_PATH };
  const client = new Client({ connection: env.connection, namespace: env.namespace, dataConverter });
  const common = { connection: env.nativeConnection, namespace: env.namespace, dataConverter };
  const worker = await Worker.create({
    ...common,
    taskQueue,
    workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH! },
  });
  const sendWorker = await Worker.create({
    ...common,
    taskQueue: sendTaskQueueOf(taskQueue),
    activities: { sendPagerDutyEvent: sender.sendPagerDutyEvent },
  });
  await sendWorker.runUntil(() =>
    worker.runUntil(async () => {
      const delivery = await client.workflow.start<typeof alertDeliveryWorkflow>('alertDeliveryWorkflow', {
        workflowId: alertWorkflowId(applianceId, input.alert.id),
        taskQueue,
        args: [{ applianceId, applianceHost: 'ov.example.test', retry: { baseMs: 10, maxMs: 50 }, ...input }],
      });
      try {
        await body(delivery);
      } finally {
        await delivery.terminate('test done').catch(() => undefined);
      }
    }),
  );
}

const phaseOf = (d: WorkflowHandle<typeof alertDeliveryWorkflow>) =>
  d.query(stateQuery).then((s: DeliveryState) => s.phase);

test('trigger, then on the clear the resolve; the result says resolved', () =>
  withDelivery({ alert: alert('1') }, fakeSender(), async (d) => {
    await waitFor(
      'triggered',
      () => phaseOf(d),
      (p) => p === 'triggered',
    );
    await d.signal(alertClearedSignal, { reason: 'cleared' });
    expect(await d.result()).toMatchObject({ phase: 'resolved', clearedSeen: true });
  }));

test('a clear that arrives while the trigger is still being retried resolves only after the trigger went out', async () => {
  const sender = fakeSender({ failures: 3 });
  await withDelivery({ alert: alert('2') }, sender, async (d) => {
    await d.signal(alertClearedSignal, { reason: 'cleared' });
    await d.result();
  });
  expect(sender.sent).toEqual([
    { action: 'trigger', attempt: 4 },
    { action: 'resolve', attempt: 4 },
  ]);
});

test('a refused trigger fails the delivery at once, visibly, and nothing is resolved', async () => {
  const sender = fakeSender({ refuse: true });
  await withDelivery({ alert: alert('3') }, sender, async (d) => {
    await expect(d.result()).rejects.toThrow();
    const failed = (await d.fetchHistory()).events!.filter((e) => e.activityTaskFailedEventAttributes);
    expect(failed).toHaveLength(1);
  });
  expect(sender.sent).toEqual([]);
});

test('an alertCleared signal without a valid reason is ignored; a valid one resolves', () =>
  withDelivery({ alert: alert('4') }, fakeSender(), async (d) => {
    await waitFor(
      'triggered',
      () => phaseOf(d),
      (p) => p === 'triggered',
    );
    await d.signal(alertClearedSignal.name, { reason: 'because I say so' });
    await d.signal(alertClearedSignal.name, 'cleared');
    expect(await d.query(stateQuery)).toMatchObject({ phase: 'triggered', clearedSeen: false });
    await d.signal(alertClearedSignal, { reason: 'resolved-by-hand', note: 'fixed' });
    expect(await d.result()).toMatchObject({ phase: 'resolved' });
  }));

test('an alert that would not pass the validator fails the delivery before anything is sent', async () => {
  const sender = fakeSender();
  await withDelivery({ alert: { ...alert('5'), created: 'yesterday' } }, sender, async (d) => {
    await expect(d.result()).rejects.toThrow();
    const failed = (await d.fetchHistory()).events!.find((e) => e.workflowExecutionFailedEventAttributes);
    expect(failed?.workflowExecutionFailedEventAttributes?.failure?.applicationFailureInfo?.type).toBe('InvalidAlert');
  });
  expect(sender.sent).toEqual([]);
});

test.each([
  ['Critical', 2],
  ['Warning', 3],
])(
  'a %s trigger goes to the send queue with priority %i and the routing key id as fairness key; its resolve with priority 1',
  (severity, priority) =>
    withDelivery({ alert: alert('6', { severity }), routingKeyId: '0123456789abcdef' }, fakeSender(), async (d) => {
      await waitFor(
        'triggered',
        () => phaseOf(d),
        (p) => p === 'triggered',
      );
      await d.signal(alertClearedSignal, { reason: 'cleared' });
      await d.result();
      const scheduled = (await d.fetchHistory()).events!.flatMap((e) =>
        e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : [],
      );
      expect(
        scheduled.map((a) => [
          a.taskQueue?.name?.endsWith('-pagerduty-sends'),
          a.priority?.priorityKey,
          a.priority?.fairnessKey,
        ]),
      ).toEqual([
        [true, priority, '0123456789abcdef'],
        [true, 1, '0123456789abcdef'],
      ]);
    }),
);
