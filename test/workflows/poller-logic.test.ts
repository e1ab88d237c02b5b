import { randomBytes } from 'node:crypto';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, Worker } from '@temporalio/worker';
import { findTemporalExecutable } from '../../scripts/temporal-binaries';
import { FAILURE_CONVERTER_PATH } from '../../src/client/data-converter';
import { createJsonLogger } from '../../src/logging/json-logger';
import { sendTaskQueueOf } from '../../src/shared/send-queue';
import { FailureType } from '../../src/shared/failure-types';
import type { PollerSettings, PollerStatus } from '../../src/shared/types';
import { alertWorkflowId, blindWorkflowId, pollerWorkflowId } from '../../src/shared/workflow-ids';
import type { alertDeliveryWorkflow, appliancePollerWorkflow } from '../../src/workflows';
import {
  alertsPushedSignal,
  closeWindowSignal,
  forcePollSignal,
  openWindowSignal,
  stateQuery,
  statusQuery,
  testConnectionUpdate,
} from '../../src/workflows/messages';
import { logFileWriter } from '../support/log-capture';
import { waitFor } from '../support/wait-for';
import { FakeAppliance, alert, at } from './support/fake-activities';

// The poller's decisions with OneView and PagerDuty replaced by scripted fakes (the SDK samples' style): the real
// workflow bundle on a real worker and server, deliveries running for real against a fake sender. Scenarios whose
// point is a wait run on the time-skipping test server, so an hour of backoff passes in milliseconds; the others on the
// suite's dev server, the real server's child starts (the time-skipping server hangs on a start whose ID is already
// running, sdk-java #1429, which a regression here would produce). Polls are forced by signal: the interval is an hour.

let devServer: TestWorkflowEnvironment;
let timeSkipping: TestWorkflowEnvironment;

beforeAll(async () => {
  // Scripted failures log warnings: every line (the core's too) goes to the run's log directory for the suite-wide
  // checks, only errors to the console.
  const toFile = logFileWriter('poller-logic');
  Runtime.install({
    logger: createJsonLogger('INFO', (line) => {
      toFile(line);
      if (line.includes('"level":"error"')) process.stdout.write(`${line}\n`);
    }),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
  });
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address) throw new Error('global setup did not run: TEMPORAL_TEST_ADDRESS is unset');
  [devServer, timeSkipping] = await Promise.all([
    TestWorkflowEnvironment.createFromExistingServer({ address }),
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: findTemporalExecutable('temporal-test-server') },
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([devServer?.teardown(), timeSkipping?.teardown()]);
});

const MINUTE = 60_000;

/** A child start the poller commanded, as its history records it. */
interface ChildStart {
  alertId: string;
  /** The workflow ID reuse policy without its prefix: REJECT_DUPLICATE for a first start, ALLOW_DUPLICATE again. */
  reusePolicy: string;
}

/** One poller under test, its fakes and the ways a scenario looks at it. */
interface Poller {
  fake: FakeAppliance;
  handle: WorkflowHandle<typeof appliancePollerWorkflow>;
  /** Starts the poller and waits for its first poll (which runs at once). */
  start(): Promise<PollerStatus>;
  status(): Promise<PollerStatus>;
  /** Sends `forcePoll` and waits for that poll to finish. */
  pollOnce(): Promise<PollerStatus>;
  /** Signals `alertsPushed` as the webhook would (any payload: the poller must check it). */
  push(payload: unknown): Promise<void>;
  /** The child starts the poller's current run commanded, in order. */
  childStarts(): Promise<ChildStart[]>;
  /** Workflow tasks of the current run that failed (a poller whose task fails stops deciding). */
  workflowTaskFailures(): Promise<number>;
  delivery(alertId: string): WorkflowHandle<typeof alertDeliveryWorkflow>;
  /** Waits until the fake sender got exactly these events for an alert. */
  sent(alertId: string, actions: string[]): Promise<void>;
}

/**
 * Runs `body` against a fresh poller on `env`: a worker with the real workflow bundle and the fake activities on a
 * task queue of its own, a new appliance id, settings with an hourly interval and no reconciliation unless overridden.
 * Terminates the poller and its deliveries afterwards.
 */
