import { createRequire } from 'node:module';
import type Amqp from 'amqplib';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import type { DeliveryRow, EndpointRow } from '../../persistence/notification-store';
import { routingKeyOf } from '../messages';
import type { Channel } from './channel';

/** Exchange used when an endpoint names none: a durable topic exchange. */
export const DEFAULT_EXCHANGE = 'zhengzhi.events';

interface Connection {
  model: ChannelModel;
  channel: ConfirmChannel;
  exchanges: Set<string>;
}

/**
 * RabbitMQ publishing with publisher confirms: a message counts as sent when the broker acked it
 * (persistent messages on a durable exchange). One connection per endpoint URL, reopened after a failure.
 */
export class AmqpChannel implements Channel {
  readonly name = 'amqp' as const;
  readonly #connections = new Map<string, Promise<Connection>>();

  async send(delivery: DeliveryRow, endpoint: EndpointRow | null): Promise<void> {
    if (!endpoint) throw new Error(`endpoint ${delivery.target} no longer exists`);
    const exchange = endpoint.exchange ?? DEFAULT_EXCHANGE;
    const connection = await this.#connect(endpoint.url);
    try {
      if (!connection.exchanges.has(exchange)) {
        await connection.channel.assertExchange(exchange, 'topic', { durable: true });
        connection.exchanges.add(exchange);
      }
      const payload = delivery.payload;
      await new Promise<void>((resolve, reject) => {
        connection.channel.publish(
          exchange,
          routingKeyOf(payload),
          Buffer.from(JSON.stringify(payload)),
          {
            messageId: delivery.messageId,
            contentType: 'application/json',
            contentEncoding: 'utf-8',
            persistent: true,
            type: String(payload.kind),
            appId: 'zhengzhi',
          },
          (error) =>
            error
              ? reject(error instanceof Error ? error : new Error('broker nacked the message'))
              : resolve(),
        );
      });
    } catch (error) {
      this.#connections.delete(endpoint.url);
      void connection.model.close().catch(() => undefined);
      throw error;
    }
  }

  #connect(url: string): Promise<Connection> {
    let connection = this.#connections.get(url);
    if (!connection) {
      connection = (async () => {
        // Loaded on the first connection, not at start-up: most servers publish to no broker.
        const amqp = createRequire(__filename)('amqplib') as typeof Amqp;
        const model = await amqp.connect(url);
        const channel = await model.createConfirmChannel();
        const forget = () => this.#connections.delete(url);
        model.on('close', forget);
        model.on('error', forget);
        channel.on('error', forget);
        return { model, channel, exchanges: new Set<string>() };
      })();
      connection.catch(() => this.#connections.delete(url));
      this.#connections.set(url, connection);
    }
    return connection;
  }

  async close(): Promise<void> {
    const all = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.all(all.map((c) => c.then((x) => x.model.close()).catch(() => undefined)));
  }
}
