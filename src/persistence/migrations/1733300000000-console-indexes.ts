import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the console's lists (issue 9): the worklist pages items by deadline (nulls last) within a
 * subtree and a set of states; the dashboard counts a campaign's items by unit and state and its events
 * by day.
 */
export class ConsoleIndexes1733300000000 implements MigrationInterface {
  name = 'ConsoleIndexes1733300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE INDEX streams_item_worklist ON streams (deadline ASC NULLS LAST, stream_id) INCLUDE (state, unit_path, campaign_id)
        WHERE stream_type = 'item'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX streams_item_worklist`);
  }
}
