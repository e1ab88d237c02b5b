/**
 * Route replay: `ops:route-test --replay` over 1,000 recorded deliveries (encrypted inputs, as in production), beside
 * the floor of the same reads without the rules (Temporal's own listing and history fetches, same concurrency).
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { lastRunInput } from '../src/client/alert-operations';
import { bridgeDataConverter } from '../src/client/data-converter';
import { replayRouting } from '../src/client/route-replay';
import { routeRulesOf } from '../src/config/routes-file';
import type { RouteRule } from '../src/routing/route-types';
import type { AlertDeliveryInput, AlertRecord } from '../src/shared/types';
import { deliveriesQuery } from '../src/shared/visibility-query';
import { alertWorkflowId } from '../src/shared/workflow-ids';
import { waitUntil } from './support/processes';
import { say } from './support/report';
import type { ScenarioContext, ScenarioResult } from './support/scenario';
import { TEMPORAL_SERVER_NOTE, startTemporal } from './support/stack';

const TASK_QUEUE = 'bench-route-replay';
const CATEGORIES = ['server-hardware', 'enclosures', 'interconnects'] as const;
const HEALTH = ['Power', 'Thermal', 'Network', 'Storage'] as const;

/** The rules the deliveries were "recorded" with, and the candidate that changes where some of them page. */
const RECORDED: RouteRule[] = [{ name: 'power', match: { healthCategory: ['Power'] }, routingKeyId: 'p' }];
const CANDIDATE: RouteRule[] = routeRulesOf(
  [
    { name: 'power', match: { healthCategory: ['Power'], resourceCategory: ['enclosures'] } },
    { name: 'blades', match: { resourceCategory: ['server-hardware'], enclosure: ['Encl*'] } },
    { name: 'network', match: { resourceCategory: ['interconnects'] } },
  ],
  (k) => k,
);

/** Runs the route-replay scenario. */
export async function routeReplayScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const count = Number(process.env.BENCH_REPLAY_ALERTS ?? (ctx.quick ? 50 : 1000));
  const temporal = await startTemporal('route-replay');
  const connection = await Connection.connect({ address: temporal.address });
  try {
    const client = new Client({ connection, dataConverter: bridgeDataConverter({ key: randomBytes(32) }) });
    say(`route-replay: recording ${count} deliveries (no worker runs them: only their inputs matter)`);
    for (let i = 0; i < count; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, (_, j) => {
          const input = deliveryInput(i + j);
          return client.workflow.start('alertDeliveryWorkflow', {
            taskQueue: TASK_QUEUE,
            workflowId: alertWorkflowId(input.applianceId, input.alert.id),
            args: [input],
          });
        }),
      );
    }
    const query = deliveriesQuery({ taskQueue: TASK_QUEUE, includeClosed: true });
    await waitUntil(
      'visibility lists every delivery',
      () => client.workflow.count(query),
      (c) => c.count >= count,
      120_000,
      500,
    );
    const since = new Date(Date.now() - 3_600_000);

    // The floor: list the same deliveries and read each one's input, 32 at a time, without routing anything. Measured
    // before and after the replay, so neither side alone has the server's cold start.
    const floor = async (): Promise<number> => {
      const start = performance.now();
      const ids: string[] = [];
      for await (const e of client.workflow.list({ query, pageSize: 1000 })) ids.push(e.workflowId);
      let next = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < ids.length) await lastRunInput(client, client.workflow.getHandle(ids[next++]!));
        }),
      );
      return (performance.now() - start) / 1000;
    };
    const floorBefore = await floor();
    const replayStart = performance.now();
    const replay = await replayRouting(client, { taskQueue: TASK_QUEUE, since, limit: 1_000_000 }, CANDIDATE);
    const replaySeconds = (performance.now() - replayStart) / 1000;
    const floorAfter = await floor();
    const floorSeconds = Math.min(floorBefore, floorAfter);
    say(
      `route-replay: ${replay.read} read, ${replay.differences.length} differ, ${replay.unreadable} unreadable in ` +
        `${replaySeconds.toFixed(2)} s (floor: list and read them all in ${floorBefore.toFixed(2)} s before, ${floorAfter.toFixed(2)} s after)`,
    );
    return {
      temporalServer: TEMPORAL_SERVER_NOTE,
      simulators: 'none: deliveries are started without a worker, so their recorded inputs are what is read',
      deliveries: count,
      read: replay.read,
      unreadable: replay.unreadable,
      differences: replay.differences.length,
      replaySeconds: Number(replaySeconds.toFixed(2)),
      floorSeconds: Number(floorSeconds.toFixed(2)),
      floorSecondsBefore: Number(floorBefore.toFixed(2)),
      floorSecondsAfter: Number(floorAfter.toFixed(2)),
      alertsPerSecond: Math.round(replay.read / replaySeconds),
    };
  } finally {
    await connection.close();
    await temporal.stop();
  }
}

/** The i-th recorded delivery: a mix of resources and health categories, paged through the recorded rules. */
function deliveryInput(i: number): AlertDeliveryInput {
  const category = CATEGORIES[i % CATEGORIES.length]!;
  const bay = (i % 16) + 1;
  const alert: AlertRecord = {
    id: String(10_000 + i),
    uri: `/rest/alerts/${10_000 + i}`,
    severity: 'Critical',
    alertState: 'Active',
    description: `recorded alert ${i}`,
    healthCategory: HEALTH[i % HEALTH.length],
    resourceCategory: category,
    resourceName:
      category === 'enclosures'
        ? `Encl${i % 4}`
        : `Encl${i % 4}, ${category === 'interconnects' ? 'interconnect' : 'bay'} ${bay}`,
    resourceUri: `/rest/${category}/r${i}`,
    created: new Date(Date.UTC(2026, 10, 30, 0, 0, i % 60)).toISOString(),
    modified: new Date(Date.UTC(2026, 10, 30, 0, 0, i % 60)).toISOString(),
  };
  const applianceId = `bench-appliance-${i % 5}`;
  const decision = RECORDED.some((r) => r.match.healthCategory?.includes(alert.healthCategory ?? ''))
    ? [{ route: 'power', routingKeyId: 'p' }]
    : [{ route: 'default' }];
  return { applianceId, applianceHost: `${applianceId}.example`, alert, targets: decision };
}
