import type { Database } from '../../src/persistence/database';

/**
 * Rebuilds `events` as a table hash-partitioned by `stream_id` (four partitions, PostgreSQL declarative
 * partitioning), the layout a distributed PostgreSQL (Citus) gives it. What has to change is exactly what
 * such a move changes: a unique key must contain the partition key, so the primary key becomes
 * (stream_id, sequence) and `global_position` stays sequence-assigned and indexed but not unique-enforced.
 * Used when `ZZ_EVENTS_PARTITIONED=1` (see test/support/database.ts and README "Beyond one PostgreSQL").
 */
export async function partitionEventsByStream(database: Database): Promise<void> {
  const statements = [
    'ALTER TABLE events RENAME TO events_heap',
    'ALTER SEQUENCE events_global_position_seq OWNED BY NONE',
    'CREATE TABLE events (LIKE events_heap INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY HASH (stream_id)',
    ...[0, 1, 2, 3].map(
      (r) => `CREATE TABLE events_p${r} PARTITION OF events FOR VALUES WITH (MODULUS 4, REMAINDER ${r})`,
    ),
    'ALTER TABLE events ADD PRIMARY KEY (stream_id, sequence)',
    'ALTER TABLE events ADD FOREIGN KEY (stream_id) REFERENCES streams (stream_id)',
    'CREATE INDEX events_global_position_part ON events (global_position)',
    'CREATE INDEX events_occurred_at_part ON events (occurred_at)',
    'CREATE INDEX events_item_milestones_part ON events (stream_id) INCLUDE (type, occurred_at)',
    'INSERT INTO events SELECT * FROM events_heap',
    'DROP TABLE events_heap CASCADE',
    'ALTER SEQUENCE events_global_position_seq OWNED BY events.global_position',
    `CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
       FOR EACH ROW EXECUTE FUNCTION zz_events_are_append_only()`,
  ];
  for (const sql of statements) await database.dataSource.query(sql);
}
