import { ConfigError } from '../config/config-error';
import { EnvReader, type ReadFile, readFileUtf8 } from '../config/env-reader';
import { readTemporalConfig } from '../config/load-config';
import type { LogLevel, TemporalConfig } from '../config/types';

/** Everything the web process needs: Temporal, the webhook token and the payload key; no OneView or PagerDuty secret. */
export interface WebConfig {
  temporal: TemporalConfig;
  host: string;
  port: number;
  webhookToken: string;
  /** Origin of the Temporal Web UI allowed to call the codec endpoint. */
  codecCorsOrigin: string;
  rateLimit: { perMinute: number; burst: number };
  logLevel: LogLevel;
}

/** Loads the web process's configuration, listing every problem at once. */
export function loadWebConfig(env: Record<string, string | undefined>, readFile: ReadFile = readFileUtf8): WebConfig {
  const reader = new EnvReader(env, readFile);
  const temporal = readTemporalConfig(reader);
  const webhookToken = reader.secret('WEBHOOK_TOKEN') ?? '';
  if (webhookToken && webhookToken.length < 16) reader.problems.push('WEBHOOK_TOKEN must be at least 16 characters');
  const config: WebConfig = {
    temporal,
    host: reader.optional('WEB_HOST') ?? '0.0.0.0',
    port: reader.integer('WEB_PORT', 8080, 0, 65_535),
    webhookToken,
    codecCorsOrigin: reader.optional('CODEC_CORS_ORIGIN') ?? 'http://localhost:8233',
    rateLimit: {
      perMinute: reader.integer('WEB_RATE_LIMIT_PER_MINUTE', 50, 1, 100_000),
      burst: reader.integer('WEB_RATE_LIMIT_BURST', 10, 1, 100_000),
    },
    logLevel: reader.oneOf('LOG_LEVEL', ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const, 'INFO'),
  };
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return config;
}
