import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** One request the proxy answered: a CONNECT tunnel or an absolute-URI request forwarded as is. */
export interface ProxiedRequest {
  kind: 'connect' | 'forward';
  /** `host:port` the client asked for. */
  target: string;
  /** Whether it was served; false when the proxy answered 407. */
  served: boolean;
}

/** A running forward proxy on 127.0.0.1. */
export interface ForwardProxy {
  /** `http://127.0.0.1:<port>`, without credentials. */
  url: string;
  port: number;
  /** Every request so far, in order. */
  readonly requests: readonly ProxiedRequest[];
  /** How many tunnels or forwarded requests were served to `host:port`. */
  served(target: string): number;
  close(): Promise<void>;
}

/** Who may use the proxy: without it, anyone. */
export interface ForwardProxyOptions {
  credentials?: { user: string; password: string };
}

/**
 * Starts a tiny HTTP forward proxy, as a corporate egress proxy behaves: CONNECT opens a TCP tunnel (the TLS inside is
 * the client's and the origin's business), an absolute-URI request (`GET http://host/path`) is forwarded. With
 * `credentials`, anything without the matching Basic `Proxy-Authorization` gets 407.
 */
export async function startForwardProxy(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const expected = options.credentials
    ? `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}`
    : undefined;
  const authorized = (req: IncomingMessage) =>
    expected === undefined || req.headers['proxy-authorization'] === expected;

  const server = createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URI expected');
      return;
    }
    const host = `${target.hostname}:${target.port || 80}`;
    const ok = authorized(req);
    requests.push({ kind: 'forward', target: host, served: ok });
    if (!ok) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="egress"' }).end();
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port || 80,
        method: req.method,
        path: target.pathname + target.search,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.once('error', () => res.headersSent || res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connection', track);
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    const ok = authorized(req);
    requests.push({ kind: 'connect', target, served: ok });
    if (!ok) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="egress"\r\n\r\n');
      return;
    }
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    const upstream = connect(port, host.replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.once('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    client.once('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    served: (target) => requests.filter((r) => r.served && r.target === target).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
