import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * How the proxy treats connections:
 * - `pass`: forwards bytes both ways (TLS passes through untouched);
 * - `refuse`: does not listen at all, so connecting fails with ECONNREFUSED;
 * - `blackhole`: accepts connections and never answers, so the client's own timeouts fire.
 */
export type ProxyMode = 'pass' | 'refuse' | 'blackhole';

/** What the proxy saw, for assertions and reports. */
export interface ProxyStats {
  /** Connections accepted in pass mode. */
  passed: number;
  /** Connections accepted in blackhole mode. */
  blackholed: number;
  /** Blackholed connections the client gave up on itself (its connect or request timeout), with how long it waited. */
  abandonedByClient: number[];
}

/** A running TCP proxy on 127.0.0.1. */
export interface TcpProxy {
  port: number;
  mode(): ProxyMode;
  /** Switches mode; every open connection is cut, so pooled keep-alive connections see the change at once. */
  setMode(mode: ProxyMode): Promise<void>;
  stats(): ProxyStats;
  close(): Promise<void>;
}

/**
 * A small TCP proxy in front of a simulator, for outages the simulator cannot play itself: a host that refuses
 * connections for a while, then one that accepts and never answers. It listens on the same port again after `refuse`.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'pass';
  let port = 0;
  let closed = false;
  const open = new Set<Socket>();
  const cutByUs = new WeakSet<Socket>();
  const stats: ProxyStats = { passed: 0, blackholed: 0, abandonedByClient: [] };

  const track = (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };
  const cut = (socket: Socket) => {
    cutByUs.add(socket);
    socket.destroy();
  };

  const server: Server = createServer((client) => {
    track(client);
    client.on('error', () => cut(client));
    if (mode === 'blackhole') {
      stats.blackholed++;
      const since = Date.now();
      // Read and drop whatever the client sends (a TLS ClientHello, a request); never write a byte back.
      client.resume();
      client.once('close', () => {
        if (!cutByUs.has(client)) stats.abandonedByClient.push(Date.now() - since);
      });
      return;
    }
    stats.passed++;
    const upstream = connect({ host: target.host, port: target.port });
    track(upstream);
    upstream.on('error', () => {
      cut(upstream);
      cut(client);
    });
    client.on('close', () => cut(upstream));
    upstream.on('close', () => cut(client));
    client.pipe(upstream);
    upstream.pipe(client);
  });

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  const cutAll = () => {
    for (const socket of open) cut(socket);
  };

  await listen();
  return {
    port,
    mode: () => mode,
    stats: () => ({ ...stats, abandonedByClient: [...stats.abandonedByClient] }),
    async setMode(next) {
      if (closed) throw new Error('the proxy is closed');
      const wasListening = server.listening;
      mode = next;
      if (next === 'refuse') {
        const stopped = stopListening();
        cutAll();
        await stopped;
        return;
      }
      cutAll();
      if (!wasListening) await listen();
    },
    async close() {
      closed = true;
      const stopped = stopListening();
      cutAll();
      await stopped;
    },
  };
}