async function withPoller(
  env: TestWorkflowEnvironment,
  options: { settings?: Partial<PollerSettings>; maxPollsPerRun?: number },
  body: (p: Poller) => Promise<void>,
): Promise<void> {
  const suffix = randomBytes(4).toString('hex');
  const applianceId = `logic-${suffix}`;
  const taskQueue = `poller-logic-${suffix}`;
  const bundlePath = process.env.WORKFLOW_BUNDLE_PATH;
  if (!bundlePath) throw new Error('global setup did not run: WORKFLOW_BUNDLE_PATH is unset');
  const fake = new FakeAppliance();
  // The bundle carries the failure converter of production; payloads use the default converter (no codec needed).
  const dataConverter = { failureConverterPath: FAILURE_CONVERTER_PATH };
  const client = new Client({ connection: env.connection, namespace: env.namespace, dataConverter });
  const { sendPagerDutyEvent, ...pollerActivities } = fake.activities();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace,
    taskQueue,
    workflowBundle: { codePath: bundlePath },
    dataConverter,
    activities: pollerActivities,
  });
  // Deliveries send on the send queue, as in production (a worker of its own there).
  const sendWorker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace,
    taskQueue: sendTaskQueueOf(taskQueue),
    dataConverter,
    activities: { sendPagerDutyEvent },
  });
  const settings: PollerSettings = {
    applianceId,
    applianceHost: `${applianceId}.example.test`,
    severities: ['Critical'],
    pollIntervalMs: 60 * MINUTE,
    sessionLifetimeMs: 22 * 60 * MINUTE,
    sessionRenewBeforeMs: 60 * MINUTE,
    reconcileIntervalMs: 0,
    ...options.settings,
  };
  const workflowId = pollerWorkflowId(applianceId);
  const handle = client.workflow.getHandle<typeof appliancePollerWorkflow>(workflowId);
  const status = () => handle.query(statusQuery);
  const history = async () => (await handle.fetchHistory()).events ?? [];
  const deliveryPrefix = alertWorkflowId(applianceId, '');
  const p: Poller = {
    fake,
    handle,
    status,
    async start() {
      await client.workflow.start<typeof appliancePollerWorkflow>('appliancePollerWorkflow', {
        workflowId,
        taskQueue,
        args: [{ settings, maxPollsPerRun: options.maxPollsPerRun }],
      });
      return waitFor('the first poll', status, (s) => s.counters.polls >= 1);
    },
    async pollOnce() {
      const before = (await status()).counters.polls;
      await handle.signal(forcePollSignal);
      return waitFor(`poll ${before + 1}`, status, (s) => s.counters.polls >= before + 1);
    },
    async push(payload) {
      await handle.signal(alertsPushedSignal.name, payload);
    },
    async childStarts() {
      return (await history()).flatMap((e) => {
        const a = e.startChildWorkflowExecutionInitiatedEventAttributes;
        if (!a) return [];
        const policy = temporal.api.enums.v1.WorkflowIdReusePolicy[a.workflowIdReusePolicy ?? 0] ?? '';
        return [
          {
            alertId: (a.workflowId ?? '').slice(deliveryPrefix.length),
            reusePolicy: policy.replace('WORKFLOW_ID_REUSE_POLICY_', ''),
          },
        ];
      });
    },
    async workflowTaskFailures() {
      return (await history()).filter((e) => e.workflowTaskFailedEventAttributes).length;
    },
    delivery: (alertId) => client.workflow.getHandle(alertWorkflowId(applianceId, alertId)),
    async sent(alertId, actions) {
      await waitFor(
        `${actions.join(', ')} of alert ${alertId}`,
        async () => fake.sentFor(alertId),
        (s) => s.length >= actions.length,
      );
      expect(fake.sentFor(alertId)).toEqual(actions);
    },
  };
  await sendWorker.runUntil(() =>
    worker.runUntil(async () => {
      try {
        await body(p);
      } finally {
        const alertIds = new Set([...fake.current.keys(), ...fake.calls.sendPagerDutyEvent.map((e) => e.alertId)]);
        await Promise.all(
          [handle, ...[...alertIds].map((id) => p.delivery(id))].map((h) =>
            h.terminate('test done').catch(() => undefined),
          ),
        );
      }
    }),
  );
}

/** The wait the poller chose after its last poll. */
const waitAfterPoll = (s: PollerStatus) => Date.parse(s.nextPollAt!) - Date.parse(s.lastPollAt!);

/**
 * Lets time-skipping time run a second past the poller's `nextPollAt` and waits for the poll that timer starts; checks
 * that exactly one poll ran, not before `nextPollAt` and no later than a few seconds after it.
 */
async function scheduledPoll(p: Poller): Promise<PollerStatus> {
  const before = await p.status();
  const due = Date.parse(before.nextPollAt!);
  await timeSkipping.sleep(due - (await timeSkipping.currentTimeMs()) + 1000);
  const after = await waitFor('the scheduled poll', p.status, (s) => s.counters.polls > before.counters.polls);
  expect(after.counters.polls).toBe(before.counters.polls + 1);
  expect(Date.parse(after.lastPollAt!) - due).toBeGreaterThanOrEqual(0);
  expect(Date.parse(after.lastPollAt!) - due).toBeLessThan(5000);
  return after;
}

test('the first poll logs in once and starts one delivery per matching Active or Locked alert, nothing for other severities', () =>
  withPoller(devServer, {}, async (p) => {
    p.fake.changesNextPoll(
      alert('active', { severity: 'Critical', state: 'Active' }),
      alert('locked', { severity: 'Critical', state: 'Locked' }),
      alert('warning', { severity: 'Warning', state: 'Active' }),
      alert('ok', { severity: 'OK', state: 'Locked' }),
      alert('cleared', { severity: 'Critical', state: 'Cleared' }),
    );
    const status = await p.start();

    expect(p.fake.calls.renewSession).toEqual([{ applianceId: status.applianceId }]);
    expect(p.fake.polls.map((c) => c.session.token)).toEqual(['fake-session-1']);
    expect(status.counters).toMatchObject({ logins: 1, polls: 1, failedPolls: 0, deliveriesStarted: 2, alertsSeen: 3 });
    expect(await p.childStarts()).toEqual([
      { alertId: 'active', reusePolicy: 'REJECT_DUPLICATE' },
      { alertId: 'locked', reusePolicy: 'REJECT_DUPLICATE' },
    ]);
    // The deliveries run for real: each pages once through the fake sender, and nothing else is sent.
    await p.sent('active', ['trigger']);
    await p.sent('locked', ['trigger']);
    expect(p.fake.calls.sendPagerDutyEvent).toHaveLength(2);
  }));

