import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A bulletin's state "as of" an instant (issue 16: a bulletin over 1,000,000 items in under a second), from
 * indexes alone, replacing two indexes rather than adding any, so appends maintain no more entries than before:
 * - the unique (stream_id, sequence) constraint's index also carries each event's type and occurred_at, so the
 *   pass over an item's events reads the index, not the event rows with their payload and body;
 * - the bulletin's covering index over the stream heads is keyed by (campaign_id, stream_type, updated_at),
 *   so the items unchanged since the period began and those changed since are two ranges of it instead of two
 *   scans of the whole campaign.
 */
export class BulletinAsOfIndexes1734060000000 implements MigrationInterface {
  name = 'BulletinAsOfIndexes1734060000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE events DROP CONSTRAINT events_stream_id_sequence_key,
         ADD CONSTRAINT events_stream_id_sequence_key UNIQUE (stream_id, sequence) INCLUDE (type, occurred_at)`,
    );
    await runner.query('DROP INDEX streams_bulletin_cover');
    await runner.query(
      `CREATE INDEX streams_bulletin_cover ON streams (campaign_id, stream_type, updated_at)
        INCLUDE (stream_id, state, category, deadline, unit_path, created_at, long_term)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX streams_bulletin_cover');
    await runner.query(
      `CREATE INDEX streams_bulletin_cover ON streams (campaign_id, stream_type)
        INCLUDE (stream_id, state, category, deadline, unit_path, created_at, updated_at, long_term)`,
    );
    await runner.query(
      `ALTER TABLE events DROP CONSTRAINT events_stream_id_sequence_key,
         ADD CONSTRAINT events_stream_id_sequence_key UNIQUE (stream_id, sequence)`,
    );
  }
}
