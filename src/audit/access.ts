import type { Database } from '../persistence/database';
import type { Clock } from '../shared/clock';
import { ErrorCode, NotFoundError, ZhengzhiError } from '../shared/errors';

/**
 * Who reads the history, and what they may see. An auditor sees the streams whose unit lies in their own
 * unit's subtree (`scopePath` is that unit's materialised path); the operator at the console — someone who
 * already holds the database — has no scope restriction, but is still logged.
 */
export interface AuditReader {
  userId: string;
  unitId: string | null;
  scopePath: string | null;
}

/** The operator running the CLI against the database directly. */
export function consoleReader(name: string): AuditReader {
  return { userId: `cli:${name}`, unitId: null, scopePath: null };
}

/** A reader for a user of the directory, scoped to their unit's subtree. Only auditors and supervisors read history. */
export async function readerForUser(database: Database, userId: string): Promise<AuditReader> {
  const rows = (await database.dataSource.query(
    'SELECT u.id, u.role, u.unit_id, units.path FROM users u JOIN units ON units.id = u.unit_id WHERE u.id = $1',
    [userId],
  )) as Array<{ id: string; role: string; unit_id: string; path: string }>;
  const user = rows[0];
  if (!user) throw new NotFoundError('user', userId);
  if (user.role !== 'auditor' && user.role !== 'supervisor') {
    throw new ZhengzhiError(
      ErrorCode.forbidden,
      `user ${userId} is a ${user.role}; only auditors and supervisors read audit history`,
    );
  }
  return { userId: user.id, unitId: user.unit_id, scopePath: user.path };
}

/** Throws NotFound for an unknown stream and Forbidden for one outside the reader's unit subtree. */
export async function assertStreamVisible(
  database: Database,
  reader: AuditReader,
  streamId: string,
): Promise<{ streamType: string; unitPath: string }> {
  const rows = (await database.dataSource.query(
    'SELECT stream_type, unit_path FROM streams WHERE stream_id = $1',
    [streamId],
  )) as Array<{
    stream_type: string;
    unit_path: string;
  }>;
  const row = rows[0];
  if (!row) throw new NotFoundError('stream', streamId);
  if (reader.scopePath !== null && !row.unit_path.startsWith(reader.scopePath)) {
    throw new ZhengzhiError(
      ErrorCode.forbidden,
      `stream ${streamId} belongs to a unit outside ${reader.userId}'s unit subtree`,
      { streamId },
    );
  }
  return { streamType: row.stream_type, unitPath: row.unit_path };
}

/** Whole-log operations (verifying everything, checkpoints) are for unscoped readers only. */
export function assertUnscoped(reader: AuditReader, what: string): void {
  if (reader.scopePath !== null)
    throw new ZhengzhiError(
      ErrorCode.forbidden,
      `${what} covers every unit; ${reader.userId} may only read their own unit subtree`,
    );
}

/** What an auditor read; written to `audit_reads` (append-only) before the answer is returned. */
export type AuditReadAction =
  'verify' | 'timeline' | 'state-at' | 'explain' | 'export' | 'replay-check' | 'evidence';

/** Records one read of history: who, what, when. */
export async function logRead(
  database: Database,
  clock: Clock,
  reader: AuditReader,
  action: AuditReadAction,
  subject: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  await database.dataSource.query(
    'INSERT INTO audit_reads (reader_id, reader_unit_id, action, subject, at, details) VALUES ($1, $2, $3, $4, $5, $6)',
    [reader.userId, reader.unitId, action, subject, clock.now().toISOString(), details],
  );
}

/** One logged read, as listed back to auditors. */
export interface AuditRead {
  readerId: string;
  readerUnitId: string | null;
  action: string;
  subject: string;
  at: string;
  details: Record<string, unknown>;
}

/** The reads of history, newest first (optionally of one reader). */
export async function listReads(
  database: Database,
  options: { readerId?: string; limit?: number } = {},
): Promise<AuditRead[]> {
  const rows = (await database.dataSource.query(
    'SELECT * FROM audit_reads WHERE ($1::text IS NULL OR reader_id = $1) ORDER BY id DESC LIMIT $2',
    [options.readerId ?? null, options.limit ?? 100],
  )) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    readerId: String(r.reader_id),
    readerUnitId: (r.reader_unit_id as string | null) ?? null,
    action: String(r.action),
    subject: String(r.subject),
    at: new Date(r.at as string).toISOString(),
    details: r.details as Record<string, unknown>,
  }));
}