test('a duplicate of an alert (same id, same modified) by poll or by push starts nothing new', () =>
  withPoller(devServer, {}, async (p) => {
    p.fake.changesNextPoll(alert('7', { minute: 1 }));
    await p.start();
    await p.sent('7', ['trigger']);

    p.fake.changesNextPoll(alert('7', { minute: 1 }));
    await p.pollOnce();
    await p.push([alert('7', { minute: 1 })]);
    // A new alert pushed after the duplicate: once it pages, the duplicate before it was handled too.
    await p.push([alert('8', { minute: 1 })]);
    await p.sent('8', ['trigger']);

    const status = await p.status();
    expect(status.counters).toMatchObject({ alertsSeen: 4, deliveriesStarted: 2 });
    // Not even a start that the server would reject: the poller's memory decides before the server's ID does.
    expect(await p.childStarts()).toEqual([
      { alertId: '7', reusePolicy: 'REJECT_DUPLICATE' },
      { alertId: '8', reusePolicy: 'REJECT_DUPLICATE' },
    ]);
    expect(p.fake.sentFor('7')).toEqual(['trigger']);
  }));

test('a newer version of an alert whose delivery completed starts a second run of that delivery (re-activation)', () =>
  withPoller(devServer, {}, async (p) => {
    p.fake.changesNextPoll(alert('9', { minute: 1 }));
    await p.start();
    const firstRun = await p.delivery('9').describe();

    p.fake.changesNextPoll(alert('9', { minute: 2, state: 'Cleared' }));
    await p.pollOnce();
    await p.sent('9', ['trigger', 'resolve']);
    await waitFor(
      'the first delivery to complete',
      () => p.delivery('9').describe(),
      (d) => d.status.name === 'COMPLETED',
    );

    p.fake.changesNextPoll(alert('9', { minute: 3, state: 'Active' }));
    const status = await p.pollOnce();

    expect(status.counters).toMatchObject({ deliveriesStarted: 2, deliveriesRestarted: 1, clearsSignalled: 1 });
    expect(await p.childStarts()).toEqual([
      { alertId: '9', reusePolicy: 'REJECT_DUPLICATE' },
      { alertId: '9', reusePolicy: 'ALLOW_DUPLICATE' },
    ]);
    const secondRun = await p.delivery('9').describe();
    expect(secondRun.runId).not.toBe(firstRun.runId);
    expect(secondRun.status.name).toBe('RUNNING');
    await p.sent('9', ['trigger', 'resolve', 'trigger']);
  }));

test('a pushed Cleared resolves only once a read of the alert says Cleared or gone; one still Active stays open and is counted', () =>
  withPoller(devServer, {}, async (p) => {
    p.fake.changesNextPoll(
      alert('still-active', { minute: 1 }),
      alert('cleared', { minute: 1 }),
      alert('deleted', { minute: 1 }),
    );
    await p.start();
    for (const id of ['still-active', 'cleared', 'deleted']) await p.sent(id, ['trigger']);

    // What the appliance says when asked: one alert is still active, one cleared, one no longer there (404).
    p.fake.current.set('cleared', alert('cleared', { minute: 2, state: 'Cleared' }));
    p.fake.current.delete('deleted');
    const before = (await p.status()).counters.polls;
    await p.push(['still-active', 'cleared', 'deleted'].map((id) => alert(id, { minute: 2, state: 'Cleared' })));
    // A pushed clear asks for a poll at once; the read of the pushed ids is part of it.
    const status = await waitFor('the poll the push asked for', p.status, (s) => s.counters.polls === before + 1);

    expect(p.fake.readsById.map((ids) => [...ids].sort())).toEqual([['cleared', 'deleted', 'still-active']]);
    expect(status.counters).toMatchObject({ clearsUnconfirmed: 1, clearsSignalled: 2 });
    await p.sent('cleared', ['trigger', 'resolve']);
    await p.sent('deleted', ['trigger', 'resolve']);
    const stillActive = await p.delivery('still-active').query(stateQuery);
    expect(stillActive).toMatchObject({ phase: 'triggered', clearedSeen: false });
    expect(p.fake.sentFor('still-active')).toEqual(['trigger']);
  }));

test("an alert on a server in OneView's maintenance mode is held, not paged; it pages at the first poll after the server leaves; one cleared while held never pages", () =>
  withPoller(devServer, {}, async (p) => {
    const onServer = (id: string, server: string, over: Parameters<typeof alert>[1] = {}) => ({
      ...alert(id, over),
      resourceUri: `/rest/server-hardware/${server}`,
      resourceCategory: 'server-hardware',
    });
    p.fake.maintenance.add('/rest/server-hardware/S1');
    p.fake.changesNextPoll(onServer('held', 'S1'), onServer('cleared-while-held', 'S1'), onServer('paged', 'S2'));
    const first = await p.start();
    await p.sent('paged', ['trigger']);
    expect([...first.heldForMaintenance].sort()).toEqual(['cleared-while-held', 'held']);
    expect(first.counters.heldForMaintenance).toBe(2);

    // Still in maintenance: one of them clears, and is forgotten.
    p.fake.changesNextPoll(onServer('cleared-while-held', 'S1', { minute: 1, state: 'Cleared' }));
    expect((await p.pollOnce()).heldForMaintenance).toEqual(['held']);

    // Out of maintenance, the alert still active: it pages at the next poll.
    p.fake.maintenance.delete('/rest/server-hardware/S1');
    expect((await p.pollOnce()).heldForMaintenance).toEqual([]);
    await p.sent('held', ['trigger']);
    expect(p.fake.sentFor('cleared-while-held')).toEqual([]);
    expect((await p.childStarts()).map((c) => c.alertId).sort()).toEqual(['held', 'paged']);
  }));

