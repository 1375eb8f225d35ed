import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency claims become leases: `holder` names the request that holds a pending key and `lease_until`
 * when a holder that died loses it (src/persistence/idempotency-keys.ts). Pending keys left by an older
 * version get the 30 s they were promised.
 */
export class IdempotencyLeases1733200000000 implements MigrationInterface {
  name = 'IdempotencyLeases1733200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE idempotency_keys ADD COLUMN holder text, ADD COLUMN lease_until timestamptz`,
    );
    await runner.query(`UPDATE idempotency_keys SET lease_until = created_at + interval '30 seconds'`);
    await runner.query(`ALTER TABLE idempotency_keys ALTER COLUMN lease_until SET NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE idempotency_keys DROP COLUMN holder, DROP COLUMN lease_until`);
  }
}
