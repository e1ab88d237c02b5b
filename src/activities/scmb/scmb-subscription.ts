import { connect, credentials, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { isIP } from 'node:net';
import type { ScmbCredentials } from './scmb-credentials';

/** OneView's topic exchange, and every alert change on it (the clear comes as `Updated`, not `Created`). */
const EXCHANGE = 'scmb';
const ALERT_CHANGES = 'scmb.alerts.#';
/** Messages the broker hands over before the consumer acknowledges: bounds memory, keeps a burst flowing. */
const PREFETCH = 100;
/** AMQP heartbeat: a dead broker or network path is noticed within about twice this. */
const HEARTBEAT_SECONDS = 15;
const CONNECT_TIMEOUT_MS = 15_000;

/** One live subscription: messages arrive through `onMessages` in order, in batches of what is ready. */
export interface ScmbSubscription {
  /** Resolves when the connection ends, with why. */
  closed: Promise<Error | undefined>;
  /** Acknowledges every message up to and including this one. */
  ackUpTo(message: ConsumeMessage): void;
  close(): Promise<void>;
}

/**
 * Connects to an appliance's message bus as OneView's own clients do: TLS verified against the appliance's internal
 * CA, SASL EXTERNAL with its client certificate, a server-named exclusive queue bound to every alert change.
 */
export async function subscribeScmb(
  host: string,
  port: number,
  creds: ScmbCredentials,
  onMessage: (message: ConsumeMessage) => void,
): Promise<ScmbSubscription> {
  const connection: ChannelModel = await connect(`amqps://${host}:${port}?heartbeat=${HEARTBEAT_SECONDS}`, {
    credentials: credentials.external(),
    cert: creds.cert,
    key: creds.key,
    ca: [creds.ca],
    // SNI takes host names only; an IP address is still checked against the certificate's IP SANs.
    ...(isIP(host) ? {} : { servername: host }),
    timeout: CONNECT_TIMEOUT_MS,
  });
  let resolveClosed: (why: Error | undefined) => void = () => undefined;
  const closed = new Promise<Error | undefined>((resolve) => (resolveClosed = resolve));
  let lastError: Error | undefined;
  connection.on('error', (err: Error) => (lastError = err));
  connection.on('close', (err?: Error) => resolveClosed(err ?? lastError));
  let channel: Channel;
  try {
    channel = await connection.createChannel();
    channel.on('error', (err: Error) => (lastError = err));
    // A channel closed by the broker (a permission or queue error) ends the subscription like a lost connection.
    channel.on('close', () => void connection.close().catch(() => undefined));
    await channel.prefetch(PREFETCH);
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    await channel.bindQueue(queue, EXCHANGE, ALERT_CHANGES);
    await channel.consume(queue, (m) => {
      // null: the broker cancelled the consumer (queue deleted); the subscription ends.
      if (m === null) void connection.close().catch(() => undefined);
      else onMessage(m);
    });
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw err;
  }
  return {
    closed,
    ackUpTo: (message) => channel.ack(message, true),
    close: async () => {
      await connection.close().catch(() => undefined);
    },
  };
}
