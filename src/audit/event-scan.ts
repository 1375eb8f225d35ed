import type { PoolClient } from 'pg';
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

/**
 * Streams the output of `COPY (sql) TO STDOUT` line by line as bytes: `onLine(chunk, start, end)` gets one
 * row's text-format bytes (no newline). A raw newline byte only ends a row (newlines inside values are
 * escaped, and 0x0A never occurs inside a multi-byte UTF-8 character), so chunks are split without decoding.
 * If `onLine` throws, the scan fails and the connection is discarded rather than returned to the pool in the
 * middle of a COPY; an error from the server fails the scan and leaves the connection usable (the server
 * ends the COPY itself).
 */
export async function copyLines(
  database: Database,
  sql: string,
  onLine: (chunk: Buffer, start: number, end: number) => void,
): Promise<void> {
  const client: PoolClient = await database.pool().connect();
  let abandoned: Error | undefined;
  let streamError: Error | undefined;
  try {
    const stream = client.query(copyTo(`COPY (${sql}) TO STDOUT`));
    // An error emitted after the loop stopped reading (the stream is destroyed then) must not go unhandled.
    stream.on('error', (error: Error) => {
      streamError ??= error;
    });
    // The bytes of a row that began in an earlier chunk: only that row is copied, never a whole chunk.
    let carry: Buffer[] = [];
    const read = (chunk: Buffer, start: number, end: number): void => {
      try {
        onLine(chunk, start, end);
      } catch (error) {
        abandoned = error as Error;
        throw error;
      }
    };
    for await (const data of stream as AsyncIterable<Buffer>) {
      let start = 0;
      if (carry.length > 0) {
        const newline = data.indexOf(0x0a);
        if (newline === -1) {
          carry.push(data);
          continue;
        }
        carry.push(data.subarray(0, newline));
        const line = Buffer.concat(carry);
        carry = [];
        read(line, 0, line.length);
        start = newline + 1;
      }
      for (let end = data.indexOf(0x0a, start); end !== -1; end = data.indexOf(0x0a, start)) {
        read(data, start, end);
        start = end + 1;
      }
      if (start < data.length) carry.push(data.subarray(start));
    }
    if (streamError) throw streamError;
    if (carry.length > 0) {
      const line = Buffer.concat(carry);
      read(line, 0, line.length);
    }
  } finally {
    client.release(abandoned);
  }
}

/** Streams the rows of `sql` through COPY TO STDOUT, calling `onRow` with the unescaped fields. */
export async function copyRows(
  database: Database,
  sql: string,
  onRow: (fields: Array<string | null>) => void,
): Promise<void> {
  await copyLines(database, sql, (chunk, start, end) =>
    onRow(splitCopyLine(chunk.toString('utf8', start, end))),
  );
}

const TAB = 0x09;
const BACKSLASH = 0x5c;
const HASH_LENGTH = 64;
const NEWLINE = 0x0a;

/**
 * One link read from COPY bytes: `linkBytes` is prev_hash ‖ "\n" ‖ body exactly as stored (the link hash is
 * computed over them); the body's text is decoded only if someone asks (a finding, a column check).
 */
class LinkRow implements ChainRow {
  constructor(
    readonly streamId: string,
    readonly sequence: number,
    readonly prevHash: string,
    readonly hash: string,
    readonly linkBytes: Buffer,
  ) {}

  get bodyBytes(): Uint8Array {
    return this.linkBytes.subarray(HASH_LENGTH + 1);
  }

  get body(): string {
    return this.linkBytes.toString('utf8', HASH_LENGTH + 1);
  }
}

/** The columns of a link in COPY order: the previous hash right before the body, so the two are adjacent bytes. */
const LINK_COLUMNS = 'stream_id, sequence, hash, prev_hash, body';

/**
 * Reads lines of `[global_position,] stream_id, sequence, hash, prev_hash, body` (LINK_COLUMNS): verification's
 * hot loop. Takes the bytes apart without decoding the body; the tab between prev_hash and body is overwritten
 * with a newline in place, so prev_hash ‖ "\n" ‖ body — what the link hash covers — is one slice of the
 * chunk (the reader owns the line). A line with a backslash anywhere (COPY escaped something) or hashes that
 * are not 64 bytes takes the general, decoding path.
 */
function linkLineReader(
  withPosition: boolean,
  onRow: (row: ChainRow, position: number) => void,
): (chunk: Buffer, start: number, end: number) => void {
  // One backslash search per chunk, not per line: the next backslash at or after the last line's start.
  let searched: Buffer | null = null;
  let nextBackslash = -1;
  const general = (chunk: Buffer, start: number, end: number): void => {
    const f = splitCopyLine(chunk.toString('utf8', start, end));
    const o = withPosition ? 1 : 0;
    onRow(
      {
        streamId: String(f[o]),
        sequence: Number(f[o + 1]),
        hash: String(f[o + 2]),
        prevHash: String(f[o + 3]),
        body: String(f[o + 4]),
      },
      withPosition ? Number(f[0]) : 0,
    );
  };
  return (chunk, start, end) => {
    if (chunk !== searched || (nextBackslash !== -1 && nextBackslash < start)) {
      searched = chunk;
      nextBackslash = chunk.indexOf(BACKSLASH, start);
    }
    if (nextBackslash !== -1 && nextBackslash < end) return general(chunk, start, end);
    let at = start;
    let position = 0;
    if (withPosition) {
      for (; at < end && chunk[at] !== TAB; at++) position = position * 10 + (chunk[at]! - 0x30);
      at++;
    }
    const idAt = at;
    while (at < end && chunk[at] !== TAB) at++;
    const idEnd = at++;
    let sequence = 0;
    for (; at < end && chunk[at] !== TAB; at++) sequence = sequence * 10 + (chunk[at]! - 0x30);
    const hashAt = at + 1;
    const prevAt = hashAt + HASH_LENGTH + 1;
    const bodyAt = prevAt + HASH_LENGTH + 1;
    if (bodyAt > end || chunk[prevAt - 1] !== TAB || chunk[bodyAt - 1] !== TAB)
      return general(chunk, start, end);
    chunk[bodyAt - 1] = NEWLINE;
    onRow(
      new LinkRow(
        chunk.toString('utf8', idAt, idEnd),
        sequence,
        chunk.toString('latin1', prevAt, prevAt + HASH_LENGTH),
        chunk.toString('latin1', hashAt, hashAt + HASH_LENGTH),
        chunk.subarray(prevAt, end),
      ),
      position,
    );
  };
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
    await copyLines(
      database,
      `SELECT ${LINK_COLUMNS} FROM events ${where} ORDER BY stream_id, sequence`,
      linkLineReader(false, (row) => onRow(row)),
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
    const sql = `SELECT ${columns ? select : `global_position, ${LINK_COLUMNS}`} FROM events ${where} ORDER BY global_position`;
    if (columns) await copyRows(database, sql, (f) => onRow(toRow(f), Number(f[0])));
    else await copyLines(database, sql, linkLineReader(true, onRow));
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
