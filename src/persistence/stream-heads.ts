import type { QueryExecutor } from './database';

/** What authorisation needs of a stream, read without its (possibly large) snapshot. */
export interface StreamHeadRow {
  streamType: string;
  version: number;
  unitId: string;
  unitPath: string;
  /** For items: the unit handling the clue (its verification unit, else the reported unit). */
  handlingUnitId: string | null;
}

/**
 * A stream's head, or null when there is no such stream. `forUpdate` takes the row lock inside the caller's
 * transaction, so that a command authorised on this head applies to exactly this version.
 */
export async function readStreamHead(
  query: QueryExecutor,
  streamId: string,
  options: { forUpdate?: boolean } = {},
): Promise<StreamHeadRow | null> {
  const rows = await query<Record<string, unknown>>(
    `SELECT stream_type, version, unit_id, unit_path,
            COALESCE(snapshot #>> '{context,verification,unitId}', snapshot #>> '{context,reportedUnitId}') AS handling_unit_id
       FROM streams WHERE stream_id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [streamId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    streamType: String(row.stream_type),
    version: Number(row.version),
    unitId: String(row.unit_id),
    unitPath: String(row.unit_path),
    handlingUnitId: (row.handling_unit_id as string | null) ?? null,
  };
}
