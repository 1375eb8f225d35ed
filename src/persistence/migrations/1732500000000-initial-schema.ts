import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Units, users, streams and the append-only event log. */
export class InitialSchema1732500000000 implements MigrationInterface {
  name = 'InitialSchema1732500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE units (
        id text PRIMARY KEY,
        parent_id text REFERENCES units(id),
        name text NOT NULL,
        level text NOT NULL CHECK (level IN ('province','city','county','detachment','squad')),
        path text NOT NULL UNIQUE
      )`);
    await runner.query(`CREATE INDEX units_path_prefix ON units (path text_pattern_ops)`);
    await runner.query(`
      CREATE TABLE users (
        id text PRIMARY KEY,
        username text NOT NULL UNIQUE,
        display_name text NOT NULL,
        role text NOT NULL CHECK (role IN ('supervisor','officer','auditor')),
        unit_id text NOT NULL REFERENCES units(id),
        is_principal boolean NOT NULL DEFAULT false,
        password_hash text,
        created_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE streams (
        stream_id text PRIMARY KEY,
        stream_type text NOT NULL,
        machine_version integer NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        state text NOT NULL,
        snapshot jsonb NOT NULL,
        campaign_id text,
        unit_id text NOT NULL,
        unit_path text NOT NULL,
        category text,
        deadline timestamptz,
        overdue boolean NOT NULL DEFAULT false,
        last_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX streams_type_campaign_state ON streams (stream_type, campaign_id, state)`,
    );
    await runner.query(`CREATE INDEX streams_unit_path ON streams (unit_path text_pattern_ops)`);
    await runner.query(`
      CREATE TABLE events (
        global_position bigserial PRIMARY KEY,
        stream_id text NOT NULL REFERENCES streams(stream_id),
        sequence integer NOT NULL CHECK (sequence >= 1),
        type text NOT NULL,
        payload jsonb NOT NULL,
        actor_id text NOT NULL,
        unit_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        machine_version integer NOT NULL,
        body text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        UNIQUE (stream_id, sequence)
      )`);
    await runner.query(`CREATE INDEX events_occurred_at ON events (occurred_at)`);
    // Defence in depth for "append-only": the application never updates or deletes an event, and the
    // database refuses to. A DBA can still disable the trigger; the hash chain makes that detectable.
    await runner.query(`
      CREATE FUNCTION zz_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await runner.query(`
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
      FOR EACH ROW EXECUTE FUNCTION zz_events_are_append_only()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE events`);
    await runner.query(`DROP FUNCTION zz_events_are_append_only`);
    await runner.query(`DROP TABLE streams`);
    await runner.query(`DROP TABLE users`);
    await runner.query(`DROP TABLE units`);
  }
}
