import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deployment settings (issue 10 point 3): one row per key. A database created for drills (演练) carries
 * `mode = "sandbox"` and `sandbox_clock = {"instant": …}`, the instant every server on it takes as "now".
 * A database without the `mode` row is a production database: it never gets one once it holds data.
 */
export class Settings1733900000000 implements MigrationInterface {
  name = 'Settings1733900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE settings (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE settings`);
  }
}
