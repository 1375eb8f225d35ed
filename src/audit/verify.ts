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

/** A head a checkpoint vouches for, and whether the scan met it. */
interface ExpectedHead {
  checkpointId: number;
  version: number;
  hash: string;
  seen: boolean;
}

/** A stream's recorded head (the `streams` row), and whether the scan met any of its events. */
interface RecordedHead {
  version: number;
  lastHash: string;
  seen: boolean;
}

/**
 * Recomputes every hash chain (or those in scope) from the stored canonical text and reports the first
 * broken link per stream; compares columns with bodies, stream heads with their last events, signed
 * checkpoints with the log (deleted streams, rewritten ranges), and stored snapshots with a replay.
 */
export async function verifyDatabase(database: Database, options: VerifyOptions = {}): Promise<VerifyReport> {
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
  const expectedHeads = await checkCheckpoints(database, checkpoints, inScope, options, findings);

  // 2. The chains, the columns against the bodies, the stream heads, and the checkpoint heads met on the way.
  const scanned = await scanChains(database, streamIds, checkpoints, expectedHeads, options, findings);

  // 3. The global ranges the checkpoints signed: catches events moved between positions or streams.
  if (scanned.ranges) findings.push(...scanned.ranges.findings());

  // 4. Checkpoints that must exist: one signed by the pinned key, and those held outside the database.
  findings.push(...requiredCheckpoints(checkpoints, scanned.eventsChecked, options));

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
    streamsChecked: scanned.streamsChecked,
    eventsChecked: scanned.eventsChecked,
    checkpointsChecked: checkpoints.length,
    latestCheckpoint: latestTrusted(checkpoints, options.pinnedKeyId),
    eventsNotCovered: scanned.eventsNotCovered,
    filesChecked: files.checked,
  };
}

/** Checks each checkpoint record against its predecessor and gathers the in-scope heads they vouch for. */
async function checkCheckpoints(
  database: Database,
  checkpoints: readonly Checkpoint[],
  inScope: (streamId: string) => boolean,
  options: VerifyOptions,
  findings: Finding[],
): Promise<Map<string, ExpectedHead[]>> {
  const expectedHeads = new Map<string, ExpectedHead[]>();
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
  return expectedHeads;
}

/**
 * The two passes over the events: a fast one in global-position order (sequential, no sort) that sorts
 * streams into intact and suspect, checks the checkpoint heads met on the way and digests the checkpoints'
 * signed ranges; then a precise one over the suspects only, in sequence order, for the first broken link of
 * each. Then the stream heads against the chains.
 */
async function scanChains(
  database: Database,
  streamIds: string[] | null,
  checkpoints: readonly Checkpoint[],
  expectedHeads: Map<string, ExpectedHead[]>,
  options: VerifyOptions,
  findings: Finding[],
): Promise<{
  ranges: RangeDigests | null;
  eventsChecked: number;
  eventsNotCovered: number;
  streamsChecked: number;
}> {
  const scoped = options.streamId !== undefined || options.campaignId !== undefined;
  const recorded = await recordedHeads(database, streamIds);
  const checkBodies = options.columns ?? true;
  const fast = new InterleavedChainChecker(checkBodies);
  const ranges = !scoped && checkpoints.length > 0 ? new RangeDigests(checkpoints) : null;
  const coveredTo = checkpoints[checkpoints.length - 1]?.toPosition ?? 0;
  let eventsNotCovered = 0;
  await scanByPosition(
    database,
    streamIds ? { streamIds } : null,
    (row, position) => {
      fast.push(row);
      if (position > coveredTo) eventsNotCovered++;
      ranges?.add(position, row.hash);
      const heads = expectedHeads.get(row.streamId);
      if (heads !== undefined) findings.push(...metCheckpointHeads(heads, row));
    },
    options.mode,
    checkBodies,
  );
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
  findings.push(...(await streamHeadFindings(database, recorded, observedHeads)));
  findings.push(...unmetCheckpointHeads(expectedHeads, new Set(observedHeads.map((h) => h.streamId))));
  return { ranges, eventsChecked: fast.count, eventsNotCovered, streamsChecked: observedHeads.length };
}

async function recordedHeads(
  database: Database,
  streamIds: string[] | null,
): Promise<Map<string, RecordedHead>> {
  const rows = (await database.dataSource.query(
    `SELECT stream_id, version, last_hash FROM streams WHERE ($1::text[] IS NULL OR stream_id = ANY($1))`,
    [streamIds],
  )) as Array<{ stream_id: string; version: number; last_hash: string }>;
  return new Map(
    rows.map((r) => [r.stream_id, { version: Number(r.version), lastHash: r.last_hash, seen: false }]),
  );
}

/** Marks the checkpoint heads an event is (same stream and sequence) and reports those whose hash differs. */
function metCheckpointHeads(
  heads: ExpectedHead[] | undefined,
  row: { streamId: string; sequence: number; hash: string },
): Finding[] {
  const found: Finding[] = [];
  for (const head of heads ?? []) {
    if (head.version !== row.sequence) continue;
    head.seen = true;
    if (head.hash !== row.hash) {
      found.push({
        kind: 'checkpoint-head-mismatch',
        streamId: row.streamId,
        sequence: row.sequence,
        checkpointId: head.checkpointId,
        expected: head.hash,
        found: row.hash,
      });
    }
  }
  return found;
}

/** Each stream's recorded head against the last event of its chain; streams with no events at all. */
async function streamHeadFindings(
  database: Database,
  recorded: Map<string, RecordedHead>,
  observedHeads: ReadonlyArray<{ streamId: string; version: number; hash: string }>,
): Promise<Finding[]> {
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
  const lasting: Finding[] = [];
  for (const f of headFindings) {
    if (f.kind === 'head-mismatch' && !(await agreesNow(database, f.streamId, f.expected))) lasting.push(f);
  }
  return lasting;
}

/** Checkpoint heads the scan never met: a stream deleted since, or a signed version no longer there. */
function unmetCheckpointHeads(
  expectedHeads: Map<string, ExpectedHead[]>,
  withEvents: Set<string>,
): Finding[] {
  const found: Finding[] = [];
  for (const [streamId, heads] of expectedHeads) {
    if (!withEvents.has(streamId)) {
      const latest = heads[heads.length - 1]!;
      found.push({
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
        found.push({
          kind: 'checkpoint-head-mismatch',
          streamId,
          sequence: head.version,
          checkpointId: head.checkpointId,
          expected: head.hash,
          found: null,
        });
    }
  }
  return found;
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
