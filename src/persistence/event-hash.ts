import { createHash } from 'node:crypto';
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

/** hash_n = SHA-256(hash_{n-1} ‖ "\n" ‖ body_n), hex. Chains each stream's events in order. */
export function chainHash(previousHash: string, body: string): string {
  return createHash('sha256').update(previousHash).update('\n').update(body).digest('hex');
}
