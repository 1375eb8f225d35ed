import type { MigrationInterface, QueryRunner } from 'typeorm';
import { OPEN_ITEM_STATES, RECOUNT_SQL } from '../unit-item-counts';

/**
 * The per-unit counts the rules read, as a projection table adjusted by every item append in its own
 * transaction (src/persistence/unit-item-counts.ts), filled here from the stream heads.
 */
export class UnitItemCounts1733800000000 implements MigrationInterface {
  name = 'UnitItemCounts1733800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE unit_item_counts (
        campaign_id text NOT NULL,
        unit_id text NOT NULL,
        open_count integer NOT NULL DEFAULT 0,
        overdue_count integer NOT NULL DEFAULT 0,
        rectified_count integer NOT NULL DEFAULT 0,
        complaint_times text[] NOT NULL DEFAULT '{}',
        PRIMARY KEY (campaign_id, unit_id)
      )`,
    );
    await runner.query(
      `INSERT INTO unit_item_counts (campaign_id, unit_id, open_count, overdue_count, rectified_count, complaint_times)
       ${RECOUNT_SQL}`,
      [OPEN_ITEM_STATES],
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE unit_item_counts`);
  }
}
