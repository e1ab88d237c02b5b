/**
 * Records the histories the replay test replays (`npm run histories:record`): a real worker on a fresh dev server runs
 * every workflow through its main paths against the simulators, then each history is written as JSON to
 * test/fixtures/histories. Record again only on purpose: after a deliberate, versioned change of workflow code.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { controls, simCall } from '../../simulators/control-client';
import { startOneViewSimulator } from '../../simulators/oneview/server';
import { startPagerDutySimulator } from '../../simulators/pagerduty/server';
import { startRabbitBroker } from '../../simulators/rabbitmq/broker';
import { bridgeDataConverter } from '../../src/client/data-converter';
import { ensurePollers } from '../../src/worker/ensure-pollers';
import {
  closeMaintenanceWindow,
  forcePoll,
  openMaintenanceWindow,
  pollerStatus,
  pushAlerts,
  testApplianceConnections,
} from '../../src/client/poller-operations';
import type { WorkerConfig } from '../../src/config/types';
import { BRIDGE_SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes';
import {
  alertWorkflowId,
  blindWorkflowId,
  pollerWorkflowId,
  scmbConsumerWorkflowId,
} from '../../src/shared/workflow-ids';
import { createBridgeWorker } from '../../src/worker/create-worker';
import { applySendQueueLimit } from '../../src/worker/send-queue-limit';
import { createJsonLogger } from '../../src/logging/json-logger';
import { devServerDynamicConfigArgs } from '../../scripts/dev-server-flags';
import { findTemporalExecutable } from '../../scripts/temporal-binaries';
import { oneViewUser } from '../support/oneview-user';
import { waitFor } from '../support/wait-for';
import { FIXTURE_PAYLOAD_KEY } from './fixture-key';
import { idOf } from '../support/alert-id';

const OUT = join(__dirname, '..', 'fixtures', 'histories');
const APPLIANCE = 'replay-appliance';
/** A second appliance with its message bus on: its poller, and the consumer workflow the poller starts. */
const BUS_APPLIANCE = 'replay-scmb';
/** A third appliance that fails every request for a while: its poller opens, then resolves, its own incident. */
const BLIND_APPLIANCE = 'replay-blind';
/** A fourth appliance with routes, a storm and maintenance windows. */
const ROUTES_APPLIANCE = 'replay-routes';
const TASK_QUEUE = 'replay-fixtures';
const FACILITIES_KEY = 'FAC1L1T1ESKEYF0RREPLAYF1XTURES01';
const ROUTING_KEY = 'R0UT1NGKEYF0RREPLAYF1XTURES00001';

