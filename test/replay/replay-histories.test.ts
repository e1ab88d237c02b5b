import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Runtime, Worker } from '@temporalio/worker';
import { bridgeDataConverter } from '../../src/client/data-converter';
import { createJsonLogger } from '../../src/logging/json-logger';
import { testServer } from '../support/bridge-harness';
import { FIXTURE_PAYLOAD_KEY } from './fixture-key';

const DIR = join(__dirname, '..', 'fixtures', 'histories');
const histories = readdirSync(DIR)
  .filter((f) => f.endsWith('.binpb'))
  .sort()
  .map((file) => ({ file, history: temporal.api.history.v1.History.decode(readFileSync(join(DIR, file))) }));

beforeAll(() => {
  // Replay workers log every state change at INFO; only problems belong in the test output.
  Runtime.install({ logger: createJsonLogger('WARN') });
});

const replayOptions = () => ({
  workflowBundle: { codePath: testServer().bundlePath },
  dataConverter: bridgeDataConverter({ key: FIXTURE_PAYLOAD_KEY }),
});

test('recorded histories of every workflow are on file (npm run histories:record)', () => {
  const types = new Set(
    histories.map(({ history }) => history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name),
  );
  expect([...types].sort()).toEqual([
    'alertDeliveryWorkflow',
    'applianceBlindWorkflow',
    'appliancePollerWorkflow',
    'scmbConsumerWorkflow',
  ]);
});

/** The events of a recorded history, and the messages they carry, for the tests that check which paths are on file. */
const events = (file: string) => histories.find((h) => h.file === file)!.history.events!;
const signalsIn = (file: string) =>
  events(file).flatMap((e) =>
    e.workflowExecutionSignaledEventAttributes ? [e.workflowExecutionSignaledEventAttributes.signalName] : [],
  );
const signalsOut = (file: string) =>
  events(file).flatMap((e) =>
    e.signalExternalWorkflowExecutionInitiatedEventAttributes
      ? [e.signalExternalWorkflowExecutionInitiatedEventAttributes.signalName]
      : [],
  );
const updates = (file: string) =>
  events(file).flatMap((e) =>
    e.workflowExecutionUpdateAcceptedEventAttributes
      ? [e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest?.input?.name]
      : [],
  );

test('the routing histories hold a storm, a dropped alert, routes to two services and a window closed early', () => {
  const routesPoller = histories.filter((h) => h.file.startsWith('poller-routes-')).map((h) => h.file);
  expect(routesPoller.flatMap(signalsOut)).toEqual(expect.arrayContaining(['relatedAlerts', 'suppressUntil']));
  expect(routesPoller.flatMap(signalsIn)).toEqual(expect.arrayContaining(['openWindow', 'closeWindow']));
  const sends = (file: string) =>
    events(file).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendPagerDutyEvent');
  // The enclosure's delivery: its trigger to both routes, again with the blades listed, then both resolves.
  expect(signalsIn('delivery-storm-parent-resolved.binpb')).toEqual(
    expect.arrayContaining(['relatedAlerts', 'alertCleared']),
  );
  expect(sends('delivery-storm-parent-resolved.binpb').length).toBeGreaterThanOrEqual(6);
  // Cleared inside its window: no send at all.
  expect(sends('delivery-window-skipped.binpb')).toEqual([]);
  expect(signalsIn('delivery-window-paged.binpb')).toContain('suppressUntil');
  expect(sends('delivery-window-paged.binpb')).toHaveLength(1);
});

test('the poller histories hold its main paths: local-activity polls, pushes, a confirmed clear, a connection test', () => {
  const pollerFiles = histories.filter((h) => h.file.startsWith('poller-')).map((h) => h.file);
  const all = pollerFiles.flatMap(events);
  const markers = all.flatMap((e) =>
    e.markerRecordedEventAttributes ? [e.markerRecordedEventAttributes.markerName] : [],
  );
  expect(markers).toContain('core_local_activity');
  expect(markers).not.toContain('core_patch');
  expect(pollerFiles.filter((f) => f.includes('continued-as-new')).length).toBeGreaterThanOrEqual(2);
  expect(pollerFiles.flatMap(signalsIn)).toContain('alertsPushed');
  expect(pollerFiles.flatMap(updates)).toContain('testConnection');
  // The connection test runs as a normal activity: as a local one it held the update's task and callers' updates aborted.
  const scheduled = all.flatMap((e) =>
    e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : [],
  );
  expect(scheduled).toEqual(['testConnection']);
  // The re-activated alert's delivery was started a second time by the poller (a second child start of one ID).
  const starts = all.flatMap((e) =>
    e.startChildWorkflowExecutionInitiatedEventAttributes
      ? [e.startChildWorkflowExecutionInitiatedEventAttributes.workflowId]
      : [],
  );
  expect(starts.length).toBeGreaterThan(new Set(starts).size);
});

