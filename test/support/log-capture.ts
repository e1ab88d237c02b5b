import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';

/** Where every process of the run leaves its output, for the suite-wide log checks in global teardown. */
export function logDir(): string {
  const dir = process.env.BRIDGE_TEST_LOG_DIR;
  if (!dir) throw new Error('global setup did not run: BRIDGE_TEST_LOG_DIR is unset');
  mkdirSync(dir, { recursive: true });
  return dir;
}

let files = 0;

/** Environment variables whose values are secrets: the checks look for each of them in every log. */
const SECRET_ENV = /PASSWORD$|ROUTING_KEY$|ENCRYPTION_KEY$|WEBHOOK_TOKEN$|API_KEY$/;

/**
 * Copies a child's stdout (which must be JSON lines) and stderr into the run's log directory, and registers the secrets
 * of its environment.
 */
export function captureOutput(source: string, child: ChildProcess, env: Record<string, string | undefined> = {}): void {
  for (const [name, value] of Object.entries(env)) {
    if (SECRET_ENV.test(name) && value) registerSecret(name, value);
  }
  const base = join(logDir(), `${source}-${process.pid}-${++files}`);
  child.stdout?.on('data', (d: Buffer) => appendFileSync(`${base}.stdout.jsonl`, d));
  child.stderr?.on('data', (d: Buffer) => appendFileSync(`${base}.stderr.log`, d));
}

/** A writer for in-process JSON log lines (the harness's worker runtime). */
export function logFileWriter(source: string): (line: string) => void {
  const file = join(logDir(), `${source}-${process.pid}.stdout.jsonl`);
  return (line) => appendFileSync(file, `${line}\n`);
}

/** Names a secret the run used, so teardown can prove no log line of any process carried it. */
export function registerSecret(name: string, value: string): void {
  if (value.length < 8) throw new Error(`secret ${name} is too short to search for reliably`);
  appendFileSync(join(logDir(), 'secrets.json.txt'), `${JSON.stringify({ name, value })}\n`);
}