test('storm groups live in the poller state: blades and an interconnect join their enclosure incident across continue-as-new, and page on their own when it clears; one raised outside the window pages at once', () =>
  withPoller(
    devServer,
    { settings: { storm: { windowMs: 5 * MINUTE, groupWaitMs: 0 } }, maxPollsPerRun: 1 },
    async (p) => {
      const enclosure = '/rest/enclosures/E1';
      const encl = (id: string, over: Parameters<typeof alert>[1] = {}) => ({
        ...alert(id, over),
        resourceUri: enclosure,
        resourceCategory: 'enclosures',
        resourceName: 'E1',
      });
      const below = (id: string, uri: string, over: Parameters<typeof alert>[1] = {}) => ({
        ...alert(id, over),
        resourceUri: uri,
        resourceCategory: uri.startsWith('/rest/interconnects/') ? 'interconnects' : 'server-hardware',
      });
      for (const uri of [
        '/rest/server-hardware/B1',
        '/rest/server-hardware/B2',
        '/rest/server-hardware/B3',
        '/rest/interconnects/I1',
      ])
        p.fake.topology.set(uri, [enclosure]);
      p.fake.changesNextPoll(
        below('b1', '/rest/server-hardware/B1'),
        encl('parent'),
        below('b2', '/rest/server-hardware/B2'),
        below('i1', '/rest/interconnects/I1'),
        below('rack', '/rest/server-hardware/RACK'),
      );
      const first = await p.start();
      await waitFor(
        'the parent listing 3',
        async () => p.fake.calls.sendPagerDutyEvent,
        (s) => s.some((e) => e.related === 3),
      );
      expect(first.storm.groups.map((g) => [g.resource, g.parentAlertId, [...g.children].sort()])).toEqual([
        [enclosure, 'parent', ['b1', 'b2', 'i1']],
      ]);
      expect(first.counters.alertsGrouped).toBe(3);
      // A rack server has no enclosure: it pages at once.
      await p.sent('rack', ['trigger']);
      // One read of the topology for the whole batch.
      expect(p.fake.calls.readEnclosures).toHaveLength(1);

      // Raised 10 minutes after the enclosure's alert: outside the 5-minute window, so not part of that storm.
      p.fake.changesNextPoll({ ...below('b3', '/rest/server-hardware/B3', { minute: 10 }), created: at(10) });
      await p.pollOnce();
      await p.sent('b3', ['trigger']);

      // One blade recovers, then the enclosure: the two still active page on their own, the recovered one never.
      p.fake.changesNextPoll(below('b2', '/rest/server-hardware/B2', { minute: 11, state: 'Cleared' }));
      await p.pollOnce();
      p.fake.changesNextPoll(encl('parent', { minute: 12, state: 'Cleared' }));
      const last = await p.pollOnce();
      await p.sent('b1', ['trigger']);
      await p.sent('i1', ['trigger']);
      expect(p.fake.sentFor('b2')).toEqual([]);
      await waitFor(
        'the parent resolved',
        async () => p.fake.sentFor('parent'),
        (s) => s.includes('resolve'),
      );
      expect(last.storm.groups).toEqual([]);
      // Every poll ran in a run of its own: the groups crossed three continue-as-new.
      expect(last.counters.continuedAsNew).toBeGreaterThanOrEqual(3);
    },
  ));

