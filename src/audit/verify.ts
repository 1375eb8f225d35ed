import type { Database } from '../persistence/database';
import { ChainChecker, InterleavedChainChecker } from './chain-check';
import {
  checkCheckpointRecord,
  loadCheckpointHeads,
  loadCheckpoints,
  RangeDigest,
  type Checkpoint,
} from './checkpoint';
import { anchorOf, checkAnchors, type CheckpointAnchor } from './anchor';
import { scanByPosition, scanChainRows, type ScanMode } from './event-scan';
import type { Finding } from './findings';
import { checkSnapshots, type ReplayFunction } from './replay-check';

/** What to verify. Without a stream or campaign, everything, including the checkpoints' global ranges. */
export interface VerifyOptions {
  streamId?: string;
  campaignId?: string;
  /** How to read events (default: COPY on PostgreSQL, SELECT pages on PGlite). */
  mode?: ScanMode;
  /** Compare the column copies (payload, actor, unit, time, …) with the bodies (default true). */
  columns?: boolean;
  /** Replay every stream and compare with its stored snapshot (default true). */
  snapshots?: boolean;
  /** Only accept checkpoints signed by this key id (see README, trust model). */
  pinnedKeyId?: string;
  /** Checkpoints the auditor holds outside the database (given, or remembered from the last run): each must still be there. */
  anchors?: readonly CheckpointAnchor[];
  /** Fail when no checkpoint by the pinned key exists (default: whenever a key is pinned; the very first signing turns it off). */
  requireCheckpoint?: boolean;
  replay?: ReplayFunction;
  /** Re-reads and re-hashes every file an event in scope cites as evidence. */
  evidence?: EvidenceChecker;
}

/** What verification needs of the evidence store (the API's and the CLI's `EvidenceService`). */
export interface EvidenceChecker {
  check(): Promise<{
    checked: number;
    problems: Array<Finding & { kind: 'evidence-missing' | 'evidence-altered' }>;
  }>;
}

export interface VerifyReport {
  ok: boolean;
  scope: { streamId?: string; campaignId?: string };
  findings: Finding[];
  streamsChecked: number;
  eventsChecked: number;
  checkpointsChecked: number;
  /** The latest checkpoint (signed by the pinned key, when one is pinned): what an auditor keeps outside the database. */
  latestCheckpoint: CheckpointAnchor | null;
  /** Events in scope after the latest checkpoint: protected by their chains only, until the next checkpoint. */
  eventsNotCovered: number;
  /** Evidence citations whose files were re-read and re-hashed (0 when the store was not given). */
  filesChecked: number;
}

/** The streams a campaign-scoped verification covers: today's and those the checkpoints remember. */
async function campaignStreams(database: Database, campaignId: string): Promise<string[]> {
  const rows = (await database.dataSource.query(
    `SELECT stream_id FROM streams WHERE campaign_id = $1 OR stream_id = $1
     UNION SELECT stream_id FROM audit_checkpoint_heads WHERE campaign_id = $1 ORDER BY stream_id`,
    [campaignId],
  )) as Array<{ stream_id: string }>;
  return rows.map((r) => r.stream_id);
}

/**
 * Recomputes every hash chain (or those in scope) from the stored canonical text and reports the first
 * broken link per stream; compares columns with bodies, stream heads with their last events, signed
 * checkpoints with the log (deleted streams, rewritten ranges), and stored snapshots with a replay.
 */
