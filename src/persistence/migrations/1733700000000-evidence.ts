import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evidence files (issue 15). `evidence_files` describes each distinct content once (content-addressed by
 * SHA-256; the bytes live in the blob store, never in the database); `evidence_links` says which item a file
 * was uploaded to, by whom and under which name — access to a file follows access to a linked item. Both are
 * append-only: a file cited by an event must stay describable for as long as the event exists.
 */
export class Evidence1733700000000 implements MigrationInterface {
  name = 'Evidence1733700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE evidence_files (
        sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size bigint NOT NULL CHECK (size >= 0),
        media_type text NOT NULL,
        taken_at timestamptz,
        latitude double precision,
        longitude double precision,
        stored_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE evidence_links (
        item_id text NOT NULL,
        sha256 text NOT NULL REFERENCES evidence_files(sha256),
        name text NOT NULL,
        uploaded_by text NOT NULL,
        uploaded_at timestamptz NOT NULL,
        PRIMARY KEY (item_id, sha256)
      )`);
    await runner.query(`
      CREATE FUNCTION evidence_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'evidence records are append-only'; END $$`);
    for (const table of ['evidence_files', 'evidence_links'])
      await runner.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
         FOR EACH ROW EXECUTE FUNCTION evidence_append_only()`,
      );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE evidence_links');
    await runner.query('DROP TABLE evidence_files');
    await runner.query('DROP FUNCTION evidence_append_only()');
  }
}
