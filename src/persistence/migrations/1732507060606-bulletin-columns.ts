import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the 工作简报 aggregation reads, kept where a scan is cheap (src/bulletins/bulletin-query.ts):
 * `streams.long_term` (the item is carried into long-term rectification, 长期推进), generated from the
 * snapshot on every write so the aggregation never opens the jsonb; and a covering index so that counting a
 * campaign's items is an index-only scan of narrow tuples instead of a scan of the wide snapshot rows.
 */
export class BulletinColumns1732507060606 implements MigrationInterface {
  name = 'BulletinColumns1732507060606';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE streams ADD COLUMN long_term boolean
        GENERATED ALWAYS AS (COALESCE(jsonb_typeof(snapshot #> '{context,ledger,longTerm}') = 'object', false)) STORED`);
    await runner.query(`
      CREATE INDEX streams_bulletin_cover ON streams (campaign_id, stream_type)
        INCLUDE (stream_id, state, category, deadline, unit_path, created_at, updated_at, long_term)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX streams_bulletin_cover');
    await runner.query('ALTER TABLE streams DROP COLUMN long_term');
  }
}
