import { StringDecoder } from 'node:string_decoder';
import type { Pool, PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Database } from '../persistence/database';
import type { ChainRow } from './chain-check';

/**
 * How verification reads the log: `copy` streams `COPY (…) TO STDOUT` (pg-copy-streams), `select` pages
 * through keyset-paginated SELECTs. `auto` uses COPY on PostgreSQL and SELECT on PGlite, whose socket
 * server is not guaranteed to speak the COPY sub-protocol.
 */
export type ScanMode = 'copy' | 'select' | 'auto';

/** Which streams to scan: all, or a given set. */
export type StreamFilter = { streamIds: readonly string[] } | null;

const PAGE = 5000;

/** The pg pool under TypeORM's data source (both kinds of database go through the `pg` driver). */
function poolOf(database: Database): Pool {
  return (database.dataSource.driver as unknown as { master: Pool }).master;
}

/** Unescapes one field of COPY's text format (backslash escapes; `\N` is NULL). */
export function unescapeCopyField(field: string): string | null {
  if (field === '\\N') return null;
  if (!field.includes('\\')) return field;
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, code: string) => {
    switch (code[0]) {
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'v':
        return '\v';
      case 'x':
        return String.fromCharCode(parseInt(code.slice(1), 16));
      default:
        return /^[0-7]/.test(code) ? String.fromCharCode(parseInt(code, 8)) : code;
    }
  });
}

function splitCopyLine(line: string): Array<string | null> {
  const fields = line.split('\t');
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.includes('\\')) fields[i] = unescapeCopyField(f) as string;
  }
  return fields;
}

/** Streams the rows of `sql` through COPY TO STDOUT, calling `onRow` with the unescaped fields. */
export async function copyRows(
  database: Database,
  sql: string,
  onRow: (fields: Array<string | null>) => void,
): Promise<void> {
  const client: PoolClient = await poolOf(database).connect();
  try {
    const stream = client.query(copyTo(`COPY (${sql}) TO STDOUT`));
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      // A raw newline only ends a row (newlines inside values are escaped), so split the chunk at once.
      const lines = (rest + decoder.write(chunk)).split('\n');
      rest = lines.pop()!;
      for (const line of lines) onRow(splitCopyLine(line));
    }
    rest += decoder.end();
    if (rest.length > 0) onRow(splitCopyLine(rest));
  } finally {
    client.release();
  }
}

const isoSql = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const CHAIN_COLUMNS = `stream_id, sequence, prev_hash, hash, body, type, actor_id, unit_id, ${isoSql('occurred_at')} AS occurred_at, machine_version, payload::text AS payload`;

function chainRow(f: ReadonlyArray<string | null | number>): ChainRow {
  return {
    streamId: String(f[0]),
    sequence: Number(f[1]),
    prevHash: String(f[2]),
    hash: String(f[3]),
    body: String(f[4]),
    columns: {
      type: String(f[5]),
      actorId: String(f[6]),
      unitId: String(f[7]),
      occurredAt: String(f[8]),
      machineVersion: Number(f[9]),
      payloadText: String(f[10]),
    },
  };
}

const literalList = (ids: readonly string[]): string =>
  ids.map((id) => `'${id.replace(/'/g, "''")}'`).join(', ');

function resolveMode(database: Database, mode: ScanMode): 'copy' | 'select' {
  return mode === 'auto' ? (database.kind === 'postgres' ? 'copy' : 'select') : mode;
}

/** Every event (of the filtered streams) in stream order: by stream id, then sequence. */
export async function scanChainRows(
  database: Database,
  filter: StreamFilter,
  onRow: (row: ChainRow) => void,
  mode: ScanMode = 'auto',
  columns = true,
): Promise<void> {
  if (filter && filter.streamIds.length === 0) return;
  if (!columns) return scanLinks(database, filter, onRow, mode);
  const where = filter ? `WHERE stream_id IN (${literalList(filter.streamIds)})` : '';
  if (resolveMode(database, mode) === 'copy') {
    await copyRows(
      database,
      `SELECT ${CHAIN_COLUMNS} FROM events ${where} ORDER BY stream_id, sequence`,
      (f) => onRow(chainRow(f)),
    );
    return;
  }
  let after: [string, number] = ['', 0];
  for (;;) {
    const rows = (await database.dataSource.query(
      `SELECT ${CHAIN_COLUMNS} FROM events WHERE (stream_id, sequence) > ($1, $2) ${filter ? 'AND stream_id = ANY($4)' : ''}
       ORDER BY stream_id, sequence LIMIT $3`,
      filter ? [after[0], after[1], PAGE, filter.streamIds] : [after[0], after[1], PAGE],
    )) as Array<Record<string, string | number>>;
    for (const r of rows) {
      onRow(
        chainRow([
          r.stream_id!,
          r.sequence!,
          r.prev_hash!,
          r.hash!,
          r.body!,
          r.type!,
          r.actor_id!,
          r.unit_id!,
          r.occurred_at!,
          r.machine_version!,
          r.payload!,
        ]),
      );
    }
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = [String(last.stream_id), Number(last.sequence)];
  }
}