test("a message-bus appliance's poller starts its consumer under the consumer's own ID and hears its state", () => {
  const files = histories.filter((h) => h.file.startsWith('poller-scmb-')).map((h) => h.file);
  const all = files.flatMap(events);
  const children = all.flatMap((e) =>
    e.startChildWorkflowExecutionInitiatedEventAttributes
      ? [e.startChildWorkflowExecutionInitiatedEventAttributes]
      : [],
  );
  expect(children.map((c) => c.workflowId)).toContain('oneview-scmb/replay-scmb');
  // Connected, dropped by the appliance, connected again: the poller heard each.
  expect(files.flatMap(signalsIn).filter((name) => name === 'scmbState').length).toBeGreaterThanOrEqual(2);
  expect(files.flatMap(signalsIn)).toContain('alertsPushed');
  // The consumer holds one long, heartbeating activity: a dead worker's subscription moves on after its timeout.
  const scheduled = events('scmb-consumer-running.binpb').flatMap((e) =>
    e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : [],
  );
  expect(scheduled.map((a) => a.activityType?.name)).toEqual(['consumeScmb']);
  expect(Number(scheduled[0]!.heartbeatTimeout?.seconds)).toBe(20);
  // On a queue of its own: hours-long consumers never hold the slots the appliance's other activities need.
  expect(scheduled[0]!.taskQueue?.name).toBe('replay-fixtures-message-bus');
});

test('a delivery sends on the send queue, with its routing key as fairness key and its priority, and signals nobody', () => {
  const scheduled = events('delivery-triggered-resolved.binpb').flatMap((e) =>
    e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : [],
  );
  expect(scheduled.map((a) => a.activityType?.name)).toEqual(['sendPagerDutyEvent', 'sendPagerDutyEvent']);
  expect(scheduled.every((a) => a.taskQueue?.name === 'replay-fixtures-pagerduty-sends')).toBe(true);
  expect(scheduled.map((a) => a.priority?.priorityKey)).toEqual([2, 1]);
  expect(new Set(scheduled.map((a) => a.priority?.fairnessKey)).size).toBe(1);
  expect(scheduled[0]!.priority?.fairnessKey).toMatch(/^[0-9a-f]{16}$/);
  expect(signalsOut('delivery-triggered-resolved.binpb')).toEqual([]);
});

test("an unreadable appliance's poller opens its own incident under its own ID, resolves it by signal, and the incident sends on the send queue", () => {
  const children = events('poller-blind-opened.binpb').flatMap((e) =>
    e.startChildWorkflowExecutionInitiatedEventAttributes
      ? [e.startChildWorkflowExecutionInitiatedEventAttributes]
      : [],
  );
  expect(children.map((c) => [c.workflowType?.name, c.workflowId])).toEqual([
    ['applianceBlindWorkflow', 'oneview-blind/replay-blind'],
  ]);
  expect(signalsOut('poller-blind-resolved.binpb')).toEqual(['alertCleared']);
  const scheduled = events('blind-triggered-resolved.binpb').flatMap((e) =>
    e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : [],
  );
  expect(scheduled.map((a) => a.activityType?.name)).toEqual(['sendPagerDutyEvent', 'sendPagerDutyEvent']);
  expect(scheduled.every((a) => a.taskQueue?.name === 'replay-fixtures-pagerduty-sends')).toBe(true);
  expect(scheduled.map((a) => a.priority?.priorityKey)).toEqual([2, 1]);
});

test.each(histories.map(({ file }) => file))('%s replays against the current workflow code', async (file) => {
  const { history } = histories.find((h) => h.file === file)!;
  await expect(Worker.runReplayHistory(replayOptions(), history, file)).resolves.toBeUndefined();
});

test('a history the code would not have produced fails replay (the check can fail)', async () => {
  const { history } = histories.find((h) => h.file.startsWith('delivery-triggered-resolved'))!;
  // Claim the first activity the delivery scheduled was another one: what a reordered workflow would look like.
  const { History } = temporal.api.history.v1;
  const tampered = History.decode(History.encode(history).finish());
  const scheduled = tampered.events.find((e) => e.activityTaskScheduledEventAttributes)!;
  scheduled.activityTaskScheduledEventAttributes!.activityType = { name: 'renewSession' };
  await expect(Worker.runReplayHistory(replayOptions(), tampered, 'tampered')).rejects.toThrow(/nondetermin/i);
});