export async function verifyDatabase(database: Database, options: VerifyOptions = {}): Promise<VerifyReport> {
  const scoped = options.streamId !== undefined || options.campaignId !== undefined;
  const streamIds =
    options.streamId !== undefined
      ? [options.streamId]
      : options.campaignId !== undefined
        ? await campaignStreams(database, options.campaignId)
        : null;
  const inScope = (id: string): boolean => streamIds === null || streamIds.includes(id);
  const findings: Finding[] = [];

  // 1. The checkpoints themselves, and the heads they vouch for.
  const checkpoints = await loadCheckpoints(database);
  const expectedHeads = new Map<
    string,
    Array<{ checkpointId: number; version: number; hash: string; seen: boolean }>
  >();
  let previous: Checkpoint | null = null;
  for (const c of checkpoints) {
    const heads = await loadCheckpointHeads(database, c.id);
    findings.push(...checkCheckpointRecord(c, previous, { heads, pinnedKeyId: options.pinnedKeyId }));
    for (const h of heads) {
      if (!inScope(h.streamId)) continue;
      const list = expectedHeads.get(h.streamId) ?? [];
      list.push({ checkpointId: c.id, version: h.version, hash: h.hash, seen: false });
      expectedHeads.set(h.streamId, list);
    }
    previous = c;
  }

  // 2. The chains, the columns against the bodies, and the checkpoint heads met on the way.
  const streamRows = (await database.dataSource.query(
    `SELECT stream_id, version, last_hash FROM streams WHERE ($1::text[] IS NULL OR stream_id = ANY($1))`,
    [streamIds],
  )) as Array<{ stream_id: string; version: number; last_hash: string }>;
  const recorded = new Map(
    streamRows.map((r) => [r.stream_id, { version: Number(r.version), lastHash: r.last_hash, seen: false }]),
  );
  // Fast pass in global-position order (sequential, no sort): sorts streams into intact and suspect,
  // checks the checkpoint heads met on the way and digests the checkpoints' signed ranges.
  const checkBodies = options.columns ?? true;
  const fast = new InterleavedChainChecker(checkBodies);
  const ranges = !scoped && checkpoints.length > 0 ? new RangeDigests(checkpoints) : null;
  const filter = streamIds ? { streamIds } : null;
  const coveredTo = checkpoints[checkpoints.length - 1]?.toPosition ?? 0;
  let eventsNotCovered = 0;
  await scanByPosition(
    database,
    filter,
    (row, position) => {
      fast.push(row);
      if (position > coveredTo) eventsNotCovered++;
      ranges?.add(position, row.hash);
      const heads = expectedHeads.get(row.streamId);
      if (heads === undefined) return;
      for (const head of heads) {
        if (head.version !== row.sequence) continue;
        head.seen = true;
        if (head.hash !== row.hash) {
          findings.push({
            kind: 'checkpoint-head-mismatch',
            streamId: row.streamId,
            sequence: row.sequence,
            checkpointId: head.checkpointId,
            expected: head.hash,
            found: row.hash,
          });
        }
      }
    },
    options.mode,
    checkBodies,
  );
  // Precise pass over the suspects only, in sequence order: the first broken link of each, exactly.
  const chain = new ChainChecker({ checkBodies });
  if (fast.suspects.size > 0) {
    await scanChainRows(
      database,
      { streamIds: [...fast.suspects] },
      (row) => chain.push(row),
      options.mode,
      checkBodies,
    );
  }
  findings.unshift(...chain.finish());
  const observedHeads = [...fast.heads(), ...chain.heads];
  const headFindings: Finding[] = [];
  for (const head of observedHeads) {
    const stream = recorded.get(head.streamId);
    if (!stream) continue;
    stream.seen = true;
    if (stream.version !== head.version)
      headFindings.push({
        kind: 'head-mismatch',
        streamId: head.streamId,
        field: 'version',
        expected: head.version,
        found: stream.version,
      });
    else if (stream.lastHash !== head.hash)
      headFindings.push({
        kind: 'head-mismatch',
        streamId: head.streamId,
        field: 'last_hash',
        expected: head.hash,
        found: stream.lastHash,
      });
  }
  const withEvents = new Set(observedHeads.map((h) => h.streamId));
  for (const [streamId, stream] of recorded) {
    if (!stream.seen)
      headFindings.push({
        kind: 'head-mismatch',
        streamId,
        field: 'version',
        expected: null,
        found: stream.version,
      });
  }
  // The streams were read before the scan: on a live log a stream may have moved on in between. A head
  // that disagreed is reported only if the stream, read again now, still disagrees with its own events.
  for (const f of headFindings) {
    if (f.kind === 'head-mismatch' && !(await agreesNow(database, f.streamId, f.expected))) findings.push(f);
  }
  for (const [streamId, heads] of expectedHeads) {
    if (!withEvents.has(streamId)) {
      const latest = heads[heads.length - 1]!;
      findings.push({
        kind: 'stream-missing',
        streamId,
        checkpointId: latest.checkpointId,
        expected: { version: latest.version, hash: latest.hash },
        found: null,
      });
      continue;
    }
    for (const head of heads) {
      if (!head.seen)
        findings.push({
          kind: 'checkpoint-head-mismatch',
          streamId,
          sequence: head.version,
          checkpointId: head.checkpointId,
          expected: head.hash,
          found: null,
        });
    }
  }

  // 3. The global ranges the checkpoints signed: catches events moved between positions or streams.
  if (ranges) findings.push(...ranges.findings());

  // 4. Checkpoints that must exist: one signed by the pinned key, and those held outside the database.
  findings.push(...requiredCheckpoints(checkpoints, fast.count, options));

  // 5. Snapshots against a replay of their events.
  if (options.snapshots ?? true) {
    const replayed = await checkSnapshots(database, {
      streamIds: streamIds ?? undefined,
      replay: options.replay,
    });
    findings.push(...replayed.findings);
  }

  // 6. Evidence files: each cited file still in the store, with the hash the event recorded.
  const files = options.evidence ? await options.evidence.check() : { checked: 0, problems: [] };
  findings.push(...files.problems.filter((p) => inScope(p.streamId)));
  return {
    ok: findings.length === 0,
    scope: {
      ...(options.streamId ? { streamId: options.streamId } : {}),
      ...(options.campaignId ? { campaignId: options.campaignId } : {}),
    },
    findings,
    streamsChecked: observedHeads.length,
    eventsChecked: fast.count,
    checkpointsChecked: checkpoints.length,
    latestCheckpoint: latestTrusted(checkpoints, options.pinnedKeyId),
    eventsNotCovered,
    filesChecked: files.checked,
  };
}

