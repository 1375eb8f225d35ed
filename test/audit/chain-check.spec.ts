import { createHash } from 'node:crypto';
import { ChainChecker, jsonEqual } from '../../src/audit/chain-check';
import { unescapeCopyField } from '../../src/audit/event-scan';
import { canonicalEventBody, chainHash, GENESIS_HASH } from '../../src/persistence/event-hash';

const fields = {
  streamId: 'item-1',
  sequence: 1,
  type: 'REGISTER',
  payload: { description: '执法人员 "随意" 拦车\\扣车', n: 1.5, list: [1, { b: 2, a: null }] },
  actorId: 'u-1',
  unitId: 'xn-city',
  occurredAt: '2023-04-10T09:00:00.000Z',
  machineVersion: 1,
};
const body = canonicalEventBody(fields);
const columns = (over: Partial<typeof fields> = {}) => {
  const f = { ...fields, ...over };
  return {
    type: f.type,
    actorId: f.actorId,
    unitId: f.unitId,
    occurredAt: f.occurredAt,
    machineVersion: f.machineVersion,
    payloadText: JSON.stringify(f.payload, null, 1),
  };
};

describe('chain check (pure)', () => {
  it('chainHash is SHA-256 of previous hash, newline, body, whether the body comes as text or as its UTF-8 bytes', () => {
    const expected = createHash('sha256').update(`${GENESIS_HASH}\n${body}`).digest('hex');
    expect(chainHash(GENESIS_HASH, body)).toBe(expected);
    expect(chainHash(GENESIS_HASH, Buffer.from(body, 'utf8'))).toBe(expected);
    expect(chainHash('ab', '')).toBe(chainHash('ab', new Uint8Array(0)));
    // A body larger than the reused buffer, and a non-ASCII previous hash (a tampered column), hash alike.
    const large = '整'.repeat(100_000);
    expect(chainHash('前', Buffer.from(large))).toBe(
      createHash('sha256').update(`前\n${large}`).digest('hex'),
    );
  });

  it('a row read as bytes checks like the same row read as text', () => {
    const hash = chainHash(GENESIS_HASH, body);
    const asText = new ChainChecker({ checkBodies: false });
    const asBytes = new ChainChecker({ checkBodies: false });
    asText.push({ streamId: 'item-1', sequence: 1, prevHash: GENESIS_HASH, hash, body });
    asBytes.push({
      streamId: 'item-1',
      sequence: 1,
      prevHash: GENESIS_HASH,
      hash,
      body,
      bodyBytes: Buffer.from(body),
    });
    expect(asText.finish()).toEqual([]);
    expect(asBytes.finish()).toEqual([]);
    const tampered = new ChainChecker({ checkBodies: false });
    tampered.push({
      streamId: 'item-1',
      sequence: 1,
      prevHash: GENESIS_HASH,
      hash,
      body,
      bodyBytes: Buffer.from(body.replace('item-1', 'item-2')),
    });
    expect(tampered.finish()).toEqual([expect.objectContaining({ kind: 'hash-mismatch' })]);
  });

  it('columns that say what the body says pass; key order and formatting of the jsonb text do not matter', () => {
    const checker = new ChainChecker();
    checker.push({
      streamId: 'item-1',
      sequence: 1,
      prevHash: GENESIS_HASH,
      hash: chainHash(GENESIS_HASH, body),
      body,
      columns: columns(),
    });
    expect(checker.finish()).toEqual([]);
  });

  it('an instant written differently but equal is not a finding; a different one is', () => {
    const same = new ChainChecker();
    same.push({
      streamId: 'item-1',
      sequence: 1,
      prevHash: GENESIS_HASH,
      hash: chainHash(GENESIS_HASH, body),
      body,
      columns: columns({ occurredAt: '2023-04-10T17:00:00+08:00' }),
    });
    expect(same.finish()).toEqual([]);
    const other = new ChainChecker();
    other.push({
      streamId: 'item-1',
      sequence: 1,
      prevHash: GENESIS_HASH,
      hash: chainHash(GENESIS_HASH, body),
      body,
      columns: columns({ unitId: 'x', payload: { ...fields.payload, n: 2 } }),
    });
    expect(other.finish().map((f) => (f.kind === 'column-mismatch' ? f.field : f.kind))).toEqual([
      'unitId',
      'payload',
    ]);
  });

  it('COPY text escapes are undone', () => {
    expect(unescapeCopyField('a\\\\b\\tc\\nd')).toBe('a\\b\tc\nd');
    expect(unescapeCopyField('\\N')).toBeNull();
    expect(unescapeCopyField('\\101\\x42')).toBe('AB');
  });

  it('jsonEqual ignores key order only', () => {
    expect(jsonEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: undefined }, {})).toBe(false);
  });
});
