import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications (issue 14): the transactional outbox. `notifications` is what a person is told (their
 * inbox); `notification_deliveries` is one row per message and channel still to send (e-mail, webhook,
 * RabbitMQ), leased by dispatchers with SKIP LOCKED. Both are written in the transaction of the event
 * that caused them.
 */
export class Notifications1733314140000 implements MigrationInterface {
  name = 'Notifications1733314140000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE notifications (
        id text PRIMARY KEY,
        kind text NOT NULL,
        recipient_id text NOT NULL REFERENCES users(id),
        stream_id text,
        event_position bigint,
        dedup_key text UNIQUE,
        subject text NOT NULL,
        body text NOT NULL,
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        read_at timestamptz
      )`);
    await runner.query(
      `CREATE INDEX notifications_inbox ON notifications (recipient_id, created_at DESC, id)`,
    );
    await runner.query(
      `CREATE INDEX notifications_unread ON notifications (recipient_id) WHERE read_at IS NULL`,
    );
    await runner.query(`
      CREATE TABLE notification_endpoints (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('webhook', 'amqp')),
        url text NOT NULL,
        secret text,
        exchange text,
        topics text[],
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE notification_deliveries (
        id bigserial PRIMARY KEY,
        message_id text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('email', 'webhook', 'amqp')),
        target text NOT NULL,
        recipient_id text,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        lease_owner text,
        lease_until timestamptz,
        last_error text,
        created_at timestamptz NOT NULL,
        delivered_at timestamptz,
        UNIQUE (message_id, channel, target)
      )`);
    await runner.query(
      `CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at, id) WHERE status = 'pending'`,
    );
    await runner.query(
      `CREATE INDEX notification_deliveries_dead ON notification_deliveries (id) WHERE status = 'dead'`,
    );
    await runner.query(`
      CREATE TABLE notification_preferences (
        user_id text PRIMARY KEY REFERENCES users(id),
        channels text[] NOT NULL,
        email text,
        quiet_start smallint CHECK (quiet_start BETWEEN 0 AND 23),
        quiet_end smallint CHECK (quiet_end BETWEEN 0 AND 23),
        digest boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE notification_templates (
        kind text PRIMARY KEY,
        subject text NOT NULL,
        body text NOT NULL,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    // Due-soon reminders look for item deadlines in a window on every clock pass.
    await runner.query(
      `CREATE INDEX streams_open_deadlines ON streams (deadline) WHERE deadline IS NOT NULL AND NOT overdue`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX streams_open_deadlines`);
    await runner.query(`DROP TABLE notification_templates`);
    await runner.query(`DROP TABLE notification_preferences`);
    await runner.query(`DROP TABLE notification_deliveries`);
    await runner.query(`DROP TABLE notification_endpoints`);
    await runner.query(`DROP TABLE notifications`);
  }
}
