import { Client, Connection } from '@temporalio/client';
import { pollerWorkflowId } from '../../src/shared/workflow-ids';
import {
  TEST_ROUTING_KEY,
  bridgeConfig,
  runBridge,
  useHarness,
  testServer,
  uniqueAppliance,
} from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';

const harness = useHarness();

/** A history as the server stores it, with every (base64) byte string also decoded, so plaintext cannot hide. */
function storedText(history: unknown): string {
  return JSON.stringify(history, (_k, v: unknown) =>
    typeof v === 'string' ? `${v} ${Buffer.from(v, 'base64').toString('utf8')}` : v,
  );
}

test('workflow history holds no session token, password, routing key or alert text in plaintext', async () => {
  const h = harness();
  const ids = uniqueAppliance('secrets');
  const [alert] = await h.sim.addAlerts([{ severity: 'Critical', description: 'Distinctive fan failure text 7f3a.' }]);
  const alertId = alert!.uri.slice(alert!.uri.lastIndexOf('/') + 1);
  const config = bridgeConfig(h, ids);
  const bridge = await runBridge(h.client, config);
  const connection = await Connection.connect({ address: testServer().address });
  try {
    await waitFor(
      'the trigger',
      () => h.sim.incidents(),
      (i) => i.length === 1,
    );
    const [session] = await h.sim.oneViewSessions();
    expect(session?.token).toBeTruthy();

    // A client without the codec sees what the server stores.
    const raw = new Client({ connection });
    for (const workflowId of [pollerWorkflowId(ids.applianceId), `oneview-alert/${ids.applianceId}/${alertId}`]) {
      const history = await raw.workflow.getHandle(workflowId).fetchHistory();
      const text = storedText(history);
      expect(text).toContain('binary/encrypted');
      for (const secret of [
        session!.token,
        config.appliances[0]!.password,
        TEST_ROUTING_KEY,
        'Distinctive fan failure text',
      ]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(Buffer.from(secret).toString('base64'));
      }
    }
  } finally {
    await connection.close();
    await bridge.stop();
    await h.sim.reset();
  }
});
