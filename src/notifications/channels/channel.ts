import type { DeliveryRow, EndpointRow } from '../../persistence/notification-store';

/**
 * A way out of the system. `send` resolves only once the other side confirmed (SMTP 250, HTTP 2xx,
 * RabbitMQ publisher confirm); anything else rejects and the delivery is retried.
 */
export interface Channel {
  readonly name: DeliveryRow['channel'];
  send(delivery: DeliveryRow, endpoint: EndpointRow | null): Promise<void>;
  close(): Promise<void>;
}
