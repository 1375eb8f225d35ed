/**
 * What verification can find. Each finding names the stream and sequence (or checkpoint) and what was
 * expected versus what was found, so an auditor can go straight to the broken link.
 */
export type Finding =
  /** A file an event cites as evidence is not in the store any more. */
  | {
      kind: 'evidence-missing';
      streamId: string;
      sequence: number;
      eventType: string;
      sha256: string;
      name: string;
    }
  /** A file an event cites is in the store with other bytes (its SHA-256 is `found`). */
  | {
      kind: 'evidence-altered';
      streamId: string;
      sequence: number;
      eventType: string;
      sha256: string;
      name: string;
      found: string;
    }
  /** An event is missing (deleted) — or, with `found` < `expected`, repeated or out of order. */
  | {
      kind: 'sequence-gap';
      streamId: string;
      sequence: number;
      expected: number;
      found: number;
      line?: number;
    }
  /** The event's prev_hash is not the hash of the event before it: an event was inserted, removed or moved. */
  | {
      kind: 'prev-hash-mismatch';
      streamId: string;
      sequence: number;
      expected: string;
      found: string;
      line?: number;
    }
  /** SHA-256(prev_hash ‖ "\n" ‖ body) is not the stored hash: the body (or the hash) was edited. */
  | {
      kind: 'hash-mismatch';
      streamId: string;
      sequence: number;
      expected: string;
      found: string;
      line?: number;
    }
  /** A column (payload, actor, unit, time, …) no longer says what the hashed body says. */
  | {
      kind: 'column-mismatch';
      streamId: string;
      sequence: number;
      field: string;
      expected: unknown;
      found: unknown;
    }
  /** The body is not JSON, or not an event body. */
  | { kind: 'body-unreadable'; streamId: string; sequence: number; message: string; line?: number }
  /** `streams.version` / `streams.last_hash` disagree with the stream's last event. */
  | {
      kind: 'head-mismatch';
      streamId: string;
      field: 'version' | 'last_hash';
      expected: string | number | null;
      found: string | number | null;
    }
  /** The stored snapshot is not what replaying the events produces (first differing path). */
  | { kind: 'snapshot-mismatch'; streamId: string; path: string; expected: unknown; found: unknown }
  /** Replaying the events fails (a stored event no longer applies). */
  | { kind: 'replay-failed'; streamId: string; sequence: number | null; message: string }
  /** A stream a checkpoint covers has no events at all: it was deleted. */
  | {
      kind: 'stream-missing';
      streamId: string;
      checkpointId: number;
      expected: { version: number; hash: string };
      found: null;
    }
  /** A checkpoint's head for this stream does not match the event stored at that sequence. */
  | {
      kind: 'checkpoint-head-mismatch';
      streamId: string;
      sequence: number;
      checkpointId: number;
      expected: string;
      found: string | null;
    }
  /** The events of a checkpoint's global position range no longer digest to what it signed. */
  | {
      kind: 'checkpoint-range-mismatch';
      checkpointId: number;
      expected: { count: number; digest: string };
      found: { count: number; digest: string };
    }
  /** A checkpoint's own record is inconsistent: bad signature, broken checkpoint chain, heads not matching the root, unpinned key. */
  | { kind: 'checkpoint-invalid'; checkpointId: number; reason: string }
  /**
   * A checkpoint that must exist does not: none signed by the pinned key covers the log, or the one the
   * auditor holds outside the database (given, or remembered from the last run) is gone.
   */
  | { kind: 'checkpoint-missing'; checkpointId: number | null; expected: string | null; reason: string }
  /** An export's header is unsigned (when a key is pinned), its signature fails, or it disagrees with the file. */
  | { kind: 'export-header-invalid'; field: string; expected: unknown; found: unknown; reason: string }
  /** The export file itself is malformed at this line. */
  | { kind: 'export-malformed'; line: number; message: string };

export type FindingKind = Finding['kind'];

/** One line of plain text per finding, for the CLI. */
export function describeFinding(f: Finding): string {
  const where =
    'streamId' in f
      ? `stream ${f.streamId}${'sequence' in f && f.sequence !== null ? ` sequence ${f.sequence}` : ''}`
      : '';
  const line = 'line' in f && f.line !== undefined ? ` (line ${f.line})` : '';
  const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
  switch (f.kind) {
    case 'sequence-gap':
      return `${where}${line}: sequence gap — expected sequence ${f.expected}, found ${f.found}`;
    case 'prev-hash-mismatch':
      return `${where}${line}: broken link — prev_hash expected ${f.expected}, found ${f.found}`;
    case 'hash-mismatch':
      return `${where}${line}: hash does not cover the body — expected ${f.expected}, found ${f.found}`;
    case 'column-mismatch':
      return `${where}: column ${f.field} differs from the hashed body — expected ${show(f.expected)}, found ${show(f.found)}`;
    case 'body-unreadable':
      return `${where}${line}: body unreadable — ${f.message}`;
    case 'head-mismatch':
      return `${where}: streams.${f.field} expected ${show(f.expected)} (from the events), found ${show(f.found)}`;
    case 'snapshot-mismatch':
      return `${where}: snapshot differs from replay at ${f.path} — expected ${show(f.expected)}, found ${show(f.found)}`;
    case 'replay-failed':
      return `${where}: replay failed — ${f.message}`;
    case 'stream-missing':
      return `${where}: deleted — checkpoint ${f.checkpointId} covers it at version ${f.expected.version} (hash ${f.expected.hash}), no events found`;
    case 'checkpoint-head-mismatch':
      return `${where}: checkpoint ${f.checkpointId} signed hash ${f.expected}, found ${f.found ?? 'no event'}`;
    case 'checkpoint-range-mismatch':
      return `checkpoint ${f.checkpointId}: global positions no longer match — expected ${f.expected.count} events digest ${f.expected.digest}, found ${f.found.count} digest ${f.found.digest}`;
    case 'checkpoint-invalid':
      return `checkpoint ${f.checkpointId}: ${f.reason}`;
    case 'checkpoint-missing':
      return `checkpoint ${f.checkpointId ?? '?'} missing: ${f.reason}`;
    case 'export-header-invalid':
      return `export header ${f.field}: ${f.reason} — expected ${show(f.expected)}, found ${show(f.found)}`;
    case 'export-malformed':
      return `line ${f.line}: ${f.message}`;
    case 'evidence-missing':
      return `item ${f.streamId} event ${f.sequence} (${f.eventType}): evidence file "${f.name}" (sha256 ${f.sha256}) is missing from the store`;
    case 'evidence-altered':
      return `item ${f.streamId} event ${f.sequence} (${f.eventType}): evidence file "${f.name}" was altered — the event cites sha256 ${f.sha256}, the stored bytes hash to ${f.found}`;
  }
}
