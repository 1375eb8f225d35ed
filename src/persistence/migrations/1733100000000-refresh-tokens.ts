import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refresh tokens for the console (issue 9): one row per issued token, stored as SHA-256. Tokens of one
 * login form a family; a token is used once (rotation), and a second use of a rotated token revokes the
 * whole family (a stolen token is then useless to both the thief and the victim).
 */
export class RefreshTokens1733100000000 implements MigrationInterface {
  name = 'RefreshTokens1733100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE refresh_tokens (
        id text PRIMARY KEY,
        family_id text NOT NULL,
        user_id text NOT NULL REFERENCES users(id),
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        rotated_at timestamptz,
        revoked_at timestamptz
      )`);
    await runner.query(`CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE refresh_tokens`);
  }
}
