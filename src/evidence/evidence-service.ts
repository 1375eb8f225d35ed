import type { Database } from '../persistence/database';
import { blobKey, sha256Hex, type BlobStore } from '../persistence/blob-store';
import {
  evidenceCitations,
  evidenceLinks,
  evidenceOfItem,
  insertEvidenceFile,
  insertEvidenceLink,
  type EvidenceLinkRow,
} from '../persistence/evidence-queries';
import type { Clock } from '../shared/clock';
import { photoMetadata, thumbnailOf } from './photo-metadata';
import { describeRefused, sniffMediaType, ACCEPTED_KINDS } from './sniff';

/** How an event cites a stored file: these four fields enter the event's canonical body and its hash. */
export interface EvidenceRef {
  sha256: string;
  size: number;
  mediaType: string;
  name: string;
}

/** Why an upload or a citation was refused; the API maps `reason` to its problem type. */
export class EvidenceRefused extends Error {
  constructor(
    readonly reason: 'unsupported-type' | 'not-uploaded',
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export interface UploadResult {
  file: EvidenceLinkRow;
  /** False when the same bytes were already in the store (not stored twice). */
  stored: boolean;
  /** False when the same bytes had already been uploaded to this item (a retried upload). */
  linked: boolean;
}

/** A file cited by an event that the store no longer holds, or holds with other bytes. */
interface CitedFile {
  streamId: string;
  sequence: number;
  eventType: string;
  sha256: string;
  name: string;
}
export type EvidenceProblem =
  (CitedFile & { kind: 'evidence-missing' }) | (CitedFile & { kind: 'evidence-altered'; found: string });

const SHA256 = /^[0-9a-f]{64}$/;
/** Names as people give them, minus path parts and control characters. */
const cleanName = (name: string, fallback: string): string => {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = [...base]
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch !== '\u007f')
    .join('')
    .trim()
    .slice(0, 200);
  return cleaned === '' ? fallback : cleaned;
};

/**
 * Evidence files: accepted by content, stored once by SHA-256, linked to the items they were uploaded to,
 * cited by events as {sha256, size, mediaType, name} so the hash chain covers them, and re-hashed by verify.
 */
export class EvidenceService {
  constructor(
    private readonly database: Database,
    readonly blobs: BlobStore,
    private readonly clock: Clock,
  ) {}

  /** Stores `bytes` uploaded to `itemId` (the caller has checked the right to act on the item). */
  async upload(itemId: string, bytes: Buffer, name: string, uploadedBy: string): Promise<UploadResult> {
    const kind = sniffMediaType(bytes);
    if (!kind)
      throw new EvidenceRefused(
        'unsupported-type',
        `the file is ${describeRefused(bytes)}; accepted are ${ACCEPTED_KINDS} (judged by content, not by name)`,
        'file',
      );
    const sha256 = sha256Hex(bytes);
    const now = this.clock.now().toISOString();
    const stored = await this.blobs.put(blobKey(sha256), bytes, kind.mediaType);
    const metadata = await photoMetadata(bytes, kind.mediaType);
    await insertEvidenceFile(this.database, {
      sha256,
      size: bytes.length,
      mediaType: kind.mediaType,
      ...metadata,
      storedAt: now,
    });
    const linked = await insertEvidenceLink(this.database, {
      itemId,
      sha256,
      name: cleanName(name, `${sha256.slice(0, 12)}.${kind.extension}`),
      uploadedBy,
      uploadedAt: now,
    });
    const file = (await evidenceLinks(this.database, itemId, [sha256])).get(sha256)!;
    return { file, stored, linked };
  }

  /** The files uploaded to an item. */
  list(itemId: string): Promise<EvidenceLinkRow[]> {
    return evidenceOfItem(this.database, itemId);
  }

  /**
   * The citations for files uploaded to `itemId`, in the order given (duplicates dropped). A hash that was
   * not uploaded to this item is refused: an event can only cite what the record can produce.
   */
  async resolve(itemId: string, sha256s: readonly string[], field: string): Promise<EvidenceRef[]> {
    const unique = [...new Set(sha256s.map((s) => s.toLowerCase()))];
    const malformed = unique.find((s) => !SHA256.test(s));
    if (malformed !== undefined)
      throw new EvidenceRefused(
        'not-uploaded',
        `${malformed} is not a SHA-256 file id (64 hex digits)`,
        field,
      );
    const links = await evidenceLinks(this.database, itemId, unique);
    const missing = unique.filter((s) => !links.has(s));
    if (missing.length > 0)
      throw new EvidenceRefused(
        'not-uploaded',
        `no file ${missing.join(', ')} was uploaded to item ${itemId}; upload it to POST /items/${itemId}/evidence first`,
        field,
      );
    return unique.map((s) => {
      const link = links.get(s)!;
      return { sha256: s, size: link.size, mediaType: link.mediaType, name: link.name };
    });
  }

  /** A file's bytes if it was uploaded to `itemId`; undefined otherwise (no probing of the store). */
  async read(itemId: string, sha256: string): Promise<{ link: EvidenceLinkRow; bytes: Buffer } | undefined> {
    if (!SHA256.test(sha256)) return undefined;
    const link = (await evidenceLinks(this.database, itemId, [sha256])).get(sha256);
    if (!link) return undefined;
    const bytes = await this.blobs.get(blobKey(sha256));
    return bytes ? { link, bytes } : undefined;
  }

  /** A cached JPEG thumbnail of an image uploaded to `itemId`. */
  async thumbnail(itemId: string, sha256: string): Promise<Buffer | undefined> {
    const found = await this.read(itemId, sha256);
    if (!found || !found.link.mediaType.startsWith('image/')) return undefined;
    const key = blobKey(sha256, 'thumbnail');
    const cached = await this.blobs.get(key);
    if (cached) return cached;
    const thumbnail = await thumbnailOf(found.bytes);
    if (thumbnail) await this.blobs.put(key, thumbnail, 'image/jpeg');
    return thumbnail;
  }

  /** Every cited file re-read and re-hashed; each problem names the item, event and file. */
  async check(
    onProgress?: (checked: number) => void,
  ): Promise<{ checked: number; problems: EvidenceProblem[] }> {
    const problems: EvidenceProblem[] = [];
    const verdicts = new Map<string, string | null>();
    let checked = 0;
    for await (const citation of evidenceCitations(this.database)) {
      let found = verdicts.get(citation.sha256);
      if (found === undefined) {
        const bytes = await this.blobs.get(blobKey(citation.sha256));
        found = bytes ? sha256Hex(bytes) : null;
        verdicts.set(citation.sha256, found);
      }
      checked += 1;
      onProgress?.(checked);
      if (found === citation.sha256) continue;
      const cited: CitedFile = {
        streamId: citation.streamId,
        sequence: citation.sequence,
        eventType: citation.eventType,
        sha256: citation.sha256,
        name: citation.name,
      };
      problems.push(
        found === null
          ? { ...cited, kind: 'evidence-missing' }
          : { ...cited, kind: 'evidence-altered', found },
      );
    }
    return { checked, problems };
  }
}
