import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Database } from '../persistence/database';
import { EventStore } from '../persistence/event-store';
import type { Clock } from '../shared/clock';
import { NotFoundError } from '../shared/errors';
import {
  campaignDigests,
  createCheckpoint,
  loadCheckpointHeads,
  loadCheckpoints,
  type Checkpoint,
  type CheckpointHead,
} from './checkpoint';
import canonicalize from 'canonicalize';
import { signStatement, type SigningKey } from './keys';

/** The export format's name and version, in the header line. Bump the version when a line's shape changes. */
export const EXPORT_FORMAT = 'zhengzhi-audit-export';
export const EXPORT_FORMAT_VERSION = 2;

/** The lines of an export (JSON Lines), in the order they appear. */
export type ExportLine =
  | {
      kind: 'header';
      format: typeof EXPORT_FORMAT;
      formatVersion: number;
      campaignId: string;
      exportedAt: string;
      exportedBy: string;
      streams: number;
      events: number;
      /** The checkpoint the export ends with (null: none), so removing that line is evident. */
      checkpointId: number | null;
      checkpointHash: string | null;
      /** Ed25519 signature (with the checkpoint key) over the RFC 8785 form of every other header field. */
      keyId?: string;
      publicKey?: string;
      signature?: string;
    }
  | { kind: 'stream'; streamId: string; streamType: string; version: number; lastHash: string }
  | {
      kind: 'event';
      streamId: string;
      sequence: number;
      globalPosition: number;
      body: string;
      prevHash: string;
      hash: string;
    }
  | ({ kind: 'checkpoint'; campaignDigests: Record<string, string>; heads: CheckpointHead[] } & Checkpoint);

export interface ExportSummary {
  file: string;
  streams: number;
  events: number;
  checkpointId: number | null;
}

/**
 * Writes a self-contained, verifiable history of one campaign: a header, then every stream of the campaign
 * (the campaign, its items, its escalations) with each event's stored canonical body, prev_hash and hash,
 * then the latest signed checkpoint with this campaign's heads and every campaign's digest (enough to
 * recompute the signed root without the other campaigns' data). With a key, a fresh checkpoint is taken
 * first so the whole export is covered by a signature.
 */
export async function exportCampaign(
  database: Database,
  campaignId: string,
  file: string,
  options: { clock: Clock; exportedBy: string; key?: SigningKey | null },
): Promise<ExportSummary> {
  const store = new EventStore(database);
  const campaign = await store.loadStream(campaignId);
  if (!campaign || campaign.streamType !== 'campaign') throw new NotFoundError('campaign', campaignId);
  if (options.key) await createCheckpoint(database, options.key, options.clock);
  const checkpoints = await loadCheckpoints(database);
  const checkpoint = checkpoints[checkpoints.length - 1] ?? null;
  const allHeads = checkpoint ? await loadCheckpointHeads(database, checkpoint.id) : [];
  const heads = allHeads.filter((h) => h.campaignId === campaignId);
  // Each stream is read up to the version listed here, so the header's counts are exactly the lines written.
  const streams = (await database.dataSource.query(
    `SELECT stream_id, stream_type, version, last_hash FROM streams WHERE campaign_id = $1 OR stream_id = $1 ORDER BY stream_id`,
    [campaignId],
  )) as Array<{ stream_id: string; stream_type: string; version: number; last_hash: string }>;
  const eventCount = streams.reduce((sum, s) => sum + Number(s.version), 0);

  const out = createWriteStream(file, { encoding: 'utf8' });
  const write = async (line: ExportLine): Promise<void> => {
    if (!out.write(JSON.stringify(line) + '\n')) await once(out, 'drain');
  };
  await write(
    signedHeader(
      {
        kind: 'header',
        format: EXPORT_FORMAT,
        formatVersion: EXPORT_FORMAT_VERSION,
        campaignId,
        exportedAt: options.clock.now().toISOString(),
        exportedBy: options.exportedBy,
        streams: streams.length,
        events: eventCount,
        checkpointId: checkpoint?.id ?? null,
        checkpointHash: checkpoint?.hash ?? null,
      },
      options.key ?? null,
    ),
  );
  let events = 0;
  for (const stream of streams) {
    const version = Number(stream.version);
    await write({
      kind: 'stream',
      streamId: stream.stream_id,
      streamType: stream.stream_type,
      version,
      lastHash: stream.last_hash,
    });
    for (const e of await store.readStream(stream.stream_id, { toSequence: version })) {
      await write({
        kind: 'event',
        streamId: stream.stream_id,
        sequence: e.sequence,
        globalPosition: e.globalPosition,
        body: e.body,
        prevHash: e.prevHash,
        hash: e.hash,
      });
      events++;
    }
  }
  if (checkpoint) {
    await write({
      kind: 'checkpoint',
      ...checkpoint,
      campaignDigests: Object.fromEntries(campaignDigests(allHeads)),
      heads,
    });
  }
  out.end();
  await once(out, 'finish');
  return { file, streams: streams.length, events, checkpointId: checkpoint?.id ?? null };
}

type Header = Extract<ExportLine, { kind: 'header' }>;

/** The text a header signature covers: the RFC 8785 form of the header without its `signature`. */
export function headerStatement(header: Header): string {
  const { signature: _signature, ...signed } = header;
  return canonicalize(signed) as string;
}

/** Signs the header with the checkpoint key: edited counts, exporter or checkpoint reference then show. */
function signedHeader(header: Header, key: SigningKey | null): Header {
  if (!key) return header;
  const withKey: Header = { ...header, keyId: key.keyId, publicKey: key.publicKeyPem };
  return { ...withKey, signature: signStatement(key, headerStatement(withKey)) };
}
