import { connect, credentials, type Channel, type ChannelModel } from 'amqplib';
import type { RabbitBroker } from '../rabbitmq/broker';
import type { AlertChangeType, AlertStore } from './alert-store';
import type { OneViewAlert } from './types';

/** The topic exchange OneView publishes state changes to. */
export const SCMB_EXCHANGE = 'scmb';

/** Faults a test can put on the message bus (`POST /_sim/scmb`). */
export interface ScmbFaults {
  /** Hold every message this long before publishing it (order is kept). */
  delayMs?: number;
  /** Drop the next N messages instead of publishing them. */
  dropMessages?: number;
}

/** What the publisher did, for `GET /_sim/scmb`. */
export interface ScmbPublisherStats {
  published: number;
  dropped: number;
  /** Messages lost because the broker was unreachable when they were due (an appliance loses them too). */
  undeliverable: number;
}

/** The message body OneView's SCMB carries for a change of one alert (shape of the reference samples). */
export function scmbMessage(
  changeType: AlertChangeType,
  alert: OneViewAlert,
  changedAttributes: string[],
  user: boolean,
) {
  return {
    resourceUri: alert.uri,
    changeType,
    newState: alert.alertState,
    newSubState: null,
    eTag: alert.eTag,
    timestamp: new Date().toISOString(),
    resource: alert,
    associatedTask: null,
    userInitiatedTask: user,
    changedAttributes,
    data: null,
  };
}

/**
 * Publishes every change of the store to the broker as `scmb.alerts.<changeType>.<uri>`, in the order they happened,
 * connecting as the appliance's publisher user with its client certificate.
 */
export class ScmbPublisher {
  readonly stats: ScmbPublisherStats = { published: 0, dropped: 0, undeliverable: 0 };
  faults: ScmbFaults = {};
  private connection?: ChannelModel;
  private channel?: Channel;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly broker: RabbitBroker,
    store: AlertStore,
  ) {
    store.onChange((changeType, alert, changedAttributes, user) => {
      // A snapshot now: the alert object changes in place later.
      const body = Buffer.from(JSON.stringify(scmbMessage(changeType, alert, changedAttributes, user)));
      const routingKey = `scmb.alerts.${changeType}.${alert.uri}`;
      this.chain = this.chain.then(() => this.publish(routingKey, body));
    });
  }

  /** Connects and declares the exchange, which exists on a real appliance before anyone subscribes. */
  async start(): Promise<void> {
    await this.open();
  }

  /** Resolves once every change so far has been published, dropped or found undeliverable. */
  settled(): Promise<void> {
    return this.chain;
  }

  private async publish(routingKey: string, body: Buffer): Promise<void> {
    if (this.faults.delayMs) await new Promise((r) => setTimeout(r, this.faults.delayMs));
    if ((this.faults.dropMessages ?? 0) > 0) {
      this.faults.dropMessages!--;
      this.stats.dropped++;
      return;
    }
    try {
      const channel = await this.open();
      channel.publish(SCMB_EXCHANGE, routingKey, body, { contentType: 'application/json' });
      this.stats.published++;
    } catch {
      this.stats.undeliverable++;
      await this.forget();
    }
  }

  private async open(): Promise<Channel> {
    if (this.channel) return this.channel;
    const connection = await connect(this.broker.url, {
      credentials: credentials.external(),
      cert: this.broker.publisher.cert,
      key: this.broker.publisher.key,
      ca: [this.broker.internalCa.ca.cert],
      servername: 'localhost',
    });
    connection.on('error', () => undefined);
    connection.on('close', () => {
      if (this.connection === connection) {
        this.connection = undefined;
        this.channel = undefined;
      }
    });
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    await channel.assertExchange(SCMB_EXCHANGE, 'topic', { durable: true });
    this.connection = connection;
    this.channel = channel;
    return channel;
  }

  private async forget(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.channel = undefined;
    await connection?.close().catch(() => undefined);
  }

  /** Waits for what is queued, then closes the publisher's connection. */
  async close(): Promise<void> {
    await this.chain;
    await this.forget();
  }
}
