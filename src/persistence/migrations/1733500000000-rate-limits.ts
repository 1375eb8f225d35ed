import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rate-limit counters shared by every node (login throttling, src/api/auth/rate-limit-store.ts): one row
 * per limiter key and window, so a client cannot multiply its attempts by the number of nodes.
 */
export class RateLimits1733500000000 implements MigrationInterface {
  name = 'RateLimits1733500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE rate_limit_hits (
        key text PRIMARY KEY,
        hits integer NOT NULL,
        reset_at timestamptz NOT NULL
      )`);
    await runner.query('CREATE INDEX rate_limit_hits_reset ON rate_limit_hits (reset_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE rate_limit_hits');
  }
}
