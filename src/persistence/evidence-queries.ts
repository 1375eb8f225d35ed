import type { Database } from './database';

/** A stored file as the record describes it (what an event cites). */
export interface EvidenceFileRow {
  sha256: string;
  size: number;
  mediaType: string;
  takenAt: string | null;
  latitude: number | null;
  longitude: number | null;
  storedAt: string;
}

/** A file as uploaded to one item. */
export interface EvidenceLinkRow extends EvidenceFileRow {
  itemId: string;
  name: string;
  uploadedBy: string;
  uploadedAt: string;
}

type Row = Record<string, unknown>;
const iso = (value: unknown): string | null =>
  value === null || value === undefined ? null : new Date(value as string).toISOString();

function toFile(row: Row): EvidenceFileRow {
  return {
    sha256: String(row.sha256),
    size: Number(row.size),
    mediaType: String(row.media_type),
    takenAt: iso(row.taken_at),
    latitude: row.latitude === null ? null : Number(row.latitude),
    longitude: row.longitude === null ? null : Number(row.longitude),
    storedAt: iso(row.stored_at)!,
  };
}

function toLink(row: Row): EvidenceLinkRow {
  return {
    ...toFile(row),
    itemId: String(row.item_id),
    name: String(row.name),
    uploadedBy: String(row.uploaded_by),
    uploadedAt: iso(row.uploaded_at)!,
  };
}

/** Records a file once (a second upload of the same bytes changes nothing). */
export async function insertEvidenceFile(database: Database, file: EvidenceFileRow): Promise<void> {
  await database.dataSource.query(
    `INSERT INTO evidence_files (sha256, size, media_type, taken_at, latitude, longitude, stored_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sha256) DO NOTHING`,
    [file.sha256, file.size, file.mediaType, file.takenAt, file.latitude, file.longitude, file.storedAt],
  );
}

/** Links a file to an item; returns false when that item already had it (a retried upload). */
export async function insertEvidenceLink(
  database: Database,
  link: { itemId: string; sha256: string; name: string; uploadedBy: string; uploadedAt: string },
): Promise<boolean> {
  const rows = (await database.dataSource.query(
    `INSERT INTO evidence_links (item_id, sha256, name, uploaded_by, uploaded_at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (item_id, sha256) DO NOTHING RETURNING sha256`,
    [link.itemId, link.sha256, link.name, link.uploadedBy, link.uploadedAt],
  )) as Row[];
  return rows.length === 1;
}

const LINK_COLUMNS = `l.item_id, l.name, l.uploaded_by, l.uploaded_at,
  f.sha256, f.size, f.media_type, f.taken_at, f.latitude, f.longitude, f.stored_at`;

/** The files uploaded to an item, oldest first. */
export async function evidenceOfItem(database: Database, itemId: string): Promise<EvidenceLinkRow[]> {
  const rows = (await database.dataSource.query(
    `SELECT ${LINK_COLUMNS} FROM evidence_links l JOIN evidence_files f USING (sha256)
     WHERE l.item_id = $1 ORDER BY l.uploaded_at, l.sha256`,
    [itemId],
  )) as Row[];
  return rows.map(toLink);
}

/** The given files as uploaded to the item (missing ones are absent from the map). */
export async function evidenceLinks(
  database: Database,
  itemId: string,
  sha256s: readonly string[],
): Promise<Map<string, EvidenceLinkRow>> {
  if (sha256s.length === 0) return new Map();
  const rows = (await database.dataSource.query(
    `SELECT ${LINK_COLUMNS} FROM evidence_links l JOIN evidence_files f USING (sha256)
     WHERE l.item_id = $1 AND l.sha256 = ANY($2::text[])`,
    [itemId, sha256s],
  )) as Row[];
  return new Map(rows.map((row) => [String(row.sha256), toLink(row)]));
}

/** One citation of a file by an event: what verification checks against the store. */
export interface EvidenceCitation {
  streamId: string;
  sequence: number;
  eventType: string;
  sha256: string;
  size: number;
  name: string;
}

/**
 * Every file cited by an event (events whose payload carries `evidence` objects with a `sha256`), in log
 * order. Read in pages so a large log never sits in memory at once.
 */
export async function* evidenceCitations(
  database: Database,
  pageSize = 2000,
): AsyncGenerator<EvidenceCitation> {
  let after = 0;
  for (;;) {
    const rows = (await database.dataSource.query(
      `SELECT global_position, stream_id, sequence, type, payload->'evidence' AS evidence FROM events
       WHERE global_position > $1 AND jsonb_typeof(payload->'evidence') = 'array'
       ORDER BY global_position LIMIT $2`,
      [after, pageSize],
    )) as Row[];
    for (const row of rows) {
      const cited = (typeof row.evidence === 'string' ? JSON.parse(row.evidence) : row.evidence) as unknown[];
      for (const entry of cited) {
        if (typeof entry !== 'object' || entry === null || !('sha256' in entry)) continue;
        const file = entry as { sha256: string; size: number; name: string };
        yield {
          streamId: String(row.stream_id),
          sequence: Number(row.sequence),
          eventType: String(row.type),
          sha256: String(file.sha256),
          size: Number(file.size),
          name: String(file.name),
        };
      }
    }
    if (rows.length < pageSize) return;
    after = Number(rows[rows.length - 1]!.global_position);
  }
}
