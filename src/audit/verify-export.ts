import { accessSync, constants, createReadStream } from 'node:fs';
import { ErrorCode, ZhengzhiError } from '../shared/errors';
import { createInterface } from 'node:readline';
import { ChainChecker, type ObservedHead } from './chain-check';
import { campaignDigests, checkCheckpointRecord, type CheckpointHead } from './checkpoint';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, headerStatement, type ExportLine } from './export';
import { keyIdOf, signatureHolds } from './keys';
import type { Finding } from './findings';

export interface ExportReport {
  ok: boolean;
  file: string;
  campaignId: string | null;
  findings: Finding[];
  streamsChecked: number;
  eventsChecked: number;
  /** The checkpoint that vouches for the export, and the key that signed it (compare its id out of band). */
  checkpoint: { id: number; keyId: string; createdAt: string; toPosition: number } | null;
  /** Events after the checkpoint: chained, but not yet covered by a signature. */
  eventsNotCovered: number;
}

type Line = ExportLine & Record<string, unknown>;

/**
 * Verifies an export offline — no database: every stream's chain from its stored canonical bodies, the
 * checkpoint's signature (against the pinned key id, if given), the campaign's heads against the signed
 * root, and every head against the events in the file (a deleted stream, a truncated one, a rewritten one).
 */
export async function verifyExportFile(
  file: string,
  options: { pinnedKeyId?: string } = {},
): Promise<ExportReport> {
  try {
    accessSync(file, constants.R_OK);
  } catch {
    throw new ZhengzhiError(ErrorCode.invalidInput, `export file ${file} cannot be read`);
  }
  const findings: Finding[] = [];
  const streamLines = new Map<string, { version: number; lastHash: string }>();
  const hashesAt = new Map<string, Map<number, string>>();
  const chain = new ChainChecker({
    onRow: (row) => {
      const map = hashesAt.get(row.streamId) ?? new Map<number, string>();
      map.set(row.sequence, row.hash);
      hashesAt.set(row.streamId, map);
    },
  });
  let header: Extract<ExportLine, { kind: 'header' }> | null = null;
  let checkpoint: Extract<ExportLine, { kind: 'checkpoint' }> | null = null;
  let n = 0;
  let streamLineCount = 0;
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const text of lines) {
    n++;
    if (text.trim() === '') continue;
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch (error) {
      findings.push({ kind: 'export-malformed', line: n, message: `not JSON: ${(error as Error).message}` });
      continue;
    }
    if (n === 1) {
      if (line.kind !== 'header' || line.format !== EXPORT_FORMAT) {
        findings.push({
          kind: 'export-malformed',
          line: 1,
          message: `the first line is not a ${EXPORT_FORMAT} header`,
        });
      } else if (line.formatVersion !== EXPORT_FORMAT_VERSION && line.formatVersion !== 1) {
        findings.push({
          kind: 'export-malformed',
          line: 1,
          message: `format version ${String(line.formatVersion)} is not supported (expected ${EXPORT_FORMAT_VERSION})`,
        });
      } else header = line;
      continue;
    }
    switch (line.kind) {
      case 'stream':
        streamLineCount++;
        streamLines.set(line.streamId, { version: line.version, lastHash: line.lastHash });
        break;
      case 'event':
        if (
          typeof line.body !== 'string' ||
          typeof line.hash !== 'string' ||
          typeof line.prevHash !== 'string' ||
          !Number.isInteger(line.sequence)
        ) {
          findings.push({
            kind: 'export-malformed',
            line: n,
            message: 'an event line needs streamId, sequence, body, prevHash and hash',
          });
          break;
        }
        chain.push({
          streamId: line.streamId,
          sequence: line.sequence,
          prevHash: line.prevHash,
          hash: line.hash,
          body: line.body,
          line: n,
        });
        break;
      case 'checkpoint':
        checkpoint = line;
        break;
      default:
        findings.push({
          kind: 'export-malformed',
          line: n,
          message: `unknown line kind ${JSON.stringify(line.kind)}`,
        });
    }
  }
  if (n === 0) findings.push({ kind: 'export-malformed', line: 0, message: 'the file is empty' });
  findings.unshift(...chain.finish());

  const observed = new Map<string, ObservedHead>(chain.heads.map((h) => [h.streamId, h]));
  for (const [streamId, declared] of streamLines) {
    const head = observed.get(streamId);
    if (!head) continue;
    if (head.version !== declared.version)
      findings.push({
        kind: 'head-mismatch',
        streamId,
        field: 'version',
        expected: head.version,
        found: declared.version,
      });
    else if (head.hash !== declared.lastHash)
      findings.push({
        kind: 'head-mismatch',
        streamId,
        field: 'last_hash',
        expected: head.hash,
        found: declared.lastHash,
      });
  }

  if (header) {
    findings.push(
      ...checkHeader(
        header,
        checkpoint,
        { streams: streamLineCount, events: chain.count },
        options.pinnedKeyId,
      ),
    );
  }
  let eventsCovered = 0;
  if (checkpoint && header) {
    const digests = new Map(Object.entries(checkpoint.campaignDigests ?? {}));
    findings.push(
      ...checkCheckpointRecord(checkpoint, undefined, { digests, pinnedKeyId: options.pinnedKeyId }),
    );
    const heads: CheckpointHead[] = checkpoint.heads ?? [];
    if (heads.some((h) => h.campaignId !== header!.campaignId)) {
      findings.push({
        kind: 'checkpoint-invalid',
        checkpointId: checkpoint.id,
        reason: `its heads include streams of other campaigns than ${header.campaignId}`,
      });
    }
    const mine = campaignDigests(heads).get(header.campaignId);
    const signed = digests.get(header.campaignId);
    if (signed !== undefined && mine !== signed) {
      findings.push({
        kind: 'checkpoint-invalid',
        checkpointId: checkpoint.id,
        reason: `the campaign's heads in the file do not digest to the signed campaign digest ${signed}`,
      });
    }
    for (const h of heads) {
      const hashes = hashesAt.get(h.streamId);
      if (!hashes) {
        findings.push({
          kind: 'stream-missing',
          streamId: h.streamId,
          checkpointId: checkpoint.id,
          expected: { version: h.version, hash: h.hash },
          found: null,
        });
        continue;
      }
      const found = hashes.get(h.version) ?? null;
      if (found !== h.hash)
        findings.push({
          kind: 'checkpoint-head-mismatch',
          streamId: h.streamId,
          sequence: h.version,
          checkpointId: checkpoint.id,
          expected: h.hash,
          found,
        });
      eventsCovered += [...hashes.keys()].filter((s) => s <= h.version).length;
    }
  }
  return {
    ok: findings.length === 0,
    file,
    campaignId: header?.campaignId ?? null,
    findings,
    streamsChecked: chain.heads.length,
    eventsChecked: chain.count,
    checkpoint: checkpoint
      ? {
          id: checkpoint.id,
          keyId: checkpoint.keyId,
          createdAt: checkpoint.createdAt,
          toPosition: checkpoint.toPosition,
        }
      : null,
    eventsNotCovered: chain.count - eventsCovered,
  };
}

