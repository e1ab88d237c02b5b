import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createInternalCa, type InternalCa, type KeyPair } from './internal-ca';

const run = promisify(execFile);

/** Where Debian's rabbitmq-server package puts the scripts that run a broker without systemd or a service user. */
const SBIN = process.env.RABBITMQ_SBIN ?? '/usr/lib/rabbitmq/bin';

/** The AMQP user the publisher of the simulated appliance connects as (its client certificate's CN). */
export const PUBLISHER_USER = 'oneview-scmb-publisher';

/** One connection as the broker lists it. */
export interface BrokerConnection {
  user: string;
  peerPort: number;
  state: string;
}

/**
 * A RabbitMQ broker configured the way an HPE OneView appliance's message bus is: TLS only on 127.0.0.1, client
 * certificates required and verified against the appliance's internal CA, SASL EXTERNAL the only mechanism, the AMQP
 * user taken from the certificate's CN.
 */
export interface RabbitBroker {
  /** `amqps://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** The internal CA that signed the broker's certificate and signs client certificates. */
  internalCa: InternalCa;
  /** The publisher's client certificate (user PUBLISHER_USER). */
  publisher: KeyPair;
  /** Creates the AMQP user a client certificate with this CN logs in as (no password: EXTERNAL only). */
  addUser(name: string): Promise<void>;
  /** Every client connection, as `rabbitmqctl list_connections` reports it. */
  connections(): Promise<BrokerConnection[]>;
  /** Closes every connection of one user (or every connection), as an appliance restarting its broker would. */
  closeConnections(user?: string): Promise<number>;
  /** Stops the broker's listener and every connection, keeping the node (as `rabbitmqctl stop_app`). */
  stopApp(): Promise<void>;
  /** Starts it again after stopApp. */
  startApp(): Promise<void>;
  stop(): Promise<void>;
}

/** Whether this machine has the broker (scripts/install-system-deps.sh installs it from Debian). */
export function rabbitMqInstalled(): boolean {
  return existsSync(join(SBIN, 'rabbitmq-server'));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts a throw-away broker on free loopback ports, in a temporary directory removed again by `stop`. */
export async function startRabbitBroker(): Promise<RabbitBroker> {
  if (!rabbitMqInstalled())
    throw new Error(`RabbitMQ is not installed (${SBIN}/rabbitmq-server): run bash scripts/install-system-deps.sh`);
  const dir = mkdtempSync(join(tmpdir(), 'scmb-broker-'));
  const [port, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  const internalCa = await createInternalCa();
  const server = await internalCa.issue('localhost', 'server');
  const publisher = await internalCa.issue(PUBLISHER_USER, 'client');
  writeFileSync(join(dir, 'ca.pem'), internalCa.ca.cert);
  writeFileSync(join(dir, 'server.pem'), server.cert);
  writeFileSync(join(dir, 'server.key'), server.key, { mode: 0o600 });
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      'listeners.tcp = none',
      `listeners.ssl.default = 127.0.0.1:${port}`,
      `ssl_options.cacertfile = ${join(dir, 'ca.pem')}`,
      `ssl_options.certfile = ${join(dir, 'server.pem')}`,
      `ssl_options.keyfile = ${join(dir, 'server.key')}`,
      'ssl_options.verify = verify_peer',
      'ssl_options.fail_if_no_peer_cert = true',
      'auth_mechanisms.1 = EXTERNAL',
      'ssl_cert_login_from = common_name',
      'log.console = false',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_auth_mechanism_ssl].\n');
  const node = `scmb-${port}@localhost`;
  const env = {
    ...process.env,
    HOME: dir,
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_NODENAME: node,
    RABBITMQ_DIST_PORT: String(distPort),
    ERL_EPMD_PORT: String(epmdPort),
  };
  const ctl = async (...args: string[]) =>
    (await run(join(SBIN, 'rabbitmqctl'), ['-n', node, ...args], { env, timeout: 60_000 })).stdout;

  const child: ChildProcess = spawn(join(SBIN, 'rabbitmq-server'), [], { env, detached: true, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killGroup);
  const started = await Promise.race([
    (async () => {
      // The node answers rabbitmqctl only once it is registered with epmd; until then each call fails at once.
      for (let i = 0; i < 120; i++) {
        try {
          await ctl('await_startup', '--timeout', '60');
          return true;
        } catch {
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      return false;
    })(),
    exited.then(() => false),
  ]);
  if (!started) {
    killGroup();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`RabbitMQ did not start: ${output.slice(-2000)}`);
  }
  const addUser = async (name: string) => {
    // A certificate generated again (after a simulator reset) maps to the same user: one that exists is fine.
    await ctl('add_user', name, `unused-${Math.random()}`).catch((err: Error) => {
      if (!/already.exists/i.test(`${err.message} ${(err as { stdout?: string }).stdout ?? ''}`)) throw err;
    });
    await ctl('clear_password', name);
    await ctl('set_permissions', '-p', '/', name, '.*', '.*', '.*');
  };
  await addUser(PUBLISHER_USER);

  const connections = async (): Promise<BrokerConnection[]> => {
    const out = await ctl('list_connections', 'user', 'peer_port', 'state', '--formatter', 'json', '--quiet');
    const list = JSON.parse(out.trim() || '[]') as { user: string; peer_port: number; state: string }[];
    return list.map((c) => ({ user: c.user, peerPort: c.peer_port, state: c.state }));
  };
  return {
    url: `amqps://127.0.0.1:${port}`,
    port,
    internalCa,
    publisher,
    addUser,
    connections,
    async closeConnections(user) {
      const before = (await connections()).filter((c) => user === undefined || c.user === user).length;
      if (user === undefined) await ctl('close_all_connections', 'closed by the simulator');
      else await ctl('close_all_user_connections', user, 'closed by the simulator');
      return before;
    },
    async stopApp() {
      await ctl('stop_app');
    },
    async startApp() {
      await ctl('start_app');
    },
    async stop() {
      await ctl('stop').catch(() => undefined);
      killGroup();
      // The epmd the broker started outlives it; it answers only on this broker's own port.
      await run('epmd', ['-port', String(epmdPort), '-kill'], { env, timeout: 10_000 }).catch(() => undefined);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      process.removeListener('exit', killGroup);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
