import { ConfigError } from '../config/config-error';
import { EnvReader, type ReadFile, readFileUtf8 } from '../config/env-reader';
import { readTemporalConfig } from '../config/load-config';
import type { LogLevel, TemporalConfig } from '../config/types';
import { parseTrustedProxies, type TrustedProxies } from './client-address';

/** Shortest token accepted: long enough that guessing it online is hopeless. */
export const MIN_TOKEN_LENGTH = 16;

/** Signature algorithms a codec JWT may use; symmetric ones are left out, since the key comes from a public JWKS. */
export const JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/** How JWTs from the Temporal Web UI's "pass access token" option are verified. */
export interface CodecJwtConfig {
  jwksUrl: URL;
  issuer: string;
  audience: string;
  algorithms: string[];
  clockToleranceSeconds: number;
}

/** Who may call the codec endpoints; absent in {@link WebConfig} means the codec is off (404). */
export interface CodecAuthConfig {
  /** Static bearer token for the temporal CLI's `--codec-auth` and scripts; also what the browser sign-in takes. */
  token?: string;
  jwt?: CodecJwtConfig;
  /** Lifetime of the session cookie the sign-in hands out. */
  sessionMinutes: number;
}

/** Everything the web process needs: Temporal, its tokens and the payload key; no OneView or PagerDuty secret. */
export interface WebConfig {
  temporal: TemporalConfig;
  host: string;
  port: number;
  /** Only the OneView webhook. */
  webhookToken: string;
  /** force-poll, test-connection and the detailed /health; absent: those answer 403. */
  operatorToken?: string;
  codec?: CodecAuthConfig;
  /** Origin of the Temporal Web UI allowed to call the codec endpoint. */
  codecCorsOrigin: string;
  /** Proxies whose X-Forwarded-For is believed. */
  trustedProxies: TrustedProxies;
  /** Calls per authenticated caller (or per address for anonymous calls). */
  rateLimit: { perMinute: number; burst: number };
  /** Failed authentications per client address. */
  authFailureLimit: { perMinute: number; burst: number };
  logLevel: LogLevel;
}

/** Loads the web process's configuration, listing every problem at once and never echoing a secret. */
export function loadWebConfig(env: Record<string, string | undefined>, readFile: ReadFile = readFileUtf8): WebConfig {
  const reader = new EnvReader(env, readFile);
  const temporal = readTemporalConfig(reader);
  const webhookToken = reader.secret('WEBHOOK_TOKEN') ?? '';
  const operatorToken = reader.secret('OPERATOR_TOKEN', false);
  const codecToken = reader.secret('CODEC_AUTH_TOKEN', false);
  const tokens: [string, string | undefined][] = [
    ['WEBHOOK_TOKEN', webhookToken],
    ['OPERATOR_TOKEN', operatorToken],
    ['CODEC_AUTH_TOKEN', codecToken],
  ];
  for (const [name, value] of tokens) {
    if (value && value.length < MIN_TOKEN_LENGTH)
      reader.problems.push(`${name} must be at least ${MIN_TOKEN_LENGTH} characters`);
  }
  // One token per role: a leaked webhook token (it sits in OneView's configuration) must not steer pollers or decrypt history.
  tokens.forEach(([name, value], i) => {
    for (const [other, otherValue] of tokens.slice(i + 1)) {
      if (value && otherValue && value === otherValue) reader.problems.push(`${name} and ${other} must differ`);
    }
  });
  const jwt = readCodecJwt(reader);
  const corsOrigin = reader.optional('CODEC_CORS_ORIGIN') ?? 'http://localhost:8233';
  const codecCorsOrigin = originOf(corsOrigin);
  if (!codecCorsOrigin)
    reader.problems.push(
      `CODEC_CORS_ORIGIN must be an origin like https://temporal-ui.example.com (scheme, host, optional port), got '${corsOrigin}'`,
    );
  const trusted = parseTrustedProxies(reader.optional('WEB_TRUSTED_PROXIES') ?? '');
  if ('problems' in trusted) reader.problems.push(...trusted.problems.map((p) => `WEB_TRUSTED_PROXIES: ${p}`));
  const sessionMinutes = reader.integer('CODEC_SESSION_MINUTES', 60, 1, 720);
  const settings = {
    host: reader.optional('WEB_HOST') ?? '0.0.0.0',
    port: reader.integer('WEB_PORT', 8080, 0, 65_535),
    rateLimit: {
      perMinute: reader.integer('WEB_RATE_LIMIT_PER_MINUTE', 50, 1, 100_000),
      burst: reader.integer('WEB_RATE_LIMIT_BURST', 10, 1, 100_000),
    },
    authFailureLimit: {
      perMinute: reader.integer('WEB_AUTH_FAILURE_LIMIT_PER_MINUTE', 10, 1, 100_000),
      burst: reader.integer('WEB_AUTH_FAILURE_BURST', 5, 1, 100_000),
    },
    logLevel: reader.oneOf('LOG_LEVEL', ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const, 'INFO'),
  };
  if (reader.problems.length > 0 || 'problems' in trusted || !codecCorsOrigin) throw new ConfigError(reader.problems);
  return {
    temporal,
    ...settings,
    webhookToken,
    ...(operatorToken ? { operatorToken } : {}),
    ...(codecToken || jwt
      ? { codec: { ...(codecToken ? { token: codecToken } : {}), ...(jwt ? { jwt } : {}), sessionMinutes } }
      : {}),
    codecCorsOrigin,
    trustedProxies: trusted,
  };
}

