import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Published rule sets per campaign, and the durable scheduler's jobs. */
export class RulesAndScheduler1732502000000 implements MigrationInterface {
  name = 'RulesAndScheduler1732502000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE rule_sets (
        campaign_id text NOT NULL REFERENCES streams(stream_id),
        version integer NOT NULL CHECK (version >= 1),
        rule_set_id text NOT NULL,
        source text NOT NULL,
        source_sha256 text NOT NULL,
        rule_count integer NOT NULL,
        published_at timestamptz NOT NULL,
        published_by text NOT NULL,
        PRIMARY KEY (campaign_id, version)
      )`);
    await runner.query(`CREATE INDEX rule_sets_effective ON rule_sets (campaign_id, published_at DESC)`);
    await runner.query(`
      CREATE TABLE scheduled_jobs (
        id bigserial PRIMARY KEY,
        kind text NOT NULL,
        stream_id text NOT NULL,
        due_at timestamptz NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'skipped')),
        claimed_by text,
        finished_at timestamptz,
        outcome text,
        UNIQUE (kind, stream_id, due_at)
      )`);
    await runner.query(`CREATE INDEX scheduled_jobs_due ON scheduled_jobs (due_at) WHERE status = 'pending'`);
    await runner.query(
      `CREATE INDEX streams_escalation_item ON streams ((snapshot #>> '{context,itemId}')) WHERE stream_type = 'escalation'`,
    );
    // Unit facts (open / overdue / rectified counts) are counted per campaign and unit on every item event.
    await runner.query(
      `CREATE INDEX streams_item_unit_counts ON streams (campaign_id, unit_id, state, overdue) WHERE stream_type = 'item'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX streams_item_unit_counts`);
    await runner.query(`DROP INDEX streams_escalation_item`);
    await runner.query(`DROP TABLE scheduled_jobs`);
    await runner.query(`DROP TABLE rule_sets`);
  }
}
