import { createHash, type Hash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Database } from '../persistence/database';
import { GENESIS_HASH } from '../persistence/event-hash';
import { EventStore } from '../persistence/event-store';
import type { Clock } from '../shared/clock';
import { keyIdOf, signatureHolds, signStatement, type SigningKey } from './keys';
import type { Finding } from './findings';

/** A stream's head as a checkpoint records it. `campaignId` is '' for streams outside any campaign. */
export interface CheckpointHead {
  streamId: string;
  streamType: string;
  campaignId: string;
  version: number;
  hash: string;
}

/** The fields a checkpoint signs (its canonical JSON is the `statement`). */
export interface CheckpointStatement {
  format: 'zhengzhi-checkpoint/1';
  id: number;
  createdAt: string;
  /** Global positions (from, to] that this checkpoint adds to the previous one. */
  fromPosition: number;
  toPosition: number;
  eventCount: number;
  streamCount: number;
  /** SHA-256 over "position\thash\n" of every event in (from, to], in global order. */
  rangeDigest: string;
  /** SHA-256 over "campaignId\tcampaignDigest\n" sorted by campaign id (see `campaignDigests`). */
  headsRoot: string;
  /** The previous checkpoint's hash (GENESIS_HASH for the first): checkpoints form their own chain. */
  previousHash: string;
}

