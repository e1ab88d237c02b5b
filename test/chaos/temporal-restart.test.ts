import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bridgeDataConverter } from '../../src/client/data-converter';
import { pollerStatus } from '../../src/client/poller-operations';
import { TEST_PAYLOAD_KEY, uniqueAppliance, useHarness } from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';
import { ProcessSet, isRunning, type WorkerProcess } from './support/processes';
import { byScale } from './support/scale';
import { TemporalDevServer, freePort } from './support/temporal-dev-server';
import { clearAlerts, drainStorm, incidentsOf, raiseAlerts, report, seconds, triggeredIds } from './support/storm';

const harness = useHarness();
const ALERTS = byScale({ ci: 100, full: 400 });

/** The last JSON log line of a process's output whose level is error (or the last line at all). */
function lastErrorLine(output: string): string {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  return [...lines].reverse().find((l) => /"level":"error"|ERROR/.test(l)) ?? lines[lines.length - 1] ?? '';
}

test(
  `the Temporal dev server stopped (SIGTERM) and crashed (SIGKILL) during a ${ALERTS}-alert storm loses and doubles nothing`,
  async () => {
    const h = harness();
    const ids = uniqueAppliance('chaos-temporal');
    const dir = mkdtempSync(join(tmpdir(), 'bridge-chaos-temporal-'));
    const server = new TemporalDevServer(await freePort(), join(dir, 'temporal.db'));
    const processes = new ProcessSet();
    const opened = () => incidentsOf(h, ids.applianceId);
    let connection: Connection | undefined;
    const outages: Record<string, unknown>[] = [];
    const workerDeaths: Record<string, unknown>[] = [];
    const cleared: string[] = [];
    try {
      await server.start();
      connection = await Connection.connect({ address: server.address });
      const client = new Client({ connection, dataConverter: bridgeDataConverter({ key: TEST_PAYLOAD_KEY }) });
      const env = processes.workerEnv(h, ids, { TEMPORAL_ADDRESS: server.address });
      await h.sim.pagerDutyFault({ delayMs: 150, durationMs: 30 * 60_000 });
      const started = Date.now();
      const alertIds = await raiseAlerts(h, Math.round(ALERTS * 0.7));
      let worker: WorkerProcess = processes.worker(env);
      await worker.started();

      for (const [n, { fraction, signal }] of [
        { fraction: 0.3, signal: 'SIGTERM' as const },
        { fraction: 0.6, signal: 'SIGKILL' as const },
      ].entries()) {
        const target = Math.ceil(ALERTS * fraction);
        await waitFor(`${target} incidents opened`, opened, (i) => i.length >= target, 180_000);
        if (n === 1) {
          // Resolves in flight when the server crashes.
          const picked = triggeredIds(await opened(), ids.applianceId, alertIds).filter((_, i) => i % 3 === 0);
          await clearAlerts(h, picked);
          cleared.push(...picked);
        }
        const down = Date.now();
        const stop = await server.stop(signal);
        const openedAtStop = (await opened()).length;
        // Alerts raised while Temporal is down: the poller cannot run, they must page once it is back.
        if (n === 0) alertIds.push(...(await raiseAlerts(h, ALERTS - alertIds.length)));
        await server.start();
        const back = Date.now();
        const downSeconds = seconds(down);
        // Work resumes on its own (the next event PagerDuty receives after the server is back), unless the worker died.
        const eventsAgain = async () => (await h.sim.events()).some((x) => Date.parse(x.receivedAt) > back);
        const outcome = await waitFor(
          'PagerDuty events again, or the worker gone',
          async () => (!isRunning(worker.child) ? 'worker died' : (await eventsAgain()) ? 'resumed' : 'waiting'),
          (o) => o !== 'waiting',
          120_000,
        );
        if (outcome === 'worker died') {
          // A finding, not the end of the scenario: note how it died and start another, as Kubernetes would.
          workerDeaths.push({
            outage: signal,
            code: worker.child.exitCode,
            signal: worker.child.signalCode,
            line: lastErrorLine(worker.output()).slice(0, 600),
          });
          worker = processes.worker(env);
          await worker.started();
          await waitFor('PagerDuty events again', eventsAgain, Boolean, 120_000);
        }
        outages.push({
          signal,
          openedAtStop,
          stopMs: stop.ms,
          downSeconds,
          resumedAfterSeconds: seconds(back),
          serverExit: stop.code ?? stop.signal,
          atSeconds: seconds(started),
        });
      }
      // A last round of clears after both outages.
      const late = triggeredIds(await opened(), ids.applianceId, alertIds).filter(
        (id, i) => i % 4 === 0 && !cleared.includes(id),
      );
      await clearAlerts(h, late);
      cleared.push(...late);

      const { result, drainSeconds } = await drainStorm(h, client, ids, {
        alerts: ALERTS,
        alertIds,
        cleared,
        startedMs: started,
      });
      const status = await pollerStatus(client, ids.applianceId);
      expect(status.counters.deliveriesStarted).toBe(ALERTS);
      report('temporal-restart', {
        ...result,
        outages,
        workerDeaths,
        workerSurvived: workerDeaths.length === 0,
        drainSeconds,
        deliveriesStarted: status.counters.deliveriesStarted,
      });
      // The worker process must ride out a Temporal outage (Kubernetes would restart it, but losing a worker to every
      // frontend restart is not acceptable): a death above is a product bug, reported with its exit code and log line.
      expect(workerDeaths).toEqual([]);
    } finally {
      await processes.stopAll();
      await connection?.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
      await h.sim.reset();
    }
  },
  byScale({ ci: 240_000, full: 900_000 }),
);