test('a maintenance window: alerts raised in it do not page, the one still active pages at its end, one cleared inside never pages, an incident opened before it still resolves during it, and closing a window early pages what it held', () =>
  withPoller(timeSkipping, { settings: { pollIntervalMs: 5 * MINUTE } }, async (p) => {
    const at = (id: string, name: string, over: Parameters<typeof alert>[1] = {}) => ({
      ...alert(id, over),
      resourceName: name,
      resourceCategory: 'server-hardware',
      resourceUri: `/rest/server-hardware/${id}`,
    });
    p.fake.changesNextPoll(at('before', 'E1, bay 1'));
    await p.start();
    await p.sent('before', ['trigger']);
    const opened = await timeSkipping.currentTimeMs();
    const end = opened + 30 * MINUTE;
    await p.handle.signal(openWindowSignal, {
      id: 'encl-e1',
      scope: { enclosure: ['E1'] },
      end: new Date(end).toISOString(),
      reason: 'moving E1',
    });
    // A forged window is refused, not obeyed.
    await p.handle.signal(openWindowSignal.name, { id: 'Bad Id', scope: { colour: 'red' }, end: 'soon' });
    p.fake.changesNextPoll(
      at('held', 'E1, bay 2', { minute: 1 }),
      at('cleared-inside', 'E1, bay 3', { minute: 1 }),
      at('elsewhere', 'E2, bay 1', { minute: 1 }),
    );
    const during = await p.pollOnce();
    await p.sent('elsewhere', ['trigger']);
    expect(during.windows.map((w) => [w.id, w.end, w.scheduled, w.reason])).toEqual([
      ['encl-e1', new Date(end).toISOString(), false, 'moving E1'],
    ]);
    expect([...(during.suppressed['encl-e1'] ?? [])].sort()).toEqual(['cleared-inside', 'held']);
    expect(during.counters.alertsSuppressed).toBe(2);
    expect((await p.delivery('held').query(stateQuery)).phase).toBe('suppressed');

    // Inside the window: one held alert clears (never pages), and the incident opened before it resolves.
    p.fake.changesNextPoll(
      at('before', 'E1, bay 1', { minute: 2, state: 'Cleared' }),
      at('cleared-inside', 'E1, bay 3', { minute: 2, state: 'Cleared' }),
    );
    await p.pollOnce();
    await p.sent('before', ['trigger', 'resolve']);
    expect((await p.delivery('cleared-inside').result()).phase).toBe('skipped');
    expect(p.fake.sentFor('held')).toEqual([]);

    // The window ends with the other alert still active: it pages then, on the delivery's own timer.
    await timeSkipping.sleep(end + 1000 - (await timeSkipping.currentTimeMs()));
    await p.sent('held', ['trigger']);
    expect(p.fake.sentFor('cleared-inside')).toEqual([]);

    // Closed early: what a window held pages at once, not at its planned end.
    const second = await timeSkipping.currentTimeMs();
    await p.handle.signal(openWindowSignal, {
      id: 'e3-work',
      scope: { resourceName: ['E3*'] },
      end: new Date(second + 60 * MINUTE).toISOString(),
    });
    p.fake.changesNextPoll(at('e3', 'E3, bay 2', { minute: 40 }));
    expect((await p.pollOnce()).suppressed).toEqual({ 'e3-work': ['e3'] });
    await p.handle.signal(closeWindowSignal, { id: 'e3-work' });
    await p.sent('e3', ['trigger']);
    expect((await timeSkipping.currentTimeMs()) - second).toBeLessThan(60 * MINUTE);
    expect((await p.pollOnce()).windows).toEqual([]);
  }));

test('a storm child that had paged before pages again when its group ends; when the parent delivery has ended, the next join releases the group', () =>
  withPoller(devServer, { settings: { storm: { windowMs: 5 * MINUTE, groupWaitMs: 0 } } }, async (p) => {
    const enclosure = '/rest/enclosures/E1';
    const encl = (id: string, over: Parameters<typeof alert>[1] = {}) => ({
      ...alert(id, over),
      resourceUri: enclosure,
      resourceCategory: 'enclosures',
    });
    const blade = (id: string, over: Parameters<typeof alert>[1] = {}) => ({
      ...alert(id, over),
      resourceUri: `/rest/server-hardware/${id}`,
      resourceCategory: 'server-hardware',
    });
    for (const id of ['b1', 'b2', 'b3']) p.fake.topology.set(`/rest/server-hardware/${id}`, [enclosure]);
    // b1 pages alone and clears: its delivery completes.
    p.fake.changesNextPoll(blade('b1'));
    await p.start();
    await p.sent('b1', ['trigger']);
    p.fake.changesNextPoll(blade('b1', { minute: 1, state: 'Cleared' }));
    await p.pollOnce();
    await p.sent('b1', ['trigger', 'resolve']);
    await p.delivery('b1').result();
    // The enclosure fails and b1 with it (re-activated): b1 joins the group instead of paging.
    p.fake.changesNextPoll(encl('parent', { minute: 2 }), blade('b1', { minute: 2 }));
    expect((await p.pollOnce()).storm.groups[0]?.children).toEqual(['b1']);
    // The enclosure recovers first: b1, still active, pages again under its own ID.
    p.fake.changesNextPoll(encl('parent', { minute: 3, state: 'Cleared' }));
    await p.pollOnce();
    await p.sent('b1', ['trigger', 'resolve', 'trigger']);
    expect((await p.childStarts()).filter((c) => c.alertId === 'b1').map((c) => c.reusePolicy)).toEqual([
      'REJECT_DUPLICATE',
      'ALLOW_DUPLICATE',
    ]);

    // A second storm whose parent delivery ends (terminated, as an operator might): the next blade that joins finds
    // nobody listening, so the group ends and both blades page.
    p.fake.changesNextPoll(encl('parent2', { minute: 4 }), blade('b2', { minute: 4 }));
    expect((await p.pollOnce()).storm.groups[0]?.children).toEqual(['b2']);
    await p.delivery('parent2').terminate('resolved by hand');
    p.fake.changesNextPoll(blade('b3', { minute: 5 }));
    const after = await p.pollOnce();
    await p.sent('b2', ['trigger']);
    await p.sent('b3', ['trigger']);
    expect(after.storm.groups).toEqual([]);
  }));

test('an alert in two maintenance windows waits for the one that ends last; closing that one hands it to the other, which pages it at its end', () =>
  withPoller(timeSkipping, { settings: { pollIntervalMs: 60 * MINUTE } }, async (p) => {
    await p.start();
    const now = await timeSkipping.currentTimeMs();
    const open = (id: string, minutes: number) =>
      p.handle.signal(openWindowSignal, { id, scope: {}, end: new Date(now + minutes * MINUTE).toISOString() });
    await open('short', 10);
    await open('long', 60);
    p.fake.changesNextPoll(alert('a', { minute: 1 }));
    expect((await p.pollOnce()).suppressed).toEqual({ long: ['a'] });
    await p.handle.signal(closeWindowSignal, { id: 'long' });
    await waitFor('the alert handed to the short window', p.status, (s) => s.suppressed.short?.[0] === 'a');
    expect(p.fake.sentFor('a')).toEqual([]);
    await timeSkipping.sleep(now + 10 * MINUTE + 1000 - (await timeSkipping.currentTimeMs()));
    await p.sent('a', ['trigger']);
  }));