async function main(): Promise<void> {
  Runtime.install({ logger: createJsonLogger('WARN') });
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: findTemporalExecutable('temporal'),
      ip: '127.0.0.1',
      searchAttributes: BRIDGE_SEARCH_ATTRIBUTES,
      extraArgs: devServerDynamicConfigArgs(),
      log: { format: 'pretty', level: 'error' },
    },
  });
  const oneView = await startOneViewSimulator({ tls: true });
  const pagerDuty = await startPagerDutySimulator({ rateLimitPerMinute: 0 });
  const sim = controls(oneView.url, pagerDuty.url);
  const broker = await startRabbitBroker();
  const busOneView = await startOneViewSimulator({ tls: true, scmb: { broker, certificateGenerationMs: 300 } });
  const busSim = controls(busOneView.url, pagerDuty.url);
  const blindOneView = await startOneViewSimulator({ tls: true });
  const blindSim = controls(blindOneView.url, pagerDuty.url);
  const routesOneView = await startOneViewSimulator({ tls: true });
  const routesSim = controls(routesOneView.url, pagerDuty.url);
  const connection = await Connection.connect({ address: env.address });
  const client = new Client({ connection, dataConverter: bridgeDataConverter({ key: FIXTURE_PAYLOAD_KEY }) });
  const config: WorkerConfig = {
    temporal: {
      address: env.address,
      namespace: 'default',
      taskQueue: TASK_QUEUE,
      encryption: { key: FIXTURE_PAYLOAD_KEY },
    },
    // Scoped to the routes appliance, so the other scenarios page as they always did.
    routes: [
      { name: 'routes-drop', match: { appliance: [ROUTES_APPLIANCE], healthCategory: ['Storage'] }, drop: true },
      {
        name: 'facilities',
        match: { appliance: [ROUTES_APPLIANCE], resourceCategory: ['enclosures'] },
        routingKey: FACILITIES_KEY,
        severity: 'critical',
        continue: true,
      },
      { name: 'operations', match: { appliance: [ROUTES_APPLIANCE], resourceCategory: ['enclosures'] }, priority: 2 },
    ],
    windows: [],
    appliances: [
      {
        id: ROUTES_APPLIANCE,
        host: routesOneView.url.replace(/^https?:\/\//, ''),
        baseUrl: routesOneView.url,
        username: 'administrator',
        password: 'admin-password',
        severities: ['Critical'],
        pollIntervalSeconds: 3600,
        sslVerify: true,
        caCertPem: routesOneView.certificatePem,
        routingKey: ROUTING_KEY,
      },
      {
        id: APPLIANCE,
        host: oneView.url.replace(/^https?:\/\//, ''),
        baseUrl: oneView.url,
        username: 'administrator',
        password: 'admin-password',
        severities: ['Critical'],
        pollIntervalSeconds: 3600,
        sslVerify: true,
        caCertPem: oneView.certificatePem,
        routingKey: ROUTING_KEY,
      },
      {
        id: BUS_APPLIANCE,
        host: busOneView.url.replace(/^https?:\/\//, ''),
        baseUrl: busOneView.url,
        username: 'administrator',
        password: 'admin-password',
        severities: ['Critical'],
        pollIntervalSeconds: 3600,
        sslVerify: true,
        caCertPem: busOneView.certificatePem,
        routingKey: ROUTING_KEY,
        scmb: { port: broker.port, pollIntervalSeconds: 3600 },
      },
      {
        id: BLIND_APPLIANCE,
        host: blindOneView.url.replace(/^https?:\/\//, ''),
        baseUrl: blindOneView.url,
        username: 'administrator',
        password: 'admin-password',
        severities: ['Critical'],
        pollIntervalSeconds: 1,
        sslVerify: true,
        caCertPem: blindOneView.certificatePem,
        routingKey: ROUTING_KEY,
      },
    ],
    pagerDuty: {
      eventsUrl: pagerDuty.eventsUrl,
      retry: { baseMs: 100, maxMs: 1000, rateLimitMinMs: 1000 },
      ratePerMinute: 100,
    },
    session: { lifetimeMs: 22 * 3_600_000, renewBeforeMs: 3_600_000 },
    http: { host: '127.0.0.1', port: 0 },
    sdkMetricsPort: 0,
    shutdownGraceMs: 10_000,
    reconcileIntervalMs: 3_600_000,
    // Only the blind appliance ever fails a poll.
    storm: { windowMs: 300_000, groupWaitMs: 0 },
    blindAfterMs: 3000,
    logLevel: 'WARN',
  };
  const workerConnection = await NativeConnection.connect({ address: env.address });
  const bridge = await createBridgeWorker({ config, connection: workerConnection, client });
  await applySendQueueLimit(client, {
    namespace: 'default',
    taskQueue: TASK_QUEUE,
    perMinute: config.pagerDuty.ratePerMinute,
  });
  const running = bridge.run();
  try {
    // The replay-appliance: two Critical alerts page; one clears and resolves, then OneView re-activates it and it pages again; one is
    // pushed, then a pushed clear of it is confirmed with the appliance (which never had it: gone); the poller tests
    // its connection and continues-as-new after 3 polls.
    const [first] = await sim.addAlerts([{ severity: 'Critical' }, { severity: 'Critical' }, { severity: 'Warning' }]);
    await blindSim.oneViewFault({ status: 503, count: 1_000_000, pathPrefix: '/rest' });
    await ensurePollers(client, config, { maxPollsPerRun: 3 });
    const mine = async () => (await sim.incidents()).filter((i) => i.dedup_key.startsWith(`oneview/${APPLIANCE}/`));
    await waitFor('two incidents', mine, (i) => i.length === 2, 60_000);
    await sim.clearAlert(idOf(first!.uri));
    await forcePoll(client, APPLIANCE);
    await waitFor(
      'the resolve',
      () => sim.incidents(),
      (i) => i.some((x) => x.status === 'resolved'),
      60_000,
    );
    const firstHandle = client.workflow.getHandle(alertWorkflowId(APPLIANCE, idOf(first!.uri)));
    const firstRun = (await firstHandle.describe()).runId;
    const user = oneViewUser(oneView.url, oneView.certificatePem);
    await user.reactivate(idOf(first!.uri));
    await user.close();
    await forcePoll(client, APPLIANCE);
    await waitFor(
      'the re-activation paged',
      () => sim.incidents(),
      (i) => i.some((x) => x.dedup_key.endsWith(`/${idOf(first!.uri)}`) && x.status === 'triggered'),
      60_000,
    );
    const now = new Date().toISOString();
    const pushed = {
      id: '90001',
      uri: '/rest/alerts/90001',
      severity: 'Critical',
      alertState: 'Active',
      description: 'pushed',
      created: now,
      modified: now,
      requestId: 'req-replay',
    };
    await pushAlerts(client, APPLIANCE, [pushed]);
    await waitFor('the pushed incident', mine, (i) => i.length === 3, 60_000);
    await pushAlerts(client, APPLIANCE, [{ ...pushed, alertState: 'Cleared', modified: new Date().toISOString() }]);
    await waitFor(
      'the confirmed clear',
      () => sim.incidents(),
      (i) => i.some((x) => x.dedup_key.endsWith('/90001') && x.status === 'resolved'),
      60_000,
    );
    // A trigger PagerDuty rejects for good: the delivery fails visibly.
    await sim.pagerDutyFault({
      status: 400,
      count: 1,
      body: '{"status":"invalid event","message":"Event object is invalid","errors":["payload.summary is invalid"]}',
    });
    const [rejected] = await sim.addAlerts([{ severity: 'Critical' }]);
    await forcePoll(client, APPLIANCE);
    const failed = client.workflow.getHandle(alertWorkflowId(APPLIANCE, idOf(rejected!.uri)));
    await waitFor(
      'the rejected delivery to fail',
      () => failed.describe(),
      (d) => d.status.name === 'FAILED',
      60_000,
    );
    const [check] = await testApplianceConnections(client, [APPLIANCE]);
    if (!check?.ok) throw new Error(`test connection failed: ${JSON.stringify(check)}`);
    await forcePoll(client, APPLIANCE);
    await waitFor(
      'a continue-as-new',
      () => pollerStatus(client, APPLIANCE),
      (s) => s.counters.continuedAsNew >= 1,
      60_000,
    );

    // The appliance with its message bus: an alert pages and clears by the bus, the appliance drops the consumer's
    // connection, and the consumer comes back (the poller polls at once to catch up).
    const busStatus = () => pollerStatus(client, BUS_APPLIANCE);
    await waitFor('the message bus connected', busStatus, (s) => s.scmb?.connected === true, 60_000);
    const [busAlert] = await busSim.addAlerts([{ severity: 'Critical' }]);
    const busKey = `oneview/${BUS_APPLIANCE}/alert/${idOf(busAlert!.uri)}`;
    await waitFor(
      'the bus alert paged',
      () => sim.incidents(),
      (i) => i.some((x) => x.dedup_key === busKey),
      60_000,
    );
    await busSim.clearAlert(idOf(busAlert!.uri));
    await waitFor(
      'the bus clear resolved',
      () => sim.incidents(),
      (i) => i.some((x) => x.dedup_key === busKey && x.status === 'resolved'),
      60_000,
    );
    const pollsBeforeDrop = (await busStatus()).counters.polls;
    await busSim.scmbControl({ dropConnections: true });
    await waitFor(
      'the consumer back and the catch-up poll done',
      busStatus,
      (s) => s.scmb?.connected === true && s.counters.polls > pollsBeforeDrop,
      60_000,
    );

    // The blind appliance: unreadable past BLIND_AFTER, its own incident opens; readable again, two good polls resolve it.
    const blindKey = `oneview/${BLIND_APPLIANCE}/bridge/unreachable`;
    await waitFor(
      'the blind incident',
      () => sim.incidents(),
      (i) => i.some((x) => x.dedup_key === blindKey),
      120_000,
    );
    // The appliance answers again (its simulator only: the incidents stay on file).
    await simCall(blindOneView.url, 'POST', '/_sim/reset');
    await waitFor(
      'the blind incident resolved',
      () => sim.incidents(),
      (i) => i.some((x) => x.dedup_key === blindKey && x.status === 'resolved'),
      120_000,
    );

    // The routes appliance: an enclosure power loss (the enclosure's alert to two services, two blades joining it), a
    // dropped alert; the enclosure clears and the blades page on their own; then a window holds one alert until it is
    // closed (it pages) and another that clears inside it (never paged).
    const routed = async () =>
      (await sim.incidents()).filter((i) => i.dedup_key.startsWith(`oneview/${ROUTES_APPLIANCE}/`));
    const storm = await routesSim.storm({ children: 2 });
    await routesSim.addAlerts([{ severity: 'Critical', healthCategory: 'Storage' }]);
    await forcePoll(client, ROUTES_APPLIANCE);
    const parentKey = `oneview/${ROUTES_APPLIANCE}/alert/${idOf(storm.parent!.uri)}`;
    await waitFor(
      'the enclosure incident listing its two blades',
      async () =>
        (await sim.events()).map(
          (e) => e.event as { dedup_key: string; payload?: { custom_details?: Record<string, unknown> } },
        ),
      (e) => e.some((x) => x.dedup_key === parentKey && x.payload?.custom_details?.related_alert_count === 2),
      60_000,
    );
    await routesSim.clearAlert(idOf(storm.parent!.uri));
    await forcePoll(client, ROUTES_APPLIANCE);
    await waitFor('the blades paged on their own', routed, (i) => i.length === 3, 60_000);
    const windowEnd = new Date(Date.now() + 10 * 60_000).toISOString();
    await openMaintenanceWindow(client, ROUTES_APPLIANCE, {
      id: 'replay-window',
      scope: { healthCategory: ['Thermal'] },
      end: windowEnd,
    });
    const [heldAlert, skippedAlert] = await routesSim.addAlerts([
      { severity: 'Critical', healthCategory: 'Thermal' },
      { severity: 'Critical', healthCategory: 'Thermal' },
    ]);
    await forcePoll(client, ROUTES_APPLIANCE);
    await waitFor(
      'both held by the window',
      () => pollerStatus(client, ROUTES_APPLIANCE),
      (s) => (s.suppressed['replay-window'] ?? []).length === 2,
      60_000,
    );
    const skipped = client.workflow.getHandle(alertWorkflowId(ROUTES_APPLIANCE, idOf(skippedAlert!.uri)));
    await routesSim.clearAlert(idOf(skippedAlert!.uri));
    await forcePoll(client, ROUTES_APPLIANCE);
    await waitFor(
      'the cleared one skipped',
      () => skipped.describe(),
      (d) => d.status.name === 'COMPLETED',
      60_000,
    );
    await closeMaintenanceWindow(client, ROUTES_APPLIANCE, 'replay-window');
    const heldKey = `oneview/${ROUTES_APPLIANCE}/alert/${idOf(heldAlert!.uri)}`;
    await waitFor('the held one paged', routed, (i) => i.some((x) => x.dedup_key === heldKey), 60_000);

    mkdirSync(OUT, { recursive: true });
    const save = async (name: string, handle: WorkflowHandle, runId?: string) => {
      const history = await client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
      // Binary protobuf: historyToJSON trips over the two protobufjs copies SDK 1.24 installs ("type must be a Type").
      writeFileSync(join(OUT, `${name}.binpb`), temporal.api.history.v1.History.encode(history).finish());
      process.stdout.write(`recorded ${name}: ${history.events?.length ?? 0} events\n`);
    };
    /** Every finished run of an appliance's poller (each ended by continue-as-new), and the current one once it has worked. */
    const savePollerRuns = async (prefix: string, applianceId: string) => {
      const poller = client.workflow.getHandle(pollerWorkflowId(applianceId));
      const runs: string[] = [];
      for await (const e of client.workflow.list({
        query: `WorkflowId = '${poller.workflowId}' AND ExecutionStatus = 'ContinuedAsNew'`,
      }))
        runs.push(e.runId);
      runs.sort((a, b) => a.localeCompare(b));
      for (const [i, runId] of runs.entries()) await save(`${prefix}-run-${i + 1}-continued-as-new`, poller, runId);
      await waitFor(
        'the current poller run to finish its first task',
        () => poller.fetchHistory(),
        (h) => (h.events?.length ?? 0) >= 3,
      );
      await save(`${prefix}-current-run`, poller);
    };
    /** The runs of the blind appliance's poller that opened or resolved its incident (its 1 s polls make many runs). */
    const saveBlindPollerRuns = async () => {
      const poller = client.workflow.getHandle(pollerWorkflowId(BLIND_APPLIANCE));
      const runIds = new Set([(await poller.describe()).runId]);
      for await (const e of client.workflow.list({
        query: `WorkflowId = '${poller.workflowId}' AND ExecutionStatus = 'ContinuedAsNew'`,
      }))
        runIds.add(e.runId);
      const found = { opened: false, resolved: false };
      for (const runId of [...runIds].sort((a, b) => a.localeCompare(b))) {
        const history = await client.workflow.getHandle(poller.workflowId, runId).fetchHistory();
        const opened = history.events?.some(
          (x) => x.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name === 'applianceBlindWorkflow',
        );
        const resolved = history.events?.some((x) => x.signalExternalWorkflowExecutionInitiatedEventAttributes);
        if (opened && !found.opened) await save('poller-blind-opened', poller, runId);
        if (resolved && !found.resolved) await save('poller-blind-resolved', poller, runId);
        found.opened ||= Boolean(opened);
        found.resolved ||= Boolean(resolved);
      }
      if (!found.opened || !found.resolved) throw new Error(`blind poller runs not found: ${JSON.stringify(found)}`);
    };
    await savePollerRuns('poller', APPLIANCE);
    await saveBlindPollerRuns();
    await save('blind-triggered-resolved', client.workflow.getHandle(blindWorkflowId(BLIND_APPLIANCE)));
    await savePollerRuns('poller-scmb', BUS_APPLIANCE);
    await save('delivery-triggered-resolved', firstHandle, firstRun);
    await save('delivery-reactivated-open', firstHandle);
    await save('delivery-pushed-cleared-gone', client.workflow.getHandle(alertWorkflowId(APPLIANCE, '90001')));
    await save('delivery-rejected-failed', failed);
    await save('scmb-consumer-running', client.workflow.getHandle(scmbConsumerWorkflowId(BUS_APPLIANCE)));
    await savePollerRuns('poller-routes', ROUTES_APPLIANCE);
    await save(
      'delivery-storm-parent-resolved',
      client.workflow.getHandle(alertWorkflowId(ROUTES_APPLIANCE, idOf(storm.parent!.uri))),
    );
    await save('delivery-window-skipped', skipped);
    await save(
      'delivery-window-paged',
      client.workflow.getHandle(alertWorkflowId(ROUTES_APPLIANCE, idOf(heldAlert!.uri))),
    );
  } finally {
    bridge.shutdown();
    await running;
    await bridge.closeDependencies();
    await workerConnection.close();
    await connection.close();
    await Promise.all([
      oneView.close(),
      busOneView.close(),
      blindOneView.close(),
      routesOneView.close(),
      pagerDuty.close(),
    ]);
    await broker.stop();
    await env.teardown();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`record-histories failed: ${String(err)}\n`);
  process.exit(1);
});
