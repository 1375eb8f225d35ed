import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Finding } from './findings';

/** A file an exported event cites as evidence, read from the event's hashed canonical body. */
export interface ExportCitation {
  streamId: string;
  sequence: number;
  eventType: string;
  sha256: string;
  name: string;
}

interface EvidenceLike {
  sha256?: unknown;
  name?: unknown;
}

/** The `evidence` entries of an event body that cite stored files (plain names cite nothing). */
function citedIn(body: Record<string, unknown>): EvidenceLike[] {
  const payload = (body.payload ?? body) as Record<string, unknown>;
  const evidence = payload.evidence;
  return Array.isArray(evidence)
    ? (evidence as unknown[]).filter(
        (e): e is EvidenceLike =>
          typeof e === 'object' && e !== null && typeof (e as EvidenceLike).sha256 === 'string',
      )
    : [];
}

/** Every evidence citation in an export file, from the hashed bodies (what the chain vouches for). */
export async function exportCitations(file: string): Promise<ExportCitation[]> {
  const citations: ExportCitation[] = [];
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const text of lines) {
    if (!text.includes('"sha256')) continue;
    let line: { kind?: string; streamId?: string; sequence?: number; body?: string };
    try {
      line = JSON.parse(text) as typeof line;
    } catch {
      continue; // malformed lines are reported by the chain verification
    }
    if (line.kind !== 'event' || typeof line.body !== 'string') continue;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(line.body) as Record<string, unknown>;
    } catch {
      continue;
    }
    for (const e of citedIn(body))
      citations.push({
        streamId: String(line.streamId),
        sequence: Number(line.sequence),
        eventType: String(body.type ?? ''),
        sha256: String(e.sha256),
        name: String(e.name ?? ''),
      });
  }
  return citations;
}

/** Copies every file an export cites into `dir` as `<sha256>` (for auditors who take the files away). */
export async function copyExportFiles(
  file: string,
  dir: string,
  read: (sha256: string) => Promise<Buffer | undefined>,
): Promise<{ copied: number; missing: string[] }> {
  await mkdir(dir, { recursive: true });
  const unique = [...new Set((await exportCitations(file)).map((c) => c.sha256))];
  const missing: string[] = [];
  for (const sha256 of unique) {
    const bytes = await read(sha256);
    if (bytes) await writeFile(join(dir, sha256), bytes);
    else missing.push(sha256);
  }
  return { copied: unique.length - missing.length, missing };
}

/** Offline: each cited file must be in `dir` with the hash the (hash-chained) event recorded. */
export async function checkExportFiles(
  file: string,
  dir: string,
): Promise<{ checked: number; findings: Finding[] }> {
  const findings: Finding[] = [];
  const hashes = new Map<string, string | null>();
  const citations = await exportCitations(file);
  for (const c of citations) {
    if (!hashes.has(c.sha256)) {
      const bytes = await readFile(join(dir, c.sha256)).catch(() => undefined);
      hashes.set(c.sha256, bytes ? createHash('sha256').update(bytes).digest('hex') : null);
    }
    const found = hashes.get(c.sha256)!;
    if (found === c.sha256) continue;
    const cited = {
      streamId: c.streamId,
      sequence: c.sequence,
      eventType: c.eventType,
      sha256: c.sha256,
      name: c.name,
    };
    findings.push(
      found === null ? { kind: 'evidence-missing', ...cited } : { kind: 'evidence-altered', ...cited, found },
    );
  }
  return { checked: citations.length, findings };
}
