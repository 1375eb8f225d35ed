import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the campaign dashboard (issue 9): its counts read only these (index-only scans once the
 * table is vacuumed) instead of the stream heads, whose rows carry the snapshots.
 */
export class DashboardIndexes1733600000000 implements MigrationInterface {
  name = 'DashboardIndexes1733600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE INDEX streams_item_dashboard ON streams (campaign_id, unit_path text_pattern_ops)
        INCLUDE (stream_id, state, category, unit_id, overdue) WHERE stream_type = 'item'`,
    );
    // REGISTER and ACCEPT exist only on item streams: the trend's registrations and closings.
    await runner.query(
      `CREATE INDEX events_item_milestones ON events (stream_id) INCLUDE (type, occurred_at)
        WHERE type IN ('REGISTER', 'ACCEPT')`,
    );

    // The trend groups events by their Shanghai calendar day: without statistics on that expression the
    // planner guesses one group per event and sorts 100,000 rows instead of hashing a few hundred days.
    await runner.query(
      `CREATE STATISTICS events_shanghai_day ON (((occurred_at AT TIME ZONE 'UTC') + interval '8 hours')::date) FROM events`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP STATISTICS events_shanghai_day`);
    await runner.query(`DROP INDEX events_item_milestones`);
    await runner.query(`DROP INDEX streams_item_dashboard`);
  }
}
