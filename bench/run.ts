/**
 * Benchmarks of the bridge beside a direct forwarder (bench/direct-forwarder.ts), on this machine:
 *
 *   npm run bench                      every scenario (about an hour on 2 cores)
 *   npm run bench -- floor storm       some of them (floor, latency, storm, idle, growth, route-replay; in that order)
 *   npm run bench -- --quick           small sizes, to check the harness (under 3 minutes; figures mean nothing)
 *   npm run bench -- --profile storm   also run the worker under node --cpu-prof and summarize it
 *
 * Each scenario writes bench/results/<scenario>.json (quick runs: <scenario>.quick.json, profiled runs: .profile.json);
 * BENCHMARKS.md quotes them. Experiment knobs (BENCH_TEMPORAL_DB, BENCH_STORM_*, BENCH_GROWTH_STEPS, BENCH_RESULT_NAME)
 * are recorded in the result's `env` and `command`.
 * Benchmarks report, they never assert timings. Every process they start listens on 127.0.0.1 and is stopped at the
 * end, also on failure or Ctrl-C.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { floorScenario } from './floor';
import { growthScenario } from './growth';
import { idleScenario } from './idle';
import { latencyScenario } from './latency';
import { routeReplayScenario } from './route-replay';
import { ROOT, LOG_DIR } from './support/processes';
import { load1, machineInfo, say, writeResult } from './support/report';
import type { ScenarioContext, ScenarioResult } from './support/scenario';
import { SCRATCH } from './support/stack';
import { stormScenario } from './storm';

// The floor first: the storm's throughput target is a share of the floor measured in the same invocation.
const SCENARIOS: Record<string, (ctx: ScenarioContext) => Promise<ScenarioResult>> = {
  floor: floorScenario,
  latency: latencyScenario,
  storm: stormScenario,
  idle: idleScenario,
  growth: growthScenario,
  'route-replay': routeReplayScenario,
};

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const ctx: ScenarioContext = { quick: args.includes('--quick'), profile: args.includes('--profile'), earlier: {} };
  const unknown = args.filter((a) => !a.startsWith('--') && !(a in SCENARIOS));
  if (unknown.length > 0) {
    process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}\n`);
    return 2;
  }
  const chosen = args.filter((a) => a in SCENARIOS);
  const names = Object.keys(SCENARIOS).filter((n) => chosen.length === 0 || chosen.includes(n));
  const machine = machineInfo();
  say(
    `machine: ${machine.nproc} cores, node ${machine.node}, ${machine.temporalCli.split('\n')[0]}; scratch ${SCRATCH}`,
  );
  rmSync(LOG_DIR, { recursive: true, force: true });
  if (ctx.profile) rmSync(join(ROOT, 'bench', 'results', 'profiles'), { recursive: true, force: true });
  let failed = 0;
  for (const name of names) {
    const started = new Date();
    const loadStart = load1();
    say(`${name}: start (loadavg1 ${loadStart})`);
    try {
      const result = await SCENARIOS[name]!(ctx);
      ctx.earlier[name] = result;
      const finished = new Date();
      const env = Object.fromEntries(
        Object.entries(process.env).filter(
          (e): e is [string, string] => e[0].startsWith('BENCH_') && e[0] !== 'BENCH_VENV' && e[1] !== undefined,
        ),
      );
      const file = writeResult(name, ctx, {
        scenario: name,
        command: `${Object.entries(env)
          .map(([k, v]) => `${k}=${v} `)
          .join('')}npm run bench -- ${name}${ctx.quick ? ' --quick' : ''}${ctx.profile ? ' --profile' : ''}`,
        env,
        quick: ctx.quick,
        startedAt: started.toISOString(),
        finishedAt: finished.toISOString(),
        durationSeconds: Math.round((finished.getTime() - started.getTime()) / 1000),
        machine,
        loadavg1: { start: loadStart, end: load1() },
        ...result,
      });
      say(
        `${name}: done in ${Math.round((finished.getTime() - started.getTime()) / 1000)} s (loadavg1 ${load1()}), ${file}`,
      );
    } catch (err) {
      failed++;
      say(`${name}: FAILED: ${(err as Error).stack ?? String(err)}`);
    }
  }
  say(`process logs: ${LOG_DIR}`);
  rmSync(SCRATCH, { recursive: true, force: true });
  return failed > 0 ? 1 : 0;
}

// Ctrl-C or a kill: the exit handler in support/processes.ts stops every process the bench started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${String(err)}\n`);
    process.exit(1);
  },
);