test('a clear pushed while the poller reads earlier pushed clears is read at the next poll, not dropped with them', () =>
  withPoller(devServer, {}, async (p) => {
    p.fake.changesNextPoll(alert('first', { minute: 1 }), alert('second', { minute: 1 }));
    await p.start();
    await p.sent('first', ['trigger']);
    await p.sent('second', ['trigger']);

    for (const id of ['first', 'second']) p.fake.current.set(id, alert(id, { minute: 2, state: 'Cleared' }));
    let release = () => {};
    p.fake.holdReadsById = new Promise<void>((resolve) => (release = resolve));
    await p.push([alert('first', { minute: 2, state: 'Cleared' })]);
    await waitFor(
      'the read of the first clear',
      async () => p.fake.readsById,
      (r) => r.length === 1,
    );
    // The second clear arrives while the first one's read is in flight.
    await p.push([alert('second', { minute: 2, state: 'Cleared' })]);
    release();

    await p.sent('first', ['trigger', 'resolve']);
    await p.sent('second', ['trigger', 'resolve']);
    expect(p.fake.readsById).toEqual([['first'], ['second']]);
  }));

test('an unreachable appliance is polled after the interval doubled per failure up to 5 min, with its session kept; a success restores the interval', () =>
  withPoller(timeSkipping, { settings: { pollIntervalMs: MINUTE } }, async (p) => {
    await p.start();
    p.fake.failing.fetchAlertChanges = FailureType.oneViewNetwork;
    const pollsBefore = p.fake.polls.length;

    const failures = [await p.pollOnce(), await scheduledPoll(p), await scheduledPoll(p), await scheduledPoll(p)];
    expect(failures.map(waitAfterPoll)).toEqual([1, 2, 4, 5].map((m) => m * MINUTE));
    expect(failures.map((s) => [s.lastErrorType, s.consecutiveFailures])).toEqual(
      [1, 2, 3, 4].map((n) => [FailureType.oneViewNetwork, n]),
    );
    // Three quick attempts per poll, then the poll gives up until the next one.
    expect(p.fake.polls.length - pollsBefore).toBe(4 * 3);
    expect(p.fake.calls.renewSession).toHaveLength(1);
    expect(failures.at(-1)!.sessionValid).toBe(true);

    delete p.fake.failing.fetchAlertChanges;
    const recovered = await scheduledPoll(p);
    expect(recovered).toMatchObject({ lastPollResult: 'ok', consecutiveFailures: 0 });
    expect(waitAfterPoll(recovered)).toBe(MINUTE);
    expect(p.fake.calls.renewSession).toHaveLength(1);
  }));

test('an appliance unreadable for 10 minutes opens one incident of its own, on time; a flapping recovery does not page again; two good polls in a row resolve it', () =>
  withPoller(timeSkipping, { settings: { pollIntervalMs: MINUTE, blindAfterMs: 10 * MINUTE } }, async (p) => {
    await p.start();
    p.fake.failing.fetchAlertChanges = FailureType.oneViewNetwork;
    const first = await p.pollOnce();
    const failingSince = Date.parse(first.failingSince!);
    expect(first.blindIncidentOpen).toBe(false);

    // Backing off 1, 2, 4 min: at 10 min the incident opens on its own timer, between polls, without one more poll.
    const failing = [await scheduledPoll(p), await scheduledPoll(p), await scheduledPoll(p)];
    expect(failing.map((s) => Math.floor((Date.parse(s.lastPollAt!) - failingSince) / MINUTE))).toEqual([1, 3, 7]);
    expect(failing.at(-1)!.blindIncidentOpen).toBe(false);
    const fetchesBefore = p.fake.polls.length;
    const blind = p.handle.client.getHandle(blindWorkflowId(first.applianceId));
    await timeSkipping.sleep(failingSince + 10 * MINUTE + 1000 - (await timeSkipping.currentTimeMs()));
    const opened = await waitFor('the incident opened', p.status, (s) => s.blindIncidentOpen);
    expect(Date.parse((await blind.describe()).startTime.toISOString()) - failingSince).toBeGreaterThanOrEqual(
      10 * MINUTE,
    );
    expect(Date.parse((await blind.describe()).startTime.toISOString()) - failingSince).toBeLessThan(
      10 * MINUTE + 5000,
    );
    expect(opened.counters.polls).toBe(failing.at(-1)!.counters.polls);
    expect(p.fake.polls.length).toBe(fetchesBefore);
    expect(opened.counters.blindIncidents).toBe(1);
    await p.sent('bridge', ['trigger']);
    expect(p.fake.sentFor('bridge')).toEqual(['trigger']);

    // Flapping: one good poll, then failing again for longer than 10 minutes: still the one incident, never resolved.
    delete p.fake.failing.fetchAlertChanges;
    expect((await scheduledPoll(p)).blindIncidentOpen).toBe(true);
    p.fake.failing.fetchAlertChanges = FailureType.oneViewNetwork;
    let again = await scheduledPoll(p);
    while (Date.parse(again.lastPollAt!) - Date.parse(again.failingSince!) < 11 * MINUTE)
      again = await scheduledPoll(p);
    expect(again).toMatchObject({ blindIncidentOpen: true, counters: { blindIncidents: 1 } });

    // Read again: two good polls in a row resolve it, and the alerts' own deliveries were never touched.
    delete p.fake.failing.fetchAlertChanges;
    expect((await scheduledPoll(p)).blindIncidentOpen).toBe(true);
    const recovered = await scheduledPoll(p);
    expect(recovered).toMatchObject({ blindIncidentOpen: false, consecutiveFailures: 0 });
    expect(recovered.failingSince).toBeUndefined();
    await p.sent('bridge', ['trigger', 'resolve']);
    expect(recovered.counters.blindIncidents).toBe(1);
  }));

