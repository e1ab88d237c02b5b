import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Connection } from '@temporalio/client';
import { devServerDynamicConfigArgs } from '../../../scripts/dev-server-flags';
import { findTemporalExecutable } from '../../../scripts/temporal-binaries';
import { BRIDGE_SEARCH_ATTRIBUTES } from '../../../src/shared/search-attributes';
import { waitFor } from '../../support/wait-for';
import { isRunning, kill, stopChild, type ExitInfo } from './processes';

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A Temporal dev server of one scenario's own, persisted in a SQLite file so it can be stopped and started again on
 * the same port with the same workflows: the run's global server is in memory and shared, so it cannot be restarted.
 */
export class TemporalDevServer {
  private child: ChildProcess | undefined;
  private log = '';
  /** Every process this server has been (for the finally block's cleanup). */
  readonly processes: ChildProcess[] = [];

  constructor(
    readonly port: number,
    readonly dbFile: string,
    /** Dynamic config values (`--dynamic-config-value KEY=VALUE`), e.g. a shorter long poll. */
    private readonly dynamicConfig: Record<string, string> = {},
  ) {}

  /** `127.0.0.1:<port>`. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The server's own output (warnings and errors), for diagnosing a failed scenario. */
  output(): string {
    return this.log;
  }

  /** Starts the server and resolves once the default namespace and the bridge's search attributes answer. */
  async start(): Promise<void> {
    if (this.child && isRunning(this.child)) throw new Error('the dev server is already running');
    const executable = findTemporalExecutable('temporal');
    if (executable.type !== 'existing-path') throw new Error('no temporal CLI found (run scripts/install-temporal.sh)');
    const args = [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(this.port),
      '--db-filename',
      this.dbFile,
      '--log-level',
      'error',
    ];
    for (const key of BRIDGE_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=Keyword`);
    args.push(...devServerDynamicConfigArgs(this.dynamicConfig));
    const child = spawn(executable.path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.processes.push(child);
    const keep = (d: Buffer) => {
      // Only the tail matters; a busy server would otherwise grow this without bound.
      this.log = (this.log + d.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await waitFor(
      `the Temporal dev server on ${this.address}`,
      async () => {
        if (!isRunning(child))
          throw new Error(`the dev server exited (${child.exitCode ?? child.signalCode}): ${this.log.slice(-1000)}`);
        return this.ready();
      },
      Boolean,
      60_000,
    );
  }

  /** Stops the server: SIGTERM (graceful) or SIGKILL (a crash); waits until the process is gone and its DB free. */
  async stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<ExitInfo & { ms: number }> {
    const child = this.child;
    if (!child) return { code: null, signal: null, ms: 0 };
    const started = Date.now();
    const exit = signal === 'SIGKILL' ? await kill(child) : await stopChild(child, 30_000);
    return { ...exit, ms: Date.now() - started };
  }

  /** Stops whatever is still running (finally blocks). */
  async close(): Promise<void> {
    await Promise.all(this.processes.map((p) => kill(p)));
  }

  private async ready(): Promise<boolean> {
    const connection = await Connection.connect({ address: this.address, connectTimeout: 2_000 });
    try {
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      return BRIDGE_SEARCH_ATTRIBUTES.every((key) => key.name in (customAttributes ?? {}));
    } finally {
      await connection.close();
    }
  }
}
