import canonicalize from 'canonicalize';
import { chainHash, chainHashOfLink, GENESIS_HASH } from '../persistence/event-hash';
import type { Finding } from './findings';

/** One event as verification reads it: the stored canonical text and the chain fields around it. */
export interface ChainRow {
  streamId: string;
  sequence: number;
  prevHash: string;
  hash: string;
  /** The stored canonical body text, hashed exactly as stored. */
  body: string;
  /**
   * The same body as the stored UTF-8 bytes, when the reader has them (verification reads COPY output as
   * bytes): the link hash is computed over these, without decoding the text.
   */
  bodyBytes?: Uint8Array;
  /**
   * The whole link as the reader holds it: `prevHash` (exactly those characters) ‖ "\n" ‖ the body's bytes.
   * When present, the link hash is computed over these bytes as they are.
   */
  linkBytes?: Uint8Array;
  /** Denormalised columns to compare with the body (absent in exports, where only the body is kept). */
  columns?: EventColumns;
  /** Line number in an export file, for findings. */
  line?: number;
}

/** The columns of `events` that repeat what the body says. `payloadText` is the jsonb column as text. */
export interface EventColumns {
  type: string;
  actorId: string;
  unitId: string;
  occurredAt: string;
  machineVersion: number;
  payloadText: string;
}

/** The link hash of a row: `chainHash` over the stored bytes when the reader has them, else the text. */
const linkOf = (row: ChainRow): string =>
  row.linkBytes !== undefined
    ? chainHashOfLink(row.linkBytes)
    : chainHash(row.prevHash, row.bodyBytes ?? row.body);

/**
 * The body the columns imply, split around the payload. RFC 8785 orders the keys actorId, machineVersion,
 * occurredAt, payload, sequence, streamId, type, unitId, and serialises strings and numbers exactly as
 * JSON.stringify does; so a body agrees with its scalar columns iff it starts and ends with these.
 */
function impliedFrame(streamId: string, sequence: number, c: EventColumns): [prefix: string, suffix: string] {
  const q = JSON.stringify;
  return [
    `{"actorId":${q(c.actorId)},"machineVersion":${c.machineVersion},"occurredAt":${q(c.occurredAt)},"payload":`,
    `,"sequence":${sequence},"streamId":${q(streamId)},"type":${q(c.type)},"unitId":${q(c.unitId)}}`,
  ];
}

/** True when the stored body says exactly what the columns say (the fast path: no parse of the body). */
export function bodyAgrees(row: ChainRow, c: EventColumns): boolean {
  const [prefix, suffix] = impliedFrame(row.streamId, row.sequence, c);
  const body = row.body;
  if (!body.startsWith(prefix) || !body.endsWith(suffix)) return false;
  let payload: unknown;
  try {
    payload = JSON.parse(c.payloadText);
  } catch {
    return false;
  }
  return canonicalize(payload) === body.slice(prefix.length, body.length - suffix.length);
}

/** What the chain of one stream ends with. */
export interface ObservedHead {
  streamId: string;
  version: number;
  hash: string;
  /** Whether a chain break was found in this stream. */
  broken: boolean;
}

/** Deep equality of JSON values, ignoring key order (jsonb reorders keys). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (
      !Object.hasOwn(b, k) ||
      !jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
    )
      return false;
  }
  return true;
}

const sameInstant = (a: unknown, b: string): boolean =>
  a === b || (typeof a === 'string' && Date.parse(a) === Date.parse(b));

/**
 * Checks hash chains, one row at a time, in stream order (rows of one stream together, by sequence).
 * Per stream it reports the first broken link — a sequence gap, a prev_hash that is not the previous
 * event's hash, or a hash that does not cover the body — and every column that disagrees with its body.
 * Pure: no I/O; the database scan and the offline export verifier both feed it.
 */