test('a rejected login backs off up to 30 min and drops the session, so the next poll logs in again; a success restores the interval', () =>
  withPoller(timeSkipping, { settings: { pollIntervalMs: 5 * MINUTE } }, async (p) => {
    await p.start();
    // The session is refused, then so is every login (a password changed on the appliance).
    p.fake.failing.fetchAlertChanges = FailureType.oneViewAuth;
    p.fake.failing.renewSession = FailureType.oneViewAuth;

    const refused = await p.pollOnce();
    expect(refused).toMatchObject({ lastErrorType: FailureType.oneViewAuth, sessionValid: false });
    expect(p.fake.calls.renewSession).toHaveLength(1);
    const failures = [refused, await scheduledPoll(p), await scheduledPoll(p), await scheduledPoll(p)];
    expect(failures.map(waitAfterPoll)).toEqual([5, 10, 20, 30].map((m) => m * MINUTE));
    expect(failures.at(-1)).toMatchObject({ lastErrorType: FailureType.oneViewAuth, consecutiveFailures: 4 });
    // Each poll after the refusal tried one login, once: never a login loop.
    expect(p.fake.calls.renewSession).toHaveLength(4);

    delete p.fake.failing.fetchAlertChanges;
    delete p.fake.failing.renewSession;
    const recovered = await scheduledPoll(p);
    expect(recovered).toMatchObject({ lastPollResult: 'ok', consecutiveFailures: 0, sessionValid: true });
    expect(recovered.counters.logins).toBe(2);
    expect(waitAfterPoll(recovered)).toBe(5 * MINUTE);
    expect(p.fake.polls.at(-1)!.session.token).toBe('fake-session-2');
  }));

test('a refused appliance certificate is final at once (one call per poll), backs off up to 5 min and keeps the session', () =>
  withPoller(timeSkipping, { settings: { pollIntervalMs: 200_000 } }, async (p) => {
    await p.start();
    p.fake.failing.fetchAlertChanges = FailureType.oneViewCertificate;
    const pollsBefore = p.fake.polls.length;

    const failures = [await p.pollOnce(), await scheduledPoll(p), await scheduledPoll(p)];
    expect(failures.map(waitAfterPoll)).toEqual([200_000, 300_000, 300_000]);
    expect(p.fake.polls.length - pollsBefore).toBe(3);
    expect(failures[2]).toMatchObject({
      lastErrorType: FailureType.oneViewCertificate,
      consecutiveFailures: 3,
      sessionValid: true,
    });
    expect(p.fake.calls.renewSession).toHaveLength(1);
  }));

