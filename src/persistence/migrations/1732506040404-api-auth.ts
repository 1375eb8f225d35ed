import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The HTTP API's tables: API tokens for integrations (hashed at rest) and idempotency keys. */
export class ApiAuth1732506040404 implements MigrationInterface {
  name = 'ApiAuth1732506040404';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE api_tokens (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users(id),
        name text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await runner.query(`CREATE INDEX api_tokens_user ON api_tokens (user_id)`);
    // One row per (user, Idempotency-Key): the primary key is what stops a concurrent retry from running twice.
    await runner.query(`
      CREATE TABLE idempotency_keys (
        user_id text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'completed')),
        response_status integer,
        response_body jsonb,
        stream_id text,
        sequence integer,
        created_at timestamptz NOT NULL,
        completed_at timestamptz,
        PRIMARY KEY (user_id, key)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE idempotency_keys`);
    await runner.query(`DROP TABLE api_tokens`);
  }
}
