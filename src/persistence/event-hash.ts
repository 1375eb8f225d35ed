import { hash as oneShotHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The `prev_hash` of every stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an event that its hash covers: everything but its global position and recording time. */
export interface HashedEventFields {
  streamId: string;
  sequence: number;
  type: string;
  payload: unknown;
  actorId: string;
  unitId: string;
  occurredAt: string;
  machineVersion: number;
}

/**
 * The canonical text of an event: RFC 8785 (JSON Canonicalization Scheme) of the fields above. Stored
 * verbatim in `events.body`; verification hashes this exact text, never a re-serialised jsonb (PostgreSQL
 * reorders jsonb keys).
 */
export function canonicalEventBody(fields: HashedEventFields): string {
  const text = canonicalize({
    streamId: fields.streamId,
    sequence: fields.sequence,
    type: fields.type,
    payload: fields.payload,
    actorId: fields.actorId,
    unitId: fields.unitId,
    occurredAt: fields.occurredAt,
    machineVersion: fields.machineVersion,
  });
  if (text === undefined) throw new Error('event body cannot be canonicalised');
  return text;
}

/** Room for the bytes of one link (previous hash, newline, body); grows for a larger body. */
let linkBytes = Buffer.allocUnsafe(64 * 1024);

/**
 * hash_n = SHA-256(hash_{n-1} ‖ "\n" ‖ body_n), hex: chains each stream's events in order. The only
 * chain-hash function: the event store, verification and the export verifier all call it. `body` is the
 * canonical text, or its stored UTF-8 bytes (verification reads COPY output as bytes: the same bytes, no
 * decoding). Node's one-shot `crypto.hash` is several times faster for short inputs than a `createHash`
 * object per event.
 */
export function chainHash(previousHash: string, body: string | Uint8Array): string {
  if (typeof body === 'string') return oneShotHash('sha256', previousHash + '\n' + body, 'hex');
  const length = Buffer.byteLength(previousHash) + 1 + body.length;
  if (length > linkBytes.length) linkBytes = Buffer.allocUnsafe(length * 2);
  const written = linkBytes.write(previousHash, 0, 'utf8');
  linkBytes[written] = 0x0a;
  linkBytes.set(body, written + 1);
  return oneShotHash('sha256', linkBytes.subarray(0, written + 1 + body.length), 'hex');
}

/**
 * `chainHash` over a link whose bytes a reader already holds joined — previous hash, newline, body — as
 * verification does when it reads COPY output (no copy, no re-encoding).
 */
export function chainHashOfLink(link: Uint8Array): string {
  return oneShotHash('sha256', link, 'hex');
}