test('testConnection logs in at most once a minute, answers a repeat with that test marked skipped, and never while a login is being rejected', () =>
  withPoller(timeSkipping, {}, async (p) => {
    await p.start();
    const test = () => p.handle.executeUpdate(testConnectionUpdate);

    const first = await test();
    expect(first).toMatchObject({
      ok: true,
      steps: expect.arrayContaining([expect.objectContaining({ step: 'login' })]),
    });
    expect(first.skipped).toBeUndefined();
    const repeat = await test();
    expect(repeat).toEqual({
      ...first,
      skipped: expect.stringContaining('less than a minute ago'),
      retryAfterSeconds: expect.any(Number),
    });
    expect(repeat.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(p.fake.calls.testConnection).toHaveLength(1);

    await timeSkipping.sleep(61_000);
    expect((await test()).skipped).toBeUndefined();
    expect(p.fake.calls.testConnection).toHaveLength(2);

    // A minute later again, but the last poll's login was rejected: no test may add a login towards a lockout.
    await timeSkipping.sleep(61_000);
    p.fake.failing.renewSession = FailureType.oneViewAuth;
    p.fake.failing.fetchAlertChanges = FailureType.oneViewAuth;
    const refused = await p.pollOnce();
    const whileRejected = await test();
    expect(whileRejected).toMatchObject({ ok: false, steps: [], skipped: expect.stringContaining('rejected login') });
    // It says when to ask again: at the next poll, an hour (the interval) after the refused one.
    expect(whileRejected.retryAfterSeconds).toBeLessThanOrEqual(waitAfterPoll(refused) / 1000);
    expect(whileRejected.retryAfterSeconds).toBeGreaterThan(waitAfterPoll(refused) / 1000 - 10);
    expect(p.fake.calls.testConnection).toHaveLength(2);

    // Once a poll succeeds again, so may a test.
    delete p.fake.failing.renewSession;
    delete p.fake.failing.fetchAlertChanges;
    await p.pollOnce();
    expect((await test()).skipped).toBeUndefined();
    expect(p.fake.calls.testConnection).toHaveLength(3);
  }));

test('continue-as-new after maxPollsPerRun keeps watermark, session, counters and the memory of handled alerts', () =>
  withPoller(devServer, { maxPollsPerRun: 3 }, async (p) => {
    p.fake.changesNextPoll(alert('5', { minute: 4 }));
    const first = await p.start();
    const firstRun = (await p.handle.describe()).runId;
    await p.sent('5', ['trigger']);
    await p.pollOnce();
    const lastOfRun = await p.pollOnce();
    const next = await waitFor('the next run', p.status, (s) => s.counters.continuedAsNew === 1);

    expect((await p.handle.describe()).runId).not.toBe(firstRun);
    expect(next.watermark).toEqual({ modified: alert('5', { minute: 4 }).modified, idsAtModified: ['5'] });
    expect(next.sessionExpiresAt).toBe(first.sessionExpiresAt);
    expect(next.counters).toEqual({ ...lastOfRun.counters, continuedAsNew: 1 });
    expect(next.counters).toMatchObject({ polls: 3, logins: 1, deliveriesStarted: 1 });

    // The new run polls with the carried watermark and session, and remembers alert 5 as handled.
    p.fake.changesNextPoll(alert('5', { minute: 4 }));
    const after = await p.pollOnce();
    await p.push([alert('5', { minute: 4 })]);
    // A new alert pushed after it shows that this run's starts are seen.
    await p.push([alert('6', { minute: 5 })]);
    await p.sent('6', ['trigger']);

    const poll = p.fake.polls.at(-1)!;
    expect(poll.watermark).toEqual(next.watermark);
    expect(poll.session.token).toBe('fake-session-1');
    expect(p.fake.calls.renewSession).toHaveLength(1);
    expect(after.counters.deliveriesStarted).toBe(1);
    expect(await p.childStarts()).toEqual([{ alertId: '6', reusePolicy: 'REJECT_DUPLICATE' }]);
    expect(p.fake.sentFor('5')).toEqual(['trigger']);
  }));

test('a forged alertsPushed payload is dropped and counted in alertsRejected, and the poller keeps polling', () =>
  withPoller(devServer, {}, async (p) => {
    await p.start();
    await p.push({ uri: '/rest/alerts/1', note: 'not a list' });
    await p.push([
      // A lone surrogate cannot travel as UTF-8: in a workflow ID it would make the core refuse the poller's task.
      { ...alert('\uD800'), id: '\uD800' },
      { ...alert('10'), id: '\uDC00' },
      { ...alert('late'), modified: 'yesterday' },
      alert('valid', { minute: 1 }),
    ]);
    // Signals are handled in order: once the valid alert pages, both pushes were checked.
    await p.sent('valid', ['trigger']);
    const status = await p.status();
    expect(status.counters.alertsRejected).toBe(4);
    expect(await p.childStarts()).toEqual([{ alertId: 'valid', reusePolicy: 'REJECT_DUPLICATE' }]);
    expect(status.counters.alertsSeen).toBe(1);
    const polled = await p.pollOnce();
    expect(polled).toMatchObject({ lastPollResult: 'ok', consecutiveFailures: 0 });
    expect(polled.counters.polls).toBe(2);
    expect(await p.workflowTaskFailures()).toBe(0);
  }));

test('a poller started by hand with settings no worker would send fails once, visibly, instead of failing every task', async () => {
  const suffix = randomBytes(4).toString('hex');
  const taskQueue = `poller-logic-${suffix}`;
  const client = new Client({
    connection: devServer.connection,
    namespace: devServer.namespace,
    dataConverter: { failureConverterPath: FAILURE_CONVERTER_PATH },
  });
  const worker = await Worker.create({
    connection: devServer.nativeConnection,
    namespace: devServer.namespace,
    taskQueue,
    workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH! },
    dataConverter: { failureConverterPath: FAILURE_CONVERTER_PATH },
    activities: new FakeAppliance().activities(),
  });
  // An appliance id of 985 characters: its deliveries' workflow IDs would be over the server's 1,000 bytes.
  const applianceId = `x${'a'.repeat(984)}`;
  const settings = {
    applianceId,
    applianceHost: 'h',
    severities: ['Critical'],
    pollIntervalMs: MINUTE,
    sessionLifetimeMs: MINUTE,
    sessionRenewBeforeMs: 1,
  };
  await worker.runUntil(async () => {
    const handle = await client.workflow.start('appliancePollerWorkflow', {
      workflowId: `poller-logic-bad-${suffix}`,
      taskQueue,
      args: [{ settings }],
    });
    await expect(handle.result()).rejects.toThrow();
    const failed = (await handle.fetchHistory()).events!.find((e) => e.workflowExecutionFailedEventAttributes);
    expect(failed?.workflowExecutionFailedEventAttributes?.failure?.applicationFailureInfo?.type).toBe(
      'ConfigurationError',
    );
    expect((await handle.fetchHistory()).events!.filter((e) => e.workflowTaskFailedEventAttributes)).toHaveLength(0);
  });
});

// Not tested here: a delivery start that fails for another reason than "already started". With a real server it cannot
// reach the poller's catch: the SDK rejects a child start only with WorkflowExecutionAlreadyStartedError (any other
// StartChildWorkflowExecutionFailed cause is an IllegalStateError that fails the task) or, when the poller itself is
// being cancelled, with a cancellation; and what the server refuses (a workflow ID over 1,000 bytes, an unregistered
// search attribute) is a command-validation failure that fails the workflow task before workflow code sees anything.
