import { DBOS } from '@dbos-inc/dbos-sdk';
import { Pool } from 'pg';
import { runConcurrently } from './databases';

/**
 * The same transaction as the raw floor — read the stream row, compare-and-set its version and snapshot,
 * insert one event — on a `pg` pool.
 */
export async function rawTransition(pool: Pool, streamId: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ version: number; snapshot: unknown; last_hash: string }>(
      'SELECT version, snapshot, last_hash FROM streams WHERE stream_id = $1',
      [streamId],
    );
    const version = rows[0]!.version;
    await client.query(
      'UPDATE streams SET version = $2, snapshot = $3, updated_at = now() WHERE stream_id = $1 AND version = $4',
      [streamId, version + 1, rows[0]!.snapshot, version],
    );
    await client.query(
      `INSERT INTO events (stream_id, sequence, type, payload, actor_id, unit_id, occurred_at, recorded_at, machine_version, body, prev_hash, hash)
       VALUES ($1, $2, 'RAW', $3, 'bench', 'bench-city', now(), now(), 1, $4, $5, $5)`,
      [streamId, version + 1, { note: 'raw' }, '{"raw":true}', rows[0]!.last_hash],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** The raw `pg` floor: `count` such transactions on `concurrency` clients; returns transactions/s. */
export async function rawFloor(
  url: string,
  streamIds: string[],
  count: number,
  concurrency: number,
): Promise<number> {
  const pool = new Pool({ connectionString: url, max: concurrency });
  try {
    const seconds = await runConcurrently(count, concurrency, (i) =>
      rawTransition(pool, streamIds[i % streamIds.length]!),
    );
    return count / seconds;
  } finally {
    await pool.end();
  }
}

let registered: ((streamId: string) => Promise<void>) | null = null;
let stepPool: Pool | null = null;

/**
 * The peer: the same transition as a durable workflow of DBOS Transact with one step, on the same
 * PostgreSQL (its system tables in the same database). DBOS records the workflow's start, the step's
 * output and the workflow's end; the step runs the raw transaction. Returns workflows/s over `count`.
 */
export async function dbosPeer(
  url: string,
  streamIds: string[],
  count: number,
  concurrency: number,
  warmUp: number,
): Promise<number> {
  stepPool = new Pool({ connectionString: url, max: concurrency });
  if (!registered) {
    registered = DBOS.registerWorkflow(
      async (streamId: string) => {
        await DBOS.runStep(() => rawTransition(stepPool!, streamId), { name: 'transition' });
      },
      { name: 'zhengzhiTransition' },
    );
  }
  DBOS.setConfig({
    name: 'zhengzhi-bench',
    systemDatabaseUrl: url,
    systemDatabasePoolSize: concurrency,
    logLevel: 'error',
  });
  await DBOS.launch();
  try {
    const workflow = registered;
    await runConcurrently(warmUp, concurrency, (i) => workflow(streamIds[i % streamIds.length]!));
    const seconds = await runConcurrently(count, concurrency, (i) =>
      workflow(streamIds[(warmUp + i) % streamIds.length]!),
    );
    return count / seconds;
  } finally {
    await DBOS.shutdown();
    await stepPool.end();
  }
}