/** The chain fields only (no column copies): for chain-only verification. */
async function scanLinks(
  database: Database,
  filter: StreamFilter,
  onRow: (row: ChainRow) => void,
  mode: ScanMode,
): Promise<void> {
  const where = filter ? `WHERE stream_id IN (${literalList(filter.streamIds)})` : '';
  const toRow = (f: ReadonlyArray<string | null | number>): ChainRow => ({
    streamId: String(f[0]),
    sequence: Number(f[1]),
    prevHash: String(f[2]),
    hash: String(f[3]),
    body: String(f[4]),
  });
  if (resolveMode(database, mode) === 'copy') {
    await copyRows(
      database,
      `SELECT stream_id, sequence, prev_hash, hash, body FROM events ${where} ORDER BY stream_id, sequence`,
      (f) => onRow(toRow(f)),
    );
    return;
  }
  let after: [string, number] = ['', 0];
  for (;;) {
    const rows = (await database.dataSource.query(
      `SELECT stream_id, sequence, prev_hash, hash, body FROM events WHERE (stream_id, sequence) > ($1, $2) ${filter ? 'AND stream_id = ANY($4)' : ''}
       ORDER BY stream_id, sequence LIMIT $3`,
      filter ? [after[0], after[1], PAGE, filter.streamIds] : [after[0], after[1], PAGE],
    )) as Array<Record<string, string | number>>;
    for (const r of rows) onRow(toRow([r.stream_id!, r.sequence!, r.prev_hash!, r.hash!, r.body!]));
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = [String(last.stream_id), Number(last.sequence)];
  }
}

/**
 * Every event (of the filtered streams) in global-position order — the primary key's order, which is the
 * table's physical order, so PostgreSQL streams it without sorting — with its position.
 */
export async function scanByPosition(
  database: Database,
  filter: StreamFilter,
  onRow: (row: ChainRow, position: number) => void,
  mode: ScanMode = 'auto',
  columns = true,
): Promise<void> {
  if (filter && filter.streamIds.length === 0) return;
  const select = columns
    ? `global_position, ${CHAIN_COLUMNS}`
    : 'global_position, stream_id, sequence, prev_hash, hash, body';
  const toRow = (f: ReadonlyArray<string | null | number>): ChainRow =>
    columns
      ? chainRow(f.slice(1))
      : {
          streamId: String(f[1]),
          sequence: Number(f[2]),
          prevHash: String(f[3]),
          hash: String(f[4]),
          body: String(f[5]),
        };
  if (resolveMode(database, mode) === 'copy') {
    const where = filter ? `WHERE stream_id IN (${literalList(filter.streamIds)})` : '';
    await copyRows(database, `SELECT ${select} FROM events ${where} ORDER BY global_position`, (f) =>
      onRow(toRow(f), Number(f[0])),
    );
    return;
  }
  for (let after = 0; ;) {
    const rows = (await database.dataSource.query(
      `SELECT ${select} FROM events WHERE global_position > $1 ${filter ? 'AND stream_id = ANY($3)' : ''}
       ORDER BY global_position LIMIT $2`,
      filter ? [after, PAGE, filter.streamIds] : [after, PAGE],
    )) as Array<Record<string, string | number>>;
    for (const r of rows) {
      const f = columns
        ? [
            r.global_position!,
            r.stream_id!,
            r.sequence!,
            r.prev_hash!,
            r.hash!,
            r.body!,
            r.type!,
            r.actor_id!,
            r.unit_id!,
            r.occurred_at!,
            r.machine_version!,
            r.payload!,
          ]
        : [r.global_position!, r.stream_id!, r.sequence!, r.prev_hash!, r.hash!, r.body!];
      onRow(toRow(f), Number(r.global_position));
    }
    if (rows.length < PAGE) return;
    after = Number(rows[rows.length - 1]!.global_position);
  }
}

/** (global position, hash) of every event in (from, to], in global order. */
export async function scanPositions(
  database: Database,
  from: number,
  to: number,
  onRow: (position: number, hash: string) => void,
  mode: ScanMode = 'auto',
): Promise<void> {
  if (resolveMode(database, mode) === 'copy') {
    const sql = `SELECT global_position, hash FROM events WHERE global_position > ${Math.trunc(from)} AND global_position <= ${Math.trunc(to)} ORDER BY global_position`;
    await copyRows(database, sql, (f) => onRow(Number(f[0]), String(f[1])));
    return;
  }
  let after = from;
  for (;;) {
    const rows = (await database.dataSource.query(
      `SELECT global_position, hash FROM events WHERE global_position > $1 AND global_position <= $2 ORDER BY global_position LIMIT $3`,
      [after, to, PAGE * 4],
    )) as Array<{ global_position: string | number; hash: string }>;
    for (const r of rows) onRow(Number(r.global_position), r.hash);
    if (rows.length < PAGE * 4) return;
    after = Number(rows[rows.length - 1]!.global_position);
  }
}