export class ChainChecker {
  readonly findings: Finding[] = [];
  readonly heads: ObservedHead[] = [];
  #current: {
    streamId: string;
    expected: number;
    lastHash: string;
    broken: boolean;
    version: number;
  } | null = null;
  readonly #seen = new Set<string>();
  readonly #onHead?: (head: ObservedHead) => void;
  readonly #onRow?: (row: ChainRow) => void;
  count = 0;

  readonly #checkBodies: boolean;

  /** `checkBodies: false` checks the chain only (sequence, links, hashes), not what the bodies say. */
  constructor(
    hooks: {
      onHead?: (head: ObservedHead) => void;
      onRow?: (row: ChainRow) => void;
      checkBodies?: boolean;
    } = {},
  ) {
    this.#onHead = hooks.onHead;
    this.#onRow = hooks.onRow;
    this.#checkBodies = hooks.checkBodies ?? true;
  }

  push(row: ChainRow): void {
    this.count++;
    let s = this.#current;
    if (!s || s.streamId !== row.streamId) {
      this.#close();
      s = this.#current = {
        streamId: row.streamId,
        expected: 1,
        lastHash: GENESIS_HASH,
        broken: false,
        version: 0,
      };
      if (this.#seen.has(row.streamId)) {
        // The stream's events are not contiguous (an export with moved lines): what follows cannot chain.
        this.#report({
          kind: 'sequence-gap',
          streamId: row.streamId,
          sequence: row.sequence,
          expected: s.expected,
          found: row.sequence,
          line: row.line,
        });
        s.broken = true;
      }
      this.#seen.add(row.streamId);
    }
    const at = (): { streamId: string; sequence: number; line?: number } => ({
      streamId: row.streamId,
      sequence: row.sequence,
      ...(row.line === undefined ? {} : { line: row.line }),
    });
    if (!s.broken) {
      if (row.sequence !== s.expected) {
        this.#report({ kind: 'sequence-gap', ...at(), expected: s.expected, found: row.sequence });
        s.broken = true;
      } else if (row.prevHash !== s.lastHash) {
        this.#report({ kind: 'prev-hash-mismatch', ...at(), expected: s.lastHash, found: row.prevHash });
        s.broken = true;
      } else {
        const computed = linkOf(row);
        if (computed !== row.hash) {
          this.#report({ kind: 'hash-mismatch', ...at(), expected: computed, found: row.hash });
          s.broken = true;
        }
      }
    }
    if (this.#checkBodies) this.#checkBody(row);
    s.expected = row.sequence + 1;
    s.lastHash = row.hash;
    s.version = row.sequence;
    this.#onRow?.(row);
  }

  /** Ends the scan; returns the findings. */
  finish(): Finding[] {
    this.#close();
    return this.findings;
  }

  #report(f: Finding): void {
    this.findings.push(f);
  }

  #close(): void {
    const s = this.#current;
    if (!s) return;
    const head = { streamId: s.streamId, version: s.version, hash: s.lastHash, broken: s.broken };
    this.heads.push(head);
    this.#onHead?.(head);
    this.#current = null;
  }

  /** The body is what the hash covers; the row's own stream/sequence and the columns must say the same. */
  #checkBody(row: ChainRow): void {
    if (row.columns && bodyAgrees(row, row.columns)) return;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(row.body) as Record<string, unknown>;
      if (typeof body !== 'object' || body === null) throw new Error('the body is not a JSON object');
    } catch (error) {
      this.#report({
        kind: 'body-unreadable',
        streamId: row.streamId,
        sequence: row.sequence,
        message: (error as Error).message,
        line: row.line,
      });
      return;
    }
    const mismatch = (field: string, expected: unknown, found: unknown): void =>
      this.#report({
        kind: 'column-mismatch',
        streamId: row.streamId,
        sequence: row.sequence,
        field,
        expected,
        found,
      });
    if (body.streamId !== row.streamId) mismatch('streamId', body.streamId, row.streamId);
    if (body.sequence !== row.sequence) mismatch('sequence', body.sequence, row.sequence);
    const c = row.columns;
    if (!c) return;
    if (body.type !== c.type) mismatch('type', body.type, c.type);
    if (body.actorId !== c.actorId) mismatch('actorId', body.actorId, c.actorId);
    if (body.unitId !== c.unitId) mismatch('unitId', body.unitId, c.unitId);
    if (!sameInstant(body.occurredAt, c.occurredAt)) mismatch('occurredAt', body.occurredAt, c.occurredAt);
    if (body.machineVersion !== c.machineVersion)
      mismatch('machineVersion', body.machineVersion, c.machineVersion);
    let payload: unknown;
    try {
      payload = JSON.parse(c.payloadText);
    } catch {
      payload = c.payloadText;
    }
    if (!jsonEqual(body.payload, payload)) mismatch('payload', body.payload, payload);
  }
}

/**
 * The fast pass of database verification: rows in global-position order (the table's natural, sequential
 * order), streams interleaved, one small state per stream. Within a stream, appends are serialised by the
 * compare-and-set on its version, so an untouched log shows each stream's events in sequence order here.
 * It only sorts streams into "intact" and "suspect" (anything unexpected: order, link, hash, a column
 * that is not its body's); `ChainChecker` then re-reads each suspect in sequence order to report its first
 * broken link precisely.
 */
export class InterleavedChainChecker {
  readonly #states = new Map<string, { expected: number; lastHash: string }>();
  readonly suspects = new Set<string>();
  readonly #checkBodies: boolean;
  count = 0;

  constructor(checkBodies = true) {
    this.#checkBodies = checkBodies;
  }

  push(row: ChainRow): void {
    this.count++;
    if (this.suspects.has(row.streamId)) return;
    let s = this.#states.get(row.streamId);
    if (!s) {
      s = { expected: 1, lastHash: GENESIS_HASH };
      this.#states.set(row.streamId, s);
    }
    const intact =
      row.sequence === s.expected &&
      row.prevHash === s.lastHash &&
      linkOf(row) === row.hash &&
      (!this.#checkBodies || (row.columns !== undefined && bodyAgrees(row, row.columns)));
    if (!intact) {
      this.suspects.add(row.streamId);
      this.#states.delete(row.streamId);
      return;
    }
    s.expected = row.sequence + 1;
    s.lastHash = row.hash;
  }

  /** The heads of the intact streams. */
  heads(): ObservedHead[] {
    return [...this.#states].map(([streamId, s]) => ({
      streamId,
      version: s.expected - 1,
      hash: s.lastHash,
      broken: false,
    }));
  }
}