/** A stored checkpoint: the statement, its hash, and the signature with the key that made it. */
export interface Checkpoint extends CheckpointStatement {
  statement: string;
  hash: string;
  keyId: string;
  publicKey: string;
  signature: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Incremental range digest: feed (position, hash) in global order. */
export class RangeDigest {
  readonly #hash: Hash = createHash('sha256');
  // Lines are fed to the hash a thousand at a time: one native call per line costs more than the hashing.
  #pending = '';
  count = 0;
  add(position: number, hash: string): void {
    this.#pending += `${position}\t${hash}\n`;
    if (++this.count % 1000 === 0) {
      this.#hash.update(this.#pending);
      this.#pending = '';
    }
  }
  digest(): string {
    return this.#hash.update(this.#pending).digest('hex');
  }
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Per campaign: SHA-256 over "streamId\tstreamType\tversion\thash\n" of its streams sorted by stream id
 * (JavaScript code-unit order, never a database collation). A campaign's digest lets an export prove that
 * it holds every stream of the campaign the checkpoint knew, without carrying the other campaigns' heads.
 */
export function campaignDigests(heads: readonly CheckpointHead[]): Map<string, string> {
  const groups = new Map<string, CheckpointHead[]>();
  for (const h of heads) {
    const group = groups.get(h.campaignId) ?? [];
    group.push(h);
    groups.set(h.campaignId, group);
  }
  const digests = new Map<string, string>();
  for (const [campaignId, group] of groups) {
    group.sort((a, b) => byCodeUnits(a.streamId, b.streamId));
    digests.set(
      campaignId,
      sha256(group.map((h) => `${h.streamId}\t${h.streamType}\t${h.version}\t${h.hash}\n`).join('')),
    );
  }
  return digests;
}

/** The heads root from the per-campaign digests. */
export function headsRootOf(digests: ReadonlyMap<string, string>): string {
  const ids = [...digests.keys()].sort(byCodeUnits);
  return sha256(ids.map((id) => `${id}\t${digests.get(id)}\n`).join(''));
}

/** The canonical statement text (RFC 8785) and its hash. */
export function sealStatement(s: CheckpointStatement): { statement: string; hash: string } {
  const statement = canonicalize({ ...s }) as string;
  return { statement, hash: sha256(statement) };
}

function toCheckpoint(row: Record<string, unknown>): Checkpoint {
  return {
    format: 'zhengzhi-checkpoint/1',
    id: Number(row.id),
    createdAt: new Date(row.created_at as string).toISOString(),
    fromPosition: Number(row.from_position),
    toPosition: Number(row.to_position),
    eventCount: Number(row.event_count),
    streamCount: Number(row.stream_count),
    rangeDigest: String(row.range_digest),
    headsRoot: String(row.heads_root),
    previousHash: String(row.previous_hash),
    statement: String(row.statement),
    hash: String(row.hash),
    keyId: String(row.key_id),
    publicKey: String(row.public_key),
    signature: String(row.signature),
  };
}

const toHead = (r: Record<string, unknown>): CheckpointHead => ({
  streamId: String(r.stream_id),
  streamType: String(r.stream_type),
  campaignId: String(r.campaign_id ?? ''),
  version: Number(r.version),
  hash: String(r.hash),
});

/** Every checkpoint, oldest first. */
export async function loadCheckpoints(database: Database): Promise<Checkpoint[]> {
  const rows = (await database.dataSource.query('SELECT * FROM audit_checkpoints ORDER BY id')) as Record<
    string,
    unknown
  >[];
  return rows.map(toCheckpoint);
}

/** The heads a checkpoint recorded, optionally only those of one campaign. */
export async function loadCheckpointHeads(
  database: Database,
  checkpointId: number,
  campaignId?: string,
): Promise<CheckpointHead[]> {
  const rows = (await database.dataSource.query(
    `SELECT * FROM audit_checkpoint_heads WHERE checkpoint_id = $1 AND ($2::text IS NULL OR campaign_id = $2) ORDER BY stream_id`,
    [checkpointId, campaignId ?? null],
  )) as Record<string, unknown>[];
  return rows.map(toHead);
}

/**
 * Writes a signed checkpoint over every event appended since the previous one. `LOCK TABLE events IN
 * SHARE MODE` waits for in-flight appends and holds new ones for the moment the checkpoint takes, so no
 * event can later commit with a global position inside the range it signed. Returns null when no event
 * was appended since the last checkpoint.
 */
export async function createCheckpoint(
  database: Database,
  key: SigningKey,
  clock: Clock,
): Promise<Checkpoint | null> {
  const store = new EventStore(database);
  return store.transaction(async (tx) => {
    await tx.query('LOCK TABLE events IN SHARE MODE');
    const [previous] = (await tx.query('SELECT * FROM audit_checkpoints ORDER BY id DESC LIMIT 1')).map(
      toCheckpoint,
    );
    const [{ max }] = (await tx.query<{ max: string | number | null }>(
      'SELECT max(global_position) AS max FROM events',
    )) as [{ max: string | number | null }];
    const toPosition = Number(max ?? 0);
    const fromPosition = previous?.toPosition ?? 0;
    if (previous && toPosition === fromPosition) return null;
    const range = new RangeDigest();
    for (let after = fromPosition; ;) {
      const rows = await tx.query<{ global_position: string | number; hash: string }>(
        'SELECT global_position, hash FROM events WHERE global_position > $1 AND global_position <= $2 ORDER BY global_position LIMIT 20000',
        [after, toPosition],
      );
      for (const r of rows) range.add(Number(r.global_position), r.hash);
      if (rows.length < 20000) break;
      after = Number(rows[rows.length - 1]!.global_position);
    }
    const heads = (
      await tx.query(
        `SELECT DISTINCT ON (e.stream_id) e.stream_id, e.sequence AS version, e.hash, s.stream_type, s.campaign_id
         FROM events e JOIN streams s ON s.stream_id = e.stream_id WHERE e.global_position <= $1
         ORDER BY e.stream_id, e.sequence DESC`,
        [toPosition],
      )
    ).map(toHead);
    const fields: CheckpointStatement = {
      format: 'zhengzhi-checkpoint/1',
      id: (previous?.id ?? 0) + 1,
      createdAt: clock.now().toISOString(),
      fromPosition,
      toPosition,
      eventCount: range.count,
      streamCount: heads.length,
      rangeDigest: range.digest(),
      headsRoot: headsRootOf(campaignDigests(heads)),
      previousHash: previous?.hash ?? GENESIS_HASH,
    };
    const { statement, hash } = sealStatement(fields);
    const checkpoint: Checkpoint = {
      ...fields,
      statement,
      hash,
      keyId: key.keyId,
      publicKey: key.publicKeyPem,
      signature: signStatement(key, statement),
    };
    await tx.query(
      `INSERT INTO audit_checkpoints (id, created_at, from_position, to_position, event_count, stream_count, range_digest, heads_root,
         previous_hash, statement, hash, key_id, public_key, signature) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
      [
        fields.id,
        fields.createdAt,
        fromPosition,
        toPosition,
        fields.eventCount,
        fields.streamCount,
        fields.rangeDigest,
        fields.headsRoot,
        fields.previousHash,
        statement,
        hash,
        key.keyId,
        key.publicKeyPem,
        checkpoint.signature,
      ],
    );
    for (let i = 0; i < heads.length; i += 1000) {
      const batch = heads.slice(i, i + 1000);
      const values = batch
        .map((_, j) => `($1, $${j * 5 + 2}, $${j * 5 + 3}, $${j * 5 + 4}, $${j * 5 + 5}, $${j * 5 + 6})`)
        .join(', ');
      await tx.query(
        `INSERT INTO audit_checkpoint_heads (checkpoint_id, stream_id, stream_type, campaign_id, version, hash) VALUES ${values}`,
        [fields.id, ...batch.flatMap((h) => [h.streamId, h.streamType, h.campaignId, h.version, h.hash])],
      );
    }
    return checkpoint;
  });
}

/**
 * Checks a checkpoint's own record against itself and its predecessor: the statement matches the columns
 * and hashes to `hash`, the signature holds, the key is the pinned one (when pinned), the chain of
 * checkpoints is unbroken, and — when given — the heads digest to the signed root.
 */
export function checkCheckpointRecord(
  c: Checkpoint,
  /** The checkpoint before it; null for the first; undefined when unknown (an export carries only the latest). */
  previous: Pick<Checkpoint, 'id' | 'hash' | 'toPosition'> | null | undefined,
  options: {
    heads?: readonly CheckpointHead[];
    digests?: ReadonlyMap<string, string>;
    pinnedKeyId?: string;
  } = {},
): Finding[] {
  const findings: Finding[] = [];
  const invalid = (reason: string): void =>
    void findings.push({ kind: 'checkpoint-invalid', checkpointId: c.id, reason });
  const { statement, hash } = sealStatement({
    format: 'zhengzhi-checkpoint/1',
    id: c.id,
    createdAt: c.createdAt,
    fromPosition: c.fromPosition,
    toPosition: c.toPosition,
    eventCount: c.eventCount,
    streamCount: c.streamCount,
    rangeDigest: c.rangeDigest,
    headsRoot: c.headsRoot,
    previousHash: c.previousHash,
  });
  if (statement !== c.statement) invalid('its columns no longer match the signed statement');
  if (sha256(c.statement) !== c.hash || hash !== c.hash)
    invalid(`its hash ${c.hash} does not cover the statement`);
  if (!signatureHolds(c.publicKey, c.statement, c.signature))
    invalid('the signature does not verify with the recorded public key');
  let keyId: string | null = null;
  try {
    keyId = keyIdOf(c.publicKey);
  } catch {
    invalid('the recorded public key is unreadable');
  }
  if (keyId !== null && keyId !== c.keyId)
    invalid(`the key id ${c.keyId} is not the recorded public key's (${keyId})`);
  if (options.pinnedKeyId && keyId !== options.pinnedKeyId)
    invalid(`signed by key ${keyId}, not the trusted key ${options.pinnedKeyId}`);
  const expectedPrevious = previous?.hash ?? GENESIS_HASH;
  if (previous !== undefined && c.previousHash !== expectedPrevious)
    invalid(
      `its previous hash ${c.previousHash} is not checkpoint ${previous?.id ?? 0}'s ${expectedPrevious}`,
    );
  if (previous && c.fromPosition !== previous.toPosition)
    invalid(
      `its range starts at ${c.fromPosition}, not where checkpoint ${previous.id} ended (${previous.toPosition})`,
    );
  if (previous && c.id !== previous.id + 1)
    invalid(`it follows checkpoint ${previous.id}: a checkpoint is missing`);
  if (options.heads) {
    if (options.heads.length !== c.streamCount)
      invalid(`it records ${options.heads.length} stream heads, the statement says ${c.streamCount}`);
    if (headsRootOf(campaignDigests(options.heads)) !== c.headsRoot)
      invalid('its stream heads no longer digest to the signed root');
  }
  if (options.digests && headsRootOf(options.digests) !== c.headsRoot)
    invalid('the campaign digests do not give the signed heads root');
  return findings;
}
