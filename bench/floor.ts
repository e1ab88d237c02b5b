/**
 * Temporal's floor on this machine: how many trivial workflows per second the dev server and one SDK worker complete,
 * with none of this project's code in them. The bridge's storm throughput is read against this number (BENCHMARKS.md,
 * "the floor"): what a delivery costs beyond it is the bridge's design.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { ProcWatch } from './support/proc';
import { mapLimit } from './support/processes';
import { say } from './support/report';
import type { ScenarioContext, ScenarioResult } from './support/scenario';
import { QUIET_BUNDLE_LOGGER } from '../test/support/quiet-bundle-logger';
import { TEMPORAL_SERVER_NOTE, startTemporal } from './support/stack';
import { round } from './support/stats';

const VARIANTS = ['emptyWorkflow', 'oneActivityWorkflow', 'oneLocalActivityWorkflow'] as const;

/** Runs the floor scenario: each variant on a fresh dev server, N workflows started at once, drained by one worker. */
export async function floorScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const count = Number(process.env.BENCH_FLOOR_WORKFLOWS ?? (ctx.quick ? 100 : 2000));
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./support/floor-workflows'),
    logger: QUIET_BUNDLE_LOGGER,
  });
  const variants: Record<string, unknown> = {};
  for (const workflowType of VARIANTS) {
    const temporal = await startTemporal(`floor-${workflowType}`);
    const connection = await Connection.connect({ address: temporal.address });
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    try {
      const client = new Client({ connection });
      const taskQueue = `floor-${workflowType}`;
      // The starts come first, so the drain measures the worker and server only, like the bridge's storm after a poll.
      say(`floor: ${workflowType}, starting ${count}`);
      const handles = await mapLimit(
        Array.from({ length: count }, (_, i) => i),
        32,
        (i) => client.workflow.start(workflowType, { workflowId: `${workflowType}-${i}`, taskQueue }),
      );
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue,
        workflowBundle: { code },
        activities: { async noop() {} },
      });
      const watch = new ProcWatch({ workerAndDriver: process.pid, temporal: temporal.pid });
      const started = Date.now();
      const done = await worker.runUntil(mapLimit(handles, 64, (h) => h.result()).then(() => Date.now()));
      const usage = watch.stop();
      const seconds = (done - started) / 1000;
      const perWorkflow = (name: string) => round(((usage[name]?.cpuSeconds ?? 0) * 1000) / count, 2);
      variants[workflowType] = {
        workflows: count,
        drainSeconds: round(seconds, 2),
        workflowsPerSecond: round(count / seconds, 1),
        cpu: usage,
        cpuMsPerWorkflow: { workerAndDriver: perWorkflow('workerAndDriver'), temporal: perWorkflow('temporal') },
        historyEvents: (await handles[0]!.fetchHistory()).events?.length ?? 0,
      };
      say(`floor: ${workflowType}: ${round(count / seconds, 1)} workflows/s`);
    } finally {
      await nativeConnection.close();
      await connection.close();
      await temporal.stop();
    }
  }
  return {
    temporalServer: TEMPORAL_SERVER_NOTE,
    simulators: 'none: the workflows call a no-op activity',
    settings: {
      workflows: count,
      worker:
        'one SDK worker with default options, in the bench process (its CPU includes the driver awaiting results)',
    },
    variants,
  };
}