type Header = Extract<ExportLine, { kind: 'header' }>;

/**
 * The header is signed with the checkpoint key: its counts must be the file's, its signature must hold
 * (and be the pinned key's), and the checkpoint it names must be the one at the end of the file. With a
 * pinned key an unsigned header or a missing checkpoint is a finding: removing the checkpoint line (and
 * re-chaining a stream) or editing `exportedBy` then shows.
 */
function checkHeader(
  header: Header,
  checkpoint: Extract<ExportLine, { kind: 'checkpoint' }> | null,
  counted: { streams: number; events: number },
  pinnedKeyId: string | undefined,
): Finding[] {
  const findings: Finding[] = [];
  const bad = (field: string, expected: unknown, found: unknown, reason: string): void =>
    void findings.push({ kind: 'export-header-invalid', field, expected, found, reason });
  if (header.streams !== counted.streams)
    bad('streams', counted.streams, header.streams, 'the header does not count the stream lines in the file');
  if (header.events !== counted.events)
    bad('events', counted.events, header.events, 'the header does not count the event lines in the file');
  if (header.signature === undefined) {
    if (pinnedKeyId) bad('signature', `a signature by ${pinnedKeyId}`, null, 'the header is not signed');
  } else {
    let keyId: string | null = null;
    try {
      keyId = keyIdOf(String(header.publicKey));
    } catch {
      bad('publicKey', 'an Ed25519 public key', header.publicKey ?? null, 'the header key is unreadable');
    }
    if (keyId !== null && keyId !== header.keyId)
      bad('keyId', keyId, header.keyId ?? null, "the key id is not the header key's");
    if (!signatureHolds(String(header.publicKey), headerStatement(header), header.signature))
      bad(
        'signature',
        'a signature over the header fields',
        header.signature,
        'the header was edited after signing',
      );
    if (pinnedKeyId && keyId !== pinnedKeyId)
      bad('keyId', pinnedKeyId, keyId, 'the header is not signed by the trusted key');
  }
  const named = header.checkpointHash ?? null;
  if (named !== null && checkpoint === null) {
    findings.push({
      kind: 'checkpoint-missing',
      checkpointId: header.checkpointId ?? null,
      expected: named,
      reason: `the header names checkpoint ${header.checkpointId ?? '?'} (hash ${named}), the file holds no checkpoint line`,
    });
  } else if (checkpoint !== null && named !== checkpoint.hash && header.formatVersion !== 1) {
    bad(
      'checkpointHash',
      checkpoint.hash,
      named,
      'the header names another checkpoint than the one in the file',
    );
  } else if (pinnedKeyId && checkpoint === null) {
    findings.push({
      kind: 'checkpoint-missing',
      checkpointId: null,
      expected: null,
      reason: `no checkpoint signed by the trusted key ${pinnedKeyId} covers the export`,
    });
  }
  return findings;
}
