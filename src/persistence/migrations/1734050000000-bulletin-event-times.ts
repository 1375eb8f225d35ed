import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bulletin's event counts by when things happened (issue 16: a bulletin over 1,000,000 items in under a
 * second): acceptances (正面典型), look-backs and rebounds (回头看/反弹), approved corrections, found by type and
 * event time in a range of a small partial index instead of a scan over every event. Only these types are
 * indexed, so appending any other event costs nothing more.
 */
export class BulletinEventTimes1734050000000 implements MigrationInterface {
  name = 'BulletinEventTimes1734050000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE INDEX events_bulletin_times ON events (type, occurred_at) INCLUDE (stream_id)
        WHERE type IN ('ACCEPT', 'START_LOOK_BACK', 'PASS_LOOK_BACK', 'REBOUND', 'APPROVE_CORRECTION')`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX events_bulletin_times`);
  }
}
