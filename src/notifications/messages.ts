import type { StoredEvent } from '../persistence/event-store';
import type { NotificationRow } from '../persistence/notification-store';

/** Version of the message format below (README "Message format"); bumped on an incompatible change. */
export const MESSAGE_SCHEMA = 'zhengzhi.message/1';

/**
 * A message for other systems: one event of the log. `id` is stable (`evt:<streamId>:<sequence>`): a
 * redelivery carries the same id, so consumers deduplicate on it (delivery is at-least-once).
 */
export function eventMessage(
  streamType: string,
  event: StoredEvent,
  state: string,
): Record<string, unknown> & { id: string } {
  return {
    schema: MESSAGE_SCHEMA,
    id: `evt:${event.streamId}:${event.sequence}`,
    kind: 'event',
    event: {
      globalPosition: event.globalPosition,
      streamType,
      streamId: event.streamId,
      sequence: event.sequence,
      type: event.type,
      payload: event.payload,
      actorId: event.actorId,
      unitId: event.unitId,
      occurredAt: event.occurredAt,
      recordedAt: event.recordedAt,
      machineVersion: event.machineVersion,
      prevHash: event.prevHash,
      hash: event.hash,
    },
    state,
  };
}

/** A message for other systems: a notification told to a person (its id is the notification's id). */
export function notificationMessage(row: NotificationRow): Record<string, unknown> & { id: string } {
  return {
    schema: MESSAGE_SCHEMA,
    id: row.id,
    kind: 'notification',
    notification: {
      kind: row.kind,
      recipientId: row.recipientId,
      streamId: row.streamId,
      eventPosition: row.eventPosition,
      subject: row.subject,
      body: row.body,
      createdAt: row.createdAt,
    },
  };
}

/**
 * Whether an endpoint subscribed to a topic (`event.<streamType>.<EVENT>` or `notification.<kind>`).
 * A pattern is exact or ends in `*` (prefix). No patterns: every event (not notifications).
 */
export function matchesTopic(patterns: readonly string[] | null, topic: string): boolean {
  const list = patterns && patterns.length > 0 ? patterns : ['event.*'];
  return list.some((p) => (p.endsWith('*') ? topic.startsWith(p.slice(0, -1)) : p === topic));
}

/** The RabbitMQ routing key of a message: `<streamType>.<EVENT>` or `notification.<kind>`. */
export function routingKeyOf(message: Record<string, unknown>): string {
  if (message.kind === 'event') {
    const event = message.event as { streamType: string; type: string };
    return `${event.streamType}.${event.type}`;
  }
  return `notification.${(message.notification as { kind: string }).kind}`;
}
