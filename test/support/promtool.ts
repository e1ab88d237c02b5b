import { spawn } from 'node:child_process';

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
