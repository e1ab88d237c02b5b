import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Runtime, Worker } from '@temporalio/worker';
import { bridgeDataConverter } from '../../src/client/data-converter';
import { createJsonLogger } from '../../src/worker/json-logger';
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
  const types = new Set(histories.map(({ history }) => history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name));
  expect([...types].sort()).toEqual(['alertDeliveryWorkflow', 'appliancePollerWorkflow', 'pagerDutyLimiterWorkflow', 'testConnectionWorkflow']);
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
