import type { ConnectionOptions } from 'node:tls';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { egressProxySettings } from '../config/egress-proxy';

/** How one outbound connection pool (to an appliance, to PagerDuty) connects. */
export interface OutboundAgentOptions {
  /** @default 10_000 */
  connectTimeoutMs?: number;
  /** @default 30_000 */
  keepAliveTimeoutMs?: number;
  /** Connections per origin; undefined = no limit. */
  connections?: number;
  /** TLS of the connection to the server itself (the appliance, PagerDuty); never applied to the proxy. */
  tls?: Pick<ConnectionOptions, 'rejectUnauthorized' | 'secureContext'>;
}

/**
 * The dispatcher for outbound HTTP: an `EnvHttpProxyAgent` when a proxy variable is set, a plain `Agent` otherwise.
 * The variables are read once, here: a client keeps the proxy it was built with. Through a proxy, `https://` origins
 * are reached by a CONNECT tunnel and their certificate is verified end to end with `tls`; `http://` origins are
 * tunnelled too (undici's default), so a proxy's refusal is a network error, never mistaken for the origin's answer.
 */
export function outboundDispatcher(options: OutboundAgentOptions = {}, env = process.env): Dispatcher {
  const connectTimeout = options.connectTimeoutMs ?? 10_000;
  const pool = {
    connectTimeout,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    ...(options.connections === undefined ? {} : { connections: options.connections }),
  };
  const proxy = egressProxySettings(env);
  if (!proxy) return new Agent({ ...pool, connect: { ...options.tls } });
  return new EnvHttpProxyAgent({
    ...pool,
    // Passed explicitly, '' included: undici would otherwise read the variables itself (NO_PROXY at every request).
    ...proxy,
    // Hosts in NO_PROXY are reached by a plain Agent, which takes `connect`.
    connect: { ...options.tls },
    // Proxied, undici replaces `connect` with its tunnel: the origin's TLS inside the tunnel takes `requestTls`, the
    // connection to the proxy takes `proxyTls` (an https:// proxy is verified against Node's default CAs, not the
    // appliance's). Each connector has its own timeout, which `connectTimeout` does not reach.
    requestTls: { ...options.tls, timeout: connectTimeout },
    proxyTls: { timeout: connectTimeout },
  });
}

/**
 * A proxy's refusal as undici reports it (its messages carry a status, never the proxy's URL), or undefined for any
 * other failure.
 */
export function describeProxyRefusal(err: unknown): string | undefined {
  for (const e of [err, (err as { cause?: unknown } | null)?.cause]) {
    const message = (e as { message?: unknown } | null | undefined)?.message;
    if (typeof message !== 'string') continue;
    const status = /^Proxy response \((\d{3})\) !== 200 when HTTP Tunneling$/.exec(message)?.[1];
    if (status) return `the egress proxy refused the tunnel (${status}${status === '407' ? ': authentication' : ''})`;
  }
  return undefined;
}
