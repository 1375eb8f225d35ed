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
import type { SigningKey } from './keys';

/** The export format's name and version, in the header line. Bump the version when a line's shape changes. */
export const EXPORT_FORMAT = 'zhengzhi-audit-export';
export const EXPORT_FORMAT_VERSION = 1;

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
  const rows = (await database.dataSource.query(
    `SELECT stream_id FROM streams WHERE campaign_id = $1 OR stream_id = $1 ORDER BY stream_id`,
    [campaignId],
  )) as Array<{ stream_id: string }>;
  const streamIds = rows.map((r) => r.stream_id);
  const [{ count }] = (await database.dataSource.query(
    'SELECT count(*) AS count FROM events WHERE stream_id = ANY($1)',
    [streamIds],
  )) as [{ count: string }];

  const out = createWriteStream(file, { encoding: 'utf8' });
  const write = async (line: ExportLine): Promise<void> => {
    if (!out.write(JSON.stringify(line) + '\n')) await once(out, 'drain');
  };
  await write({
    kind: 'header',
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    campaignId,
    exportedAt: options.clock.now().toISOString(),
    exportedBy: options.exportedBy,
    streams: streamIds.length,
    events: Number(count),
  });
  let events = 0;
  for (const streamId of streamIds) {
    const stream = (await store.loadStream(streamId))!;
    await write({
      kind: 'stream',
      streamId,
      streamType: stream.streamType,
      version: stream.version,
      lastHash: stream.lastHash,
    });
    for (const e of await store.readStream(streamId)) {
      await write({
        kind: 'event',
        streamId,
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
  return { file, streams: streamIds.length, events, checkpointId: checkpoint?.id ?? null };
}