/** The three CODEC_JWT_* settings, all or none, with the algorithm allow-list and the clock tolerance. */
function readCodecJwt(reader: EnvReader): CodecJwtConfig | undefined {
  const names = ['CODEC_JWT_JWKS_URL', 'CODEC_JWT_ISSUER', 'CODEC_JWT_AUDIENCE'] as const;
  const [jwksUrl, issuer, audience] = names.map((n) => reader.optional(n));
  const set = names.filter((_n, i) => [jwksUrl, issuer, audience][i] !== undefined);
  const algorithms = (reader.optional('CODEC_JWT_ALGORITHMS') ?? 'RS256,ES256')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const clockToleranceSeconds = reader.integer('CODEC_JWT_CLOCK_TOLERANCE_SECONDS', 30, 0, 300);
  if (set.length === 0) return undefined;
  if (set.length < names.length) {
    reader.problems.push(
      `${names.join(', ')} must be set together (missing: ${names.filter((n) => !set.includes(n)).join(', ')})`,
    );
    return undefined;
  }
  const unknown = algorithms.filter((a) => !(JWT_ALGORITHMS as readonly string[]).includes(a));
  if (algorithms.length === 0 || unknown.length > 0) {
    reader.problems.push(
      `CODEC_JWT_ALGORITHMS must list some of ${JWT_ALGORITHMS.join(', ')}${unknown.length ? `, got '${unknown.join(',')}'` : ''}`,
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(jwksUrl!);
  } catch {
    reader.problems.push(`CODEC_JWT_JWKS_URL must be a URL, got '${jwksUrl}'`);
  }
  // Keys fetched over plain HTTP could be swapped by anyone on the path; loopback stays on this machine.
  if (url && !(url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)))) {
    reader.problems.push(`CODEC_JWT_JWKS_URL must be https:// (or http:// on a loopback address), got '${jwksUrl}'`);
  }
  return url ? { jwksUrl: url, issuer: issuer!, audience: audience!, algorithms, clockToleranceSeconds } : undefined;
}

/** Whether a URL host names this machine's loopback interface. */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) ||
    hostname === '[::1]' ||
    hostname === '::1'
  );
}

/** The origin a browser would send for this value (scheme://host[:port]), or undefined when it is not one. */
function originOf(value: string): string | undefined {
  try {
    const url = new URL(value);
    const ok = (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '');
    return ok ? url.origin : undefined;
  } catch {
    return undefined;
  }
}
