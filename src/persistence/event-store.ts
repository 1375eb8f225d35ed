import type { PoolClient } from 'pg';
import type { PersistedState } from '../machines/step';
import type { StreamProjection } from '../machines/registry';
import { VersionConflictError } from '../shared/errors';
import type { Database } from './database';
import { canonicalEventBody, chainHash, GENESIS_HASH } from './event-hash';
import { applyCountDeltas, countDeltas, itemContribution } from './unit-item-counts';

/** An event as stored. Numbers are numbers and instants ISO strings, whichever driver read them. */
export interface StoredEvent {
  globalPosition: number;
  streamId: string;
  sequence: number;
  type: string;
  payload: Record<string, unknown>;
  actorId: string;
  unitId: string;
  occurredAt: string;
  recordedAt: string;
  machineVersion: number;
  body: string;
  prevHash: string;
  hash: string;
}

/** A stream's head: its snapshot and the version (last sequence number) it is at. */
export interface StreamRecord {
  streamId: string;
  streamType: string;
  machineVersion: number;
  version: number;
  state: string;
  snapshot: PersistedState;
  campaignId: string | null;
  unitId: string;
  unitPath: string;
  category: string | null;
  deadline: string | null;
  overdue: boolean;
  lastHash: string;
  createdAt: string;
  updatedAt: string;
}

/** What the engine hands the store to append. */
export interface NewEvent {
  type: string;
  payload: Record<string, unknown>;
  actorId: string;
  unitId: string;
  occurredAt: string;
  machineVersion: number;
}

export interface StreamHead {
  state: PersistedState;
  projection: StreamProjection;
  unitPath: string;
}

const iso = (value: unknown): string =>
  value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
const isoOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : iso(value);

/** Maps a row of `events` (pg returns bigint as string, timestamps as Date) to a StoredEvent. */
export function toStoredEvent(row: Record<string, unknown>): StoredEvent {
  return {
    globalPosition: Number(row.global_position),
    streamId: String(row.stream_id),
    sequence: Number(row.sequence),
    type: String(row.type),
    payload: row.payload as Record<string, unknown>,
    actorId: String(row.actor_id),
    unitId: String(row.unit_id),
    occurredAt: iso(row.occurred_at),
    recordedAt: iso(row.recorded_at),
    machineVersion: Number(row.machine_version),
    body: String(row.body),
    prevHash: String(row.prev_hash),
    hash: String(row.hash),
  };
}

