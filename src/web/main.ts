import { createTemporalClient } from '../client/temporal-client';
import { loadOrExit } from '../config/load-or-exit';
import { startWebServer } from './server';
import { loadWebConfig } from './web-config';

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

async function run(): Promise<void> {
  const config = loadOrExit(() => loadWebConfig(process.env));
  const threshold = LEVELS.indexOf(config.logLevel);
  const log = (level: 'info' | 'warn' | 'error', msg: string, meta: Record<string, unknown>) => {
    if (LEVELS.indexOf(level.toUpperCase()) >= threshold) process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...meta })}\n`);
  };
  const client = await createTemporalClient(config.temporal);
  const server = await startWebServer({ config, client, log });
  log('info', 'web started', { port: server.port });
  const stop = () => {
    void server.close().then(() => client.connection.close()).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

run().catch((err: unknown) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'web failed', error: String(err) })}\n`);
  process.exit(1);
});
