import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit tables: signed checkpoints over the whole event log (with the stream heads they cover) and the log
 * of every auditor read. Both are append-only, like `events`.
 */
export class Audit1732505050505 implements MigrationInterface {
  name = 'Audit1732505050505';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE audit_checkpoints (
        id integer PRIMARY KEY CHECK (id >= 1),
        created_at timestamptz NOT NULL,
        from_position bigint NOT NULL,
        to_position bigint NOT NULL,
        event_count bigint NOT NULL,
        stream_count integer NOT NULL,
        range_digest text NOT NULL,
        heads_root text NOT NULL,
        previous_hash text NOT NULL,
        statement text NOT NULL,
        hash text NOT NULL,
        key_id text NOT NULL,
        public_key text NOT NULL,
        signature text NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE audit_checkpoint_heads (
        checkpoint_id integer NOT NULL REFERENCES audit_checkpoints(id),
        stream_id text NOT NULL,
        stream_type text NOT NULL,
        campaign_id text NOT NULL,
        version integer NOT NULL,
        hash text NOT NULL,
        PRIMARY KEY (checkpoint_id, stream_id)
      )`);
    await runner.query(
      `CREATE INDEX audit_checkpoint_heads_campaign ON audit_checkpoint_heads (campaign_id, checkpoint_id)`,
    );
    await runner.query(`
      CREATE TABLE audit_reads (
        id bigserial PRIMARY KEY,
        reader_id text NOT NULL,
        reader_unit_id text,
        action text NOT NULL,
        subject text NOT NULL,
        at timestamptz NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await runner.query(`CREATE INDEX audit_reads_reader_at ON audit_reads (reader_id, at)`);
    await runner.query(`
      CREATE FUNCTION zz_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['audit_checkpoints', 'audit_checkpoint_heads', 'audit_reads']) {
      await runner.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION zz_audit_is_append_only()`);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE audit_reads`);
    await runner.query(`DROP TABLE audit_checkpoint_heads`);
    await runner.query(`DROP TABLE audit_checkpoints`);
    await runner.query(`DROP FUNCTION zz_audit_is_append_only`);
  }
}
