import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** What `promtool check metrics` said of an exposition. */
export interface PromtoolResult {
  code: number | null;
  output: string;
}

/** Runs `promtool check metrics` (Debian package prometheus, installed by scripts/install-system-deps.sh) on a text. */
export function promtoolCheckMetrics(exposition: string): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.PROMTOOL_PATH ?? 'promtool', ['check', 'metrics'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', (err) =>
      reject(new Error(`promtool could not run (bash scripts/install-system-deps.sh installs it): ${err.message}`)),
    );
    child.once('close', (code) => resolve({ code, output }));
    child.stdin.end(exposition);
  });
}

/** The `# TYPE` of every metric family in a Prometheus text exposition. */
export function metricTypes(exposition: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(match[1]!, match[2]!);
  return types;
}

/**
 * Runs promtool with arguments from the repository root; a missing promtool fails the test (it is a requirement, not
 * an option).
 */
export function runPromtool(args: string[]): { status: number; output: string } {
  const run = spawnSync(process.env.PROMTOOL_PATH ?? 'promtool', args, {
    cwd: join(__dirname, '..', '..'),
    encoding: 'utf8',
  });
  if (run.error) {
    if ((run.error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'promtool is not installed. It comes with the Debian package "prometheus": run `apt-get install prometheus` ' +
          '(after `apt-get update`; `bash scripts/install-system-deps.sh` does both), or point PROMTOOL_PATH at a ' +
          'promtool binary, then run this test again.',
      );
    }
    throw run.error;
  }
  return { status: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}