function toStreamRecord(row: Record<string, unknown>): StreamRecord {
  return {
    streamId: String(row.stream_id),
    streamType: String(row.stream_type),
    machineVersion: Number(row.machine_version),
    version: Number(row.version),
    state: String(row.state),
    snapshot: row.snapshot as PersistedState,
    campaignId: (row.campaign_id as string | null) ?? null,
    unitId: String(row.unit_id),
    unitPath: String(row.unit_path),
    category: (row.category as string | null) ?? null,
    deadline: isoOrNull(row.deadline),
    overdue: Boolean(row.overdue),
    lastHash: String(row.last_hash),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

const EVENT_COLUMNS =
  'global_position, stream_id, sequence, type, payload, actor_id, unit_id, occurred_at, recorded_at, machine_version, body, prev_hash, hash';

/**
 * The operations available inside one database transaction. Appends are conditional on the stream's
 * version (compare-and-set in the UPDATE's WHERE), so two writers can never both append sequence n.
 */
export class EventStoreTransaction {
  readonly #afterCommit: Array<() => void> = [];
  #writes = 0;
  #failed = false;

  constructor(readonly client: PoolClient) {}

  /**
   * How many writes this transaction has made so far. Group commit compares it before and after a
   * command: a command that threw without writing (a refusal) leaves the shared transaction as it was.
   */
  get writes(): number {
    return this.#writes;
  }

  /** True once a statement failed: PostgreSQL then refuses everything until the transaction rolls back. */
  get failed(): boolean {
    return this.#failed;
  }

  /**
   * Runs `callback` once the transaction has committed (never if it rolls back). For in-process side
   * effects that must not announce what may still be undone; a callback that throws is ignored.
   */
  afterCommit(callback: () => void): void {
    this.#afterCommit.push(callback);
  }

  /** Runs the after-commit callbacks (called by `EventStore.transaction` after COMMIT). */
  committed(): void {
    for (const callback of this.#afterCommit.splice(0)) {
      try {
        callback();
      } catch {
        // An observer's failure must not turn a committed transaction into an error.
      }
    }
  }

  /** Rows of any statement (TypeORM's plain `query()` returns `[rows, count]` for UPDATE/DELETE). */
  async query<T = Record<string, unknown>>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    // Anything but a plain read counts as a write (hooks insert jobs, notifications, NOTIFY).
    if (!/^\s*SELECT\b(?![^]*pg_notify)/i.test(sql)) this.#writes++;
    return this.#run<T>({ text: sql, values: parameters });
  }

  /** A named (prepared once per connection) statement: the hot path skips PostgreSQL's parse and plan. */
  async #run<T>(config: { name?: string; text: string; values: unknown[] }): Promise<T[]> {
    try {
      return (await this.client.query(config)).rows as T[];
    } catch (error) {
      this.#failed = true;
      throw error;
    }
  }

  async loadStream(streamId: string): Promise<StreamRecord | null> {
    const rows = await this.#run<Record<string, unknown>>({
      name: 'streams-load',
      text: 'SELECT * FROM streams WHERE stream_id = $1',
      values: [streamId],
    });
    return rows[0] ? toStreamRecord(rows[0]) : null;
  }

  /** Adjusts the per-unit counts (unit_item_counts) for a head moving from `before` to `after`. */
  async #count(before: StreamRecord | null, streamType: string, head: StreamHead | null): Promise<void> {
    const deltas = countDeltas(
      before &&
        itemContribution({ ...before, context: before.snapshot.context, streamType: before.streamType }),
      head &&
        itemContribution({
          streamType,
          state: head.state.value,
          campaignId: head.projection.campaignId,
          unitId: head.projection.unitId,
          overdue: head.projection.overdue,
          context: head.state.context,
        }),
    );
    if (deltas.length === 0) return;
    try {
      await applyCountDeltas(this.client, deltas);
    } catch (error) {
      this.#failed = true;
      throw error;
    }
  }

  /** Creates a stream with its first event; fails with a conflict if the stream already exists. */
  async createStream(
    streamId: string,
    streamType: string,
    event: NewEvent,
    head: StreamHead,
    recordedAt: string,
  ): Promise<StoredEvent> {
    const stored = this.#seal(streamId, 1, GENESIS_HASH, event);
    const inserted = await this.#run<Record<string, unknown>>({
      name: 'streams-create',
      text: `INSERT INTO streams (stream_id, stream_type, machine_version, version, state, snapshot, campaign_id, unit_id, unit_path,
         category, deadline, overdue, last_hash, created_at, updated_at)
       VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
       ON CONFLICT (stream_id) DO NOTHING RETURNING version`,
      values: [
        streamId,
        streamType,
        event.machineVersion,
        head.state.value,
        head.state,
        ...this.#projection(head),
        stored.hash,
        recordedAt,
      ],
    });
    if (inserted.length === 0) {
      const current = await this.loadStream(streamId);
      throw new VersionConflictError(streamId, 0, current?.version ?? null);
    }
    this.#writes++;
    const appended = await this.#insertEvent(stored, recordedAt);
    await this.#count(null, streamType, head);
    return appended;
  }

  /**
   * Appends one event if the stream is still at `expectedVersion`, and moves its head. One statement does
   * both (a data-modifying CTE): the INSERT runs only if the compare-and-set UPDATE matched, so no round
   * trip is spent and no window opens between them.
   */
  async append(
    stream: StreamRecord,
    expectedVersion: number,
    event: NewEvent,
    head: StreamHead,
    recordedAt: string,
  ): Promise<StoredEvent> {
    const sequence = expectedVersion + 1;
    const e = this.#seal(stream.streamId, sequence, stream.lastHash, event);
    const rows = await this.#run<Record<string, unknown>>({
      name: 'streams-append',
      text: `WITH moved AS (
         UPDATE streams SET version = $2, state = $13, snapshot = $14, campaign_id = $15, unit_id = $16, unit_path = $17,
           category = $18, deadline = $19, overdue = $20, last_hash = $12, updated_at = $8
         WHERE stream_id = $1 AND version = $21 RETURNING stream_id)
       INSERT INTO events (stream_id, sequence, type, payload, actor_id, unit_id, occurred_at, recorded_at, machine_version, body, prev_hash, hash)
       SELECT stream_id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 FROM moved RETURNING global_position`,
      values: [
        e.streamId,
        e.sequence,
        e.type,
        e.payload,
        e.actorId,
        e.unitId,
        e.occurredAt,
        recordedAt,
        e.machineVersion,
        e.body,
        e.prevHash,
        e.hash,
        head.state.value,
        head.state,
        ...this.#projection(head),
        expectedVersion,
      ],
    });
    if (rows.length === 0) {
      const current = await this.query<{ version: number }>(
        'SELECT version FROM streams WHERE stream_id = $1',
        [stream.streamId],
      );
      throw new VersionConflictError(
        stream.streamId,
        expectedVersion,
        current[0] ? Number(current[0].version) : null,
      );
    }
    this.#writes++;
    await this.#count(stream, stream.streamType, head);
    return {
      ...e,
      globalPosition: Number(rows[0]!.global_position),
      recordedAt: new Date(recordedAt).toISOString(),
    };
  }

  /**
   * Appends a MIGRATED event and moves the stream to the new machine version in one statement (as
   * `append`): the compare-and-set also requires the old machine version, so a stream migrates once.
   * The projection columns stay: a migration maps the state, it does not change what the item is.
   */
  async appendMigration(
    stream: StreamRecord,
    event: NewEvent,
    state: PersistedState,
    recordedAt: string,
  ): Promise<StoredEvent> {
    const sequence = stream.version + 1;
    const e = this.#seal(stream.streamId, sequence, stream.lastHash, event);
    const rows = await this.query(
      `WITH moved AS (
         UPDATE streams SET version = $2, machine_version = $9, state = $13, snapshot = $14, last_hash = $12, updated_at = $8
         WHERE stream_id = $1 AND version = $15 AND machine_version = $16 RETURNING stream_id)
       INSERT INTO events (stream_id, sequence, type, payload, actor_id, unit_id, occurred_at, recorded_at, machine_version, body, prev_hash, hash)
       SELECT stream_id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 FROM moved RETURNING global_position`,
      [
        e.streamId,
        e.sequence,
        e.type,
        e.payload,
        e.actorId,
        e.unitId,
        e.occurredAt,
        recordedAt,
        e.machineVersion,
        e.body,
        e.prevHash,
        e.hash,
        state.value,
        state,
        stream.version,
        stream.machineVersion,
      ],
    );
    if (rows.length === 0) throw new VersionConflictError(stream.streamId, stream.version, null);
    this.#writes++;
    await this.#count(stream, stream.streamType, {
      state,
      projection: {
        campaignId: stream.campaignId,
        unitId: stream.unitId,
        category: stream.category,
        deadline: stream.deadline,
        overdue: stream.overdue,
      },
      unitPath: stream.unitPath,
    });
    return {
      ...e,
      globalPosition: Number(rows[0]!.global_position),
      recordedAt: new Date(recordedAt).toISOString(),
    };
  }

  /** Streams of one type and machine version in the given states, by id after `after`, locked for update. */
  async lockStreamsOnVersion(
    streamType: string,
    machineVersion: number,
    states: readonly string[],
    after: string,
    limit: number,
  ): Promise<StreamRecord[]> {
    const rows = await this.query(
      `SELECT * FROM streams WHERE stream_type = $1 AND machine_version = $2 AND state = ANY($3) AND stream_id > $4
       ORDER BY stream_id LIMIT $5 FOR UPDATE`,
      [streamType, machineVersion, states, after, limit],
    );
    return rows.map(toStreamRecord);
  }

  #projection(head: StreamHead): unknown[] {
    const p = head.projection;
    return [p.campaignId, p.unitId, head.unitPath, p.category, p.deadline, p.overdue];
  }

  #seal(
    streamId: string,
    sequence: number,
    prevHash: string,
    event: NewEvent,
  ): Omit<StoredEvent, 'globalPosition' | 'recordedAt'> {
    const body = canonicalEventBody({ streamId, sequence, ...event });
    return { streamId, sequence, ...event, body, prevHash, hash: chainHash(prevHash, body) };
  }

  async #insertEvent(
    e: Omit<StoredEvent, 'globalPosition' | 'recordedAt'>,
    recordedAt: string,
  ): Promise<StoredEvent> {
    const rows = await this.#run<Record<string, unknown>>({
      name: 'events-insert',
      text: `INSERT INTO events (stream_id, sequence, type, payload, actor_id, unit_id, occurred_at, recorded_at, machine_version, body, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING global_position`,
      values: [
        e.streamId,
        e.sequence,
        e.type,
        e.payload,
        e.actorId,
        e.unitId,
        e.occurredAt,
        recordedAt,
        e.machineVersion,
        e.body,
        e.prevHash,
        e.hash,
      ],
    });
    return { ...e, globalPosition: Number(rows[0]!.global_position), recordedAt: iso(recordedAt) };
  }
}

