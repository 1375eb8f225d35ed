import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ErrorCode, ZhengzhiError } from '../shared/errors';
import type { Checkpoint } from './checkpoint';
import type { Finding } from './findings';

/**
 * A checkpoint held outside the database: its id and hash (and the key that signed it). Someone who can
 * write the database can delete checkpoint rows, but cannot reach the copy an auditor keeps in a file, a
 * mailbox or another system; verification against it fails when that checkpoint is gone or replaced.
 */
export interface CheckpointAnchor {
  format: 'zhengzhi-checkpoint-anchor/1';
  id: number | null;
  hash: string;
  keyId: string | null;
  createdAt: string | null;
  toPosition: number | null;
}

const HASH = /^[0-9a-f]{64}$/;

export function anchorOf(
  c: Pick<Checkpoint, 'id' | 'hash' | 'keyId' | 'createdAt' | 'toPosition'>,
): CheckpointAnchor {
  return {
    format: 'zhengzhi-checkpoint-anchor/1',
    id: c.id,
    hash: c.hash,
    keyId: c.keyId,
    createdAt: c.createdAt,
    toPosition: c.toPosition,
  };
}

function invalid(message: string): ZhengzhiError {
  return new ZhengzhiError(ErrorCode.invalidInput, message);
}

/** Reads an anchor file (written by `audit checkpoint --out`, `audit anchor --out` or a verify state file). */
export function readAnchorFile(file: string): CheckpointAnchor {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw invalid(`checkpoint anchor file ${file} cannot be read`);
  }
  let value: Partial<CheckpointAnchor>;
  try {
    value = JSON.parse(text) as Partial<CheckpointAnchor>;
  } catch (error) {
    throw invalid(`checkpoint anchor file ${file} is not JSON: ${(error as Error).message}`);
  }
  if (typeof value.hash !== 'string' || !HASH.test(value.hash))
    throw invalid(`checkpoint anchor file ${file} has no 64-hex-digit "hash"`);
  return {
    format: 'zhengzhi-checkpoint-anchor/1',
    id: typeof value.id === 'number' ? value.id : null,
    hash: value.hash,
    keyId: typeof value.keyId === 'string' ? value.keyId : null,
    createdAt: typeof value.createdAt === 'string' ? value.createdAt : null,
    toPosition: typeof value.toPosition === 'number' ? value.toPosition : null,
  };
}

/** `--expect-checkpoint <hash|file>`: a checkpoint hash (64 hex digits) or an anchor file. */
export function parseAnchorArgument(value: string): CheckpointAnchor {
  const text = value.trim().toLowerCase();
  if (HASH.test(text))
    return {
      format: 'zhengzhi-checkpoint-anchor/1',
      id: null,
      hash: text,
      keyId: null,
      createdAt: null,
      toPosition: null,
    };
  return readAnchorFile(value);
}

/** Writes an anchor atomically (write, then rename), creating its folder. */
export function writeAnchorFile(file: string, anchor: CheckpointAnchor): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(anchor, null, 2) + '\n', { mode: 0o600 });
  renameSync(temporary, file);
}

/** Where `zhengzhi verify` remembers the latest checkpoint it saw signed by a key: one file per key id. */
export function rememberedAnchorPath(stateDir: string, keyId: string): string {
  return join(stateDir, 'checkpoints', `${keyId}.json`);
}

/** Reads the remembered anchor, or null on a first run. */
export function readRememberedAnchor(file: string): CheckpointAnchor | null {
  try {
    readFileSync(file);
  } catch {
    return null;
  }
  return readAnchorFile(file);
}

/**
 * Findings for anchors the database no longer holds: the checkpoint with that hash is missing (deleted,
 * or replaced by another with the same id).
 */
export function checkAnchors(
  checkpoints: readonly Pick<Checkpoint, 'id' | 'hash'>[],
  anchors: readonly CheckpointAnchor[],
): Finding[] {
  const byHash = new Set(checkpoints.map((c) => c.hash));
  return anchors.flatMap((anchor): Finding[] => {
    if (byHash.has(anchor.hash)) return [];
    const sameId = anchor.id === null ? undefined : checkpoints.find((c) => c.id === anchor.id);
    const latest = checkpoints[checkpoints.length - 1];
    return [
      {
        kind: 'checkpoint-missing',
        checkpointId: anchor.id,
        expected: anchor.hash,
        reason: sameId
          ? `the checkpoint held outside the database (hash ${anchor.hash}) was replaced: checkpoint ${sameId.id} now has hash ${sameId.hash}`
          : `the checkpoint held outside the database (hash ${anchor.hash}) is not in the database; ${latest ? `the latest there is checkpoint ${latest.id}` : 'there are no checkpoints at all'} — checkpoints were removed`,
      },
    ];
  });
}

/** Sends an anchor where the auditor chose (an HTTP(S) endpoint they control), as JSON. */
export async function postAnchor(url: string, anchor: CheckpointAnchor): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`--post ${url} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw invalid(`--post ${url} must be an http(s) URL`);
  const response = await fetch(parsed, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(anchor),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw invalid(`--post ${url} answered ${response.status} ${response.statusText}`);
}
