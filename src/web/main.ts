import { collectDefaultMetrics } from 'prom-client';
import { createTemporalClient } from '../client/temporal-client';
import { loadOrExit } from '../config/load-or-exit';
import { temporalSecretValues } from '../config/temporal-secrets';
import { createJsonLogger } from '../logging/json-logger';
import { startWebServer } from './server';
import { loadWebConfig, type WebConfig } from './web-config';

async function run(): Promise<void> {
  const config = loadOrExit(() => loadWebConfig(process.env));
  // The worker's logger, with the web process's own secrets scrubbed from every line whatever code logs them.
  const log = createJsonLogger(config.logLevel, undefined, webSecrets(config));
  const client = await createTemporalClient(config.temporal);
  const server = await startWebServer({ config, client, log });
  // Heap, event-loop lag, GC and file descriptors: what tells a slow web process from a slow Temporal.
  collectDefaultMetrics({ register: server.registry });
  log.info('web started', {
    port: server.port,
    operatorEndpoints: config.operatorToken ? 'on' : 'off (OPERATOR_TOKEN unset)',
    codec: config.codec
      ? [config.codec.token && 'token and browser sign-in', config.codec.jwt && 'JWT'].filter(Boolean).join(', ')
      : 'off (no CODEC_AUTH_TOKEN or CODEC_JWT_*)',
    trustedProxies: config.trustedProxies.entries,
  });
  const stop = () => {
    void server
      .close()
      .then(() => client.connection.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Every secret value the web process holds, for the logger to scrub. */
function webSecrets(config: WebConfig): string[] {
  return [config.webhookToken, config.operatorToken, config.codec?.token]
    .filter((s): s is string => Boolean(s))
    .concat(temporalSecretValues(config.temporal));
}

run().catch((err: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'web failed', error: String(err) })}\n`,
  );
  process.exit(1);
});