/** The event store: streams with snapshots, and their append-only, hash-chained events. */
export class EventStore {
  constructor(readonly database: Database) {}

  /**
   * Runs `work` in one transaction; rolls back if it throws. The hot path talks to the `pg` pool under
   * TypeORM directly: the same connections and driver, without TypeORM's per-query bookkeeping.
   */
  async transaction<T>(work: (tx: EventStoreTransaction) => Promise<T>): Promise<T> {
    const pool = this.database.pool();
    const client = await pool.connect();
    let broken: Error | undefined;
    // A checked-out client has no error listener of the pool's: a connection lost between two statements
    // (PostgreSQL restarted, backend terminated) would otherwise be an unhandled 'error' that ends the process.
    const lost = (error: Error) => (broken = error);
    client.on('error', lost);
    try {
      await client.query('BEGIN');
      const tx = new EventStoreTransaction(client);
      const result = await work(tx);
      await client.query('COMMIT');
      tx.committed();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      // A connection whose rollback failed is in an unknown state: destroy it rather than reuse it.
      client.removeListener('error', lost);
      client.release(broken);
    }
  }

  async loadStream(streamId: string): Promise<StreamRecord | null> {
    const rows = (await this.database.dataSource.query('SELECT * FROM streams WHERE stream_id = $1', [
      streamId,
    ])) as Record<string, unknown>[];
    return rows[0] ? toStreamRecord(rows[0]) : null;
  }

  /** A stream's events in order, optionally bounded by sequence number or occurrence time. */
  async readStream(
    streamId: string,
    bounds: { toSequence?: number; until?: string } = {},
  ): Promise<StoredEvent[]> {
    const rows = (await this.database.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1
         AND ($2::int IS NULL OR sequence <= $2) AND ($3::timestamptz IS NULL OR occurred_at <= $3)
       ORDER BY sequence`,
      [streamId, bounds.toSequence ?? null, bounds.until ?? null],
    )) as Record<string, unknown>[];
    return rows.map(toStoredEvent);
  }
}
