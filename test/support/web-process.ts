import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { request } from 'undici';
import { TEST_PAYLOAD_KEY, testServer } from './bridge-harness';
import { compiledEntry } from './compiled-sources';
import { captureOutput, registerSecret } from './log-capture';
import { waitFor } from './wait-for';
import { exited } from './worker-process';

const ROOT = join(__dirname, '..', '..');

/** The webhook token of test web processes. */
export const WEBHOOK_TOKEN = 'webhook-token-for-tests-0123456789';

/** The operator token of test web processes (force-poll, test-connection, detailed /health). */
export const OPERATOR_TOKEN = 'operator-token-for-tests-9876543210';

/** The static codec token of test web processes (the temporal CLI's `--codec-auth`, the browser sign-in). */
export const CODEC_AUTH_TOKEN = 'codec-token-for-tests-5647382910';

/** Headers that authenticate as the operator. */
export const operatorAuth = { authorization: `Bearer ${OPERATOR_TOKEN}` };

/** Headers that authenticate to the codec with the static token. */
export const codecAuth = { authorization: `Bearer ${CODEC_AUTH_TOKEN}` };

/** Environment variables of the web process whose values are secrets that no log may hold. */
const WEB_SECRET_ENV = ['OPERATOR_TOKEN', 'CODEC_AUTH_TOKEN'];

/** A JSON answer of the web process. */
export interface WebAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/**
 * Starts the real web entry point, compiled as the image runs it, as its own process on a free loopback port; with the
 * test operator and codec tokens unless `extraEnv` blanks them (`OPERATOR_TOKEN: ''` turns the operator endpoints off).
 */
export async function spawnWeb(taskQueue: string, extraEnv: Record<string, string> = {}) {
  const env = {
    PATH: process.env.PATH ?? '',
    TEMPORAL_ADDRESS: testServer().address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    PAYLOAD_ENCRYPTION_KEY: TEST_PAYLOAD_KEY.toString('base64'),
    WEBHOOK_TOKEN,
    OPERATOR_TOKEN,
    CODEC_AUTH_TOKEN,
    WEB_HOST: '127.0.0.1',
    WEB_PORT: '0',
    ...extraEnv,
  };
  const child = spawn(process.execPath, [compiledEntry('src/web/main.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  captureOutput('web', child, env);
  for (const name of WEB_SECRET_ENV)
    if (env[name as keyof typeof env]) registerSecret(name, env[name as keyof typeof env]!);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const port = await waitFor(
    'the web process',
    async () => /"msg":"web started","port":(\d+)/.exec(output)?.[1],
    Boolean,
    60_000,
  );
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    output: () => output,
    async call(
      method: string,
      path: string,
      options: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
    ): Promise<WebAnswer> {
      const res = await request(`${base}${path}`, {
        method: method as 'GET',
        headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
        body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      });
      const text = await res.body.text();
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        body = { text };
      }
      return { status: res.statusCode, headers: res.headers, body };
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
