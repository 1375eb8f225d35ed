import type { Database } from '../persistence/database';
import type { Clock } from '../shared/clock';
import { databaseQuery } from '../persistence/database';
import type { NotificationOutbox } from './outbox';

import { AmqpChannel } from './channels/amqp';
import type { Channel } from './channels/channel';
import { EmailChannel, type EmailSettings } from './channels/email';
import { WebhookChannel } from './channels/webhook';
import { Dispatcher, type DispatcherOptions } from './dispatcher';
import { NotificationService } from './service';

/** A dispatcher on a runtime's database with the channels it can serve (e-mail only when SMTP is set). */
export function createDispatcher(
  runtime: { database: Database; clock: Clock },
  options: Partial<Omit<DispatcherOptions, 'query' | 'channels'>> & { email?: EmailSettings | null } = {},
): Dispatcher & { closeChannels(): Promise<void> } {
  const channels: Channel[] = [new WebhookChannel(), new AmqpChannel()];
  if (options.email) channels.push(new EmailChannel(options.email));
  const dispatcher = new Dispatcher({
    clock: runtime.clock,
    name: `dispatcher-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    ...options,
    query: databaseQuery(runtime.database),
    channels,
  });
  return Object.assign(dispatcher, {
    closeChannels: async () => {
      await Promise.all(channels.map((c) => c.close()));
    },
  });
}

/** The notification service of a runtime. */
export function notificationService(runtime: {
  database: Database;
  clock: Clock;
  notifications: NotificationOutbox;
}): NotificationService {
  return new NotificationService({
    database: runtime.database,
    clock: runtime.clock,
    outbox: runtime.notifications,
  });
}
