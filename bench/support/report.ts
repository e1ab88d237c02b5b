import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { findTemporalExecutable } from '../../scripts/temporal-binaries';
import { ROOT } from './processes';

/** The machine a result was measured on. */
export interface MachineInfo {
  nproc: number;
  freeG: string;
  node: string;
  temporalCli: string;
  kernel: string;
}

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch (err) {
    return `unavailable (${(err as Error).message.split('\n')[0]})`;
  }
}

/** `nproc`, `free -g`, node and Temporal CLI versions. */
export function machineInfo(): MachineInfo {
  const exe = findTemporalExecutable('temporal');
  return {
    nproc: Number(run('nproc', [])) || availableParallelism(),
    freeG: run('free', ['-g']),
    node: process.version,
    temporalCli: exe.type === 'existing-path' ? run(exe.path, ['--version']) : 'not installed',
    kernel: run('uname', ['-r']),
  };
}

/** The 1-minute load average (other people's test suites share this machine). */
export function load1(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

/** What every scenario's result file carries besides its figures. */
export interface ResultEnvelope {
  scenario: string;
  command: string;
  quick: boolean;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  loadavg1: { start: number; end: number };
  temporalServer: string;
  simulators: string;
  /** The BENCH_* experiment knobs set for the run (none for BENCHMARKS.md's figures). */
  env: Record<string, string>;
}

/** Writes bench/results/<scenario>[.quick][.profile].json and answers its path. */
export function writeResult(
  scenario: string,
  flags: { quick: boolean; profile: boolean },
  result: ResultEnvelope & Record<string, unknown>,
): string {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  // BENCH_RESULT_NAME keeps an experiment (e.g. one storm part with other knobs) from replacing the scenario's file.
  const name = process.env.BENCH_RESULT_NAME ?? scenario;
  const file = join(dir, `${name}${flags.quick ? '.quick' : ''}${flags.profile ? '.profile' : ''}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** Prints a progress line of the bench driver. */
export function say(msg: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}
