import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rules that failed while evaluating (issue 10): a rule that throws is skipped and the command goes on, so
 * the failure must be recorded somewhere a supervisor reads it. Append-only, like the event log.
 */
export class RuleFailures1733410000000 implements MigrationInterface {
  name = 'RuleFailures1733410000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE rule_failures (
        id bigserial PRIMARY KEY,
        campaign_id text NOT NULL,
        rule_set_id text NOT NULL,
        rule_set_version integer NOT NULL,
        rule_id text NOT NULL,
        stage text NOT NULL,
        item_id text,
        occurred_at timestamptz NOT NULL,
        trigger jsonb NOT NULL,
        message text NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX rule_failures_campaign ON rule_failures (campaign_id, occurred_at DESC, id DESC)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE rule_failures');
  }
}