function latestTrusted(checkpoints: readonly Checkpoint[], pinnedKeyId?: string): CheckpointAnchor | null {
  const trusted = checkpoints.filter((c) => pinnedKeyId === undefined || c.keyId === pinnedKeyId);
  const latest = trusted[trusted.length - 1];
  return latest ? anchorOf(latest) : null;
}

/**
 * Deleting every checkpoint row would otherwise leave nothing to contradict a rewritten log: a pinned key
 * means "this log is vouched for by that key", so a log with events and no checkpoint by it fails; and each
 * anchor held outside the database must still be there.
 */
function requiredCheckpoints(
  checkpoints: readonly Checkpoint[],
  eventsInScope: number,
  options: Pick<VerifyOptions, 'pinnedKeyId' | 'anchors' | 'requireCheckpoint'>,
): Finding[] {
  const findings: Finding[] = [];
  const pinned = options.pinnedKeyId;
  const required = options.requireCheckpoint ?? pinned !== undefined;
  if (pinned !== undefined && required && eventsInScope > 0 && !checkpoints.some((c) => c.keyId === pinned)) {
    findings.push({
      kind: 'checkpoint-missing',
      checkpointId: null,
      expected: null,
      reason: `no checkpoint signed by the trusted key ${pinned} covers the log (${checkpoints.length} checkpoint(s) in the database)`,
    });
  }
  findings.push(...checkAnchors(checkpoints, options.anchors ?? []));
  return findings;
}

/**
 * True when a stream's row agrees with its latest event now and is at or past what the scan observed —
 * i.e. the earlier disagreement was an append racing the verification, not an edit.
 */
async function agreesNow(
  database: Database,
  streamId: string,
  observedVersion: string | number | null,
): Promise<boolean> {
  const rows = (await database.dataSource.query(
    `SELECT s.version, s.last_hash, e.sequence, e.hash FROM streams s
     LEFT JOIN LATERAL (SELECT sequence, hash FROM events WHERE stream_id = s.stream_id ORDER BY sequence DESC LIMIT 1) e ON true
     WHERE s.stream_id = $1`,
    [streamId],
  )) as Array<{ version: number; last_hash: string; sequence: number | null; hash: string | null }>;
  const now = rows[0];
  if (!now || now.sequence === null || observedVersion === null) return false;
  return (
    Number(now.version) === Number(now.sequence) &&
    now.last_hash === now.hash &&
    Number(now.version) >= Number(observedVersion)
  );
}

/** The signed range digests of every checkpoint, recomputed from events fed in global-position order. */
class RangeDigests {
  readonly #checkpoints: readonly Checkpoint[];
  readonly #digests: RangeDigest[];
  #index = 0;

  constructor(checkpoints: readonly Checkpoint[]) {
    this.#checkpoints = checkpoints;
    this.#digests = checkpoints.map(() => new RangeDigest());
  }

  add(position: number, hash: string): void {
    while (this.#index < this.#checkpoints.length && position > this.#checkpoints[this.#index]!.toPosition)
      this.#index++;
    if (this.#index < this.#checkpoints.length && position > this.#checkpoints[this.#index]!.fromPosition)
      this.#digests[this.#index]!.add(position, hash);
  }

  findings(): Finding[] {
    return this.#checkpoints.flatMap((c, i): Finding[] => {
      const found = { count: this.#digests[i]!.count, digest: this.#digests[i]!.digest() };
      return found.count === c.eventCount && found.digest === c.rangeDigest
        ? []
        : [
            {
              kind: 'checkpoint-range-mismatch',
              checkpointId: c.id,
              expected: { count: c.eventCount, digest: c.rangeDigest },
              found,
            },
          ];
    });
  }
}
