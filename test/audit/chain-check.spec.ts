import { ChainChecker, jsonEqual, linkHash } from '../../src/audit/chain-check';
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
  it('linkHash is the event store chainHash', () => {
    expect(linkHash(GENESIS_HASH, body)).toBe(chainHash(GENESIS_HASH, body));
    expect(linkHash('ab', '')).toBe(chainHash('ab', ''));
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
