import { createCheckpoint } from '../../src/audit/checkpoint';
import type { Finding } from '../../src/audit/findings';
import type { SigningKey } from '../../src/audit/keys';
import { verifyDatabase } from '../../src/audit/verify';
import { canonicalEventBody, chainHash } from '../../src/persistence/event-hash';
import { campaignInput, createTestRuntime, officer, supervisor } from '../support/fixtures';
import { generateSigningKey, hashOf, itemWithProgress, tamper } from './support';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

let runtime: TestRuntime;
let campaignId: string;
let key: SigningKey;

beforeAll(async () => {
  runtime = await createTestRuntime();
  key = generateSigningKey();
  campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
});
afterAll(() => runtime.database.close());

/** A fresh item (sequences 1–6) covered by a new checkpoint. */
async function checkpointedItem(): Promise<string> {
  const id = await itemWithProgress(runtime, campaignId);
  await createCheckpoint(runtime.database, key, runtime.clock);
  return id;
}

const kinds = (findings: Finding[]): string[] => findings.map((f) => f.kind);

describe('verify on ' + (process.env.ZZ_TEST_DB ?? 'postgres'), () => {
  it('an untouched log verifies clean, with COPY and with keyset pages alike', async () => {
    await checkpointedItem();
    const select = await verifyDatabase(runtime.database, { mode: 'select' });
    expect(select.findings).toEqual([]);
    expect(select.ok).toBe(true);
    expect(select.eventsChecked).toBe(7);
    expect(select.checkpointsChecked).toBe(1);
    if (runtime.database.kind === 'postgres') {
      const copy = await verifyDatabase(runtime.database, { mode: 'copy' });
      expect(copy).toEqual(select);
    }
  });

  it('chain-only verification finds an edited body whether COPY bytes need unescaping or not, as keyset pages do', async () => {
    const plain = await checkpointedItem();
    const escaped = await checkpointedItem();
    await tamper(
      runtime,
      `UPDATE events SET body = replace(body, '已培训', '未培训') WHERE stream_id = $1 AND sequence = 5`,
      [plain],
    );
    // A backslash, a quote and a tab in the body: COPY's text format escapes them.
    await tamper(
      runtime,
      `UPDATE events SET body = replace(body, '已培训', $2) WHERE stream_id = $1 AND sequence = 5`,
      [escaped, '未\\"培\t训'],
    );
    for (const id of [plain, escaped]) {
      const select = await verifyDatabase(runtime.database, {
        streamId: id,
        columns: false,
        snapshots: false,
        mode: 'select',
      });
      expect(select.findings).toEqual([
        expect.objectContaining({ kind: 'hash-mismatch', streamId: id, sequence: 5 }),
      ]);
      if (runtime.database.kind === 'postgres') {
        const copy = await verifyDatabase(runtime.database, {
          streamId: id,
          columns: false,
          snapshots: false,
          mode: 'copy',
        });
        expect(copy).toEqual(select);
      }
    }
  });

  it('COPY verification reads escaped and non-BMP bodies as stored, and finds a one-character edit anywhere in a link', async () => {
    const id = await itemWithProgress(runtime, campaignId);
    // Sequence 7: JSON escapes (backslash, quote, tab, newline) — COPY escapes the backslashes; sequence 8: raw
    // non-BMP and CJK text, no backslash — read without decoding.
    for (const note of ['a\\b\tc\nd "q" \r 𠀀😀 end', '整改 𠀀😀 𝄞 ✓ plain'])
      await runtime.engine.execute(id, { type: 'RECORD_PROGRESS', note, evidence: [] }, officer);
    const both = async (): Promise<Finding[]> => {
      const options = { streamId: id, columns: false, snapshots: false } as const;
      const select = await verifyDatabase(runtime.database, { ...options, mode: 'select' });
      const copy = await verifyDatabase(runtime.database, { ...options, mode: 'copy' });
      expect(copy).toEqual(select);
      const full = await verifyDatabase(runtime.database, { streamId: id, snapshots: false, mode: 'copy' });
      expect(full).toEqual(
        await verifyDatabase(runtime.database, { streamId: id, snapshots: false, mode: 'select' }),
      );
      return copy.findings;
    };
    expect(await both()).toEqual([]);
    // One character replaced (by a letter, a raw tab, a raw newline, a backslash, a non-BMP character) at the
    // start, inside and at the end of the body, the previous hash and the hash: always found at that event.
    for (const sequence of [7, 8]) {
      const [original] = (await runtime.database.dataSource.query(
        'SELECT body, prev_hash, hash FROM events WHERE stream_id = $1 AND sequence = $2',
        [id, sequence],
      )) as Array<{ body: string; prev_hash: string; hash: string }>;
      const edits: Array<[column: 'body' | 'prev_hash' | 'hash', at: number, by: string]> = [];
      const bodyLength = [...original!.body].length;
      for (const at of [1, 2, Math.floor(bodyLength / 2), bodyLength - 1, bodyLength])
        for (const by of ['x', '\t', '\n', '\\', '𠀀']) edits.push(['body', at, by]);
      for (const column of ['prev_hash', 'hash'] as const)
        for (const at of [1, 32, 64]) for (const by of ['f', '\t', '\\']) edits.push([column, at, by]);
      for (const [column, at, by] of edits) {
        const was = [...original![column]][at - 1];
        const replacement = was === by ? 'y' : by;
        await tamper(
          runtime,
          `UPDATE events SET ${column} = overlay(${column} placing $3 from $4 for 1) WHERE stream_id = $1 AND sequence = $2`,
          [id, sequence, replacement, at],
        );
        const findings = await both();
        expect({
          column,
          at,
          by,
          kinds: kinds(findings.filter((f) => 'sequence' in f && f.sequence === sequence)),
        }).toEqual({
          column,
          at,
          by,
          kinds: [column === 'prev_hash' ? 'prev-hash-mismatch' : 'hash-mismatch'],
        });
        await tamper(runtime, `UPDATE events SET ${column} = $3 WHERE stream_id = $1 AND sequence = $2`, [
          id,
          sequence,
          original![column],
        ]);
      }
    }
    expect(await both()).toEqual([]);
  });

  it('an edited payload column: the column no longer says what the hashed body says', async () => {
    const id = await checkpointedItem();
    await tamper(
      runtime,
      `UPDATE events SET payload = jsonb_set(payload, '{note}', '"未培训"') WHERE stream_id = $1 AND sequence = 5`,
      [id],
    );
    const report = await verifyDatabase(runtime.database, { streamId: id });
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual([
      {
        kind: 'column-mismatch',
        streamId: id,
        sequence: 5,
        field: 'payload',
        expected: expect.objectContaining({ note: '已培训 30 人' }),
        found: expect.objectContaining({ note: '未培训' }),
      },
    ]);
  });

  it('an edited body: the hash no longer covers it (and replaying it no longer gives the snapshot)', async () => {
    const id = await checkpointedItem();
    const stored = await hashOf(runtime, id, 5);
    await tamper(
      runtime,
      `UPDATE events SET body = replace(body, '已培训 30 人', '已培训 300 人') WHERE stream_id = $1 AND sequence = 5`,
      [id],
    );
    const [{ body, prev_hash }] = (await runtime.database.dataSource.query(
      'SELECT body, prev_hash FROM events WHERE stream_id = $1 AND sequence = 5',
      [id],
    )) as [{ body: string; prev_hash: string }];
    const report = await verifyDatabase(runtime.database, { streamId: id });
    expect(report.findings[0]).toEqual({
      kind: 'hash-mismatch',
      streamId: id,
      sequence: 5,
      expected: chainHash(prev_hash, body),
      found: stored,
    });
    expect(kinds(report.findings)).toEqual(['hash-mismatch', 'column-mismatch', 'snapshot-mismatch']);
    expect(report.findings[2]).toMatchObject({
      path: '$.context.ledger.progress[0].note',
      expected: '已培训 300 人',
      found: '已培训 30 人',
    });
  });

  it('an edited timestamp', async () => {
    const id = await checkpointedItem();
    const [{ occurred_at }] = (await runtime.database.dataSource.query(
      'SELECT occurred_at FROM events WHERE stream_id = $1 AND sequence = 2',
      [id],
    )) as [{ occurred_at: Date }];
    await tamper(
      runtime,
      `UPDATE events SET occurred_at = occurred_at - interval '3 days' WHERE stream_id = $1 AND sequence = 2`,
      [id],
    );
    const report = await verifyDatabase(runtime.database, { streamId: id });
    const original = new Date(occurred_at).toISOString();
    const backdated = new Date(new Date(occurred_at).getTime() - 3 * 86_400_000).toISOString();
    expect(report.findings).toEqual([
      {
        kind: 'column-mismatch',
        streamId: id,
        sequence: 2,
        field: 'occurredAt',
        expected: original,
        found: backdated,
      },
    ]);
  });

  it('an edited actor', async () => {
    const id = await checkpointedItem();
    await tamper(
      runtime,
      `UPDATE events SET actor_id = 'u-someone-else' WHERE stream_id = $1 AND sequence = 3`,
      [id],
    );
    const report = await verifyDatabase(runtime.database, { streamId: id });
    expect(report.findings).toEqual([
      {
        kind: 'column-mismatch',
        streamId: id,
        sequence: 3,
        field: 'actorId',
        expected: 'u-officer',
        found: 'u-someone-else',
      },
    ]);
    // Chain-only verification does not look at the column copies: the hashed record itself is intact.
    const chainOnly = await verifyDatabase(runtime.database, {
      streamId: id,
      columns: false,
      snapshots: false,
    });
    expect(chainOnly.findings).toEqual([]);
  });

  it('a deleted event: a sequence gap at the next event', async () => {
    const id = await checkpointedItem();
    await tamper(runtime, `DELETE FROM events WHERE stream_id = $1 AND sequence = 5`, [id]);
    const report = await verifyDatabase(runtime.database, { streamId: id });
    expect(report.findings[0]).toEqual({
      kind: 'sequence-gap',
      streamId: id,
      sequence: 6,
      expected: 5,
      found: 6,
    });
    expect(kinds(report.findings)).toEqual(['sequence-gap', 'snapshot-mismatch']);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ kind: 'snapshot-mismatch', streamId: id }),
    );
  });

  it('an inserted event: the event after it no longer links to its predecessor', async () => {
    const id = await checkpointedItem();
    const hash4 = await hashOf(runtime, id, 4);
    const forged = canonicalEventBody({
      streamId: id,
      sequence: 5,
      type: 'RECORD_PROGRESS',
      payload: { note: '伪造的进展', evidence: [], at: '2023-04-10T09:00:00.000Z' },
      actorId: 'u-officer',
      unitId: 'xn-county-hz',
      occurredAt: '2023-04-10T09:00:00.000Z',
      machineVersion: 1,
    });
    // Make room at sequence 5 (two steps: the unique index is checked row by row), then insert a well-formed event.
    await tamper(
      runtime,
      `UPDATE events SET sequence = sequence + 1000 WHERE stream_id = $1 AND sequence >= 5`,
      [id],
    );
    await tamper(
      runtime,
      `UPDATE events SET sequence = sequence - 999 WHERE stream_id = $1 AND sequence > 1000`,
      [id],
    );
    await runtime.database.dataSource.query(
      `INSERT INTO events (stream_id, sequence, type, payload, actor_id, unit_id, occurred_at, recorded_at, machine_version, body, prev_hash, hash)
       VALUES ($1, 5, 'RECORD_PROGRESS', $2, 'u-officer', 'xn-county-hz', $3, $3, 1, $4, $5, $6)`,
      [id, JSON.parse(forged).payload, '2023-04-10T09:00:00.000Z', forged, hash4, chainHash(hash4, forged)],
    );
    const report = await verifyDatabase(runtime.database, { streamId: id });
    expect(report.findings[0]).toEqual({
      kind: 'prev-hash-mismatch',
      streamId: id,
      sequence: 6,
      expected: chainHash(hash4, forged),
      found: hash4,
    });
    expect(report.findings).toContainEqual({
      kind: 'column-mismatch',
      streamId: id,
      sequence: 6,
      field: 'sequence',
      expected: 5,
      found: 6,
    });
    expect(report.findings).toContainEqual(
      expect.objectContaining({ kind: 'checkpoint-head-mismatch', streamId: id, sequence: 6 }),
    );
  });

  it('reordered events: the first moved event does not link to the one before it', async () => {
    const id = await checkpointedItem();
    const [hash4, hash5] = [await hashOf(runtime, id, 4), await hashOf(runtime, id, 5)];
    await tamper(runtime, `UPDATE events SET sequence = 1000 WHERE stream_id = $1 AND sequence = 5`, [id]);
    await tamper(runtime, `UPDATE events SET sequence = 5 WHERE stream_id = $1 AND sequence = 6`, [id]);
    await tamper(runtime, `UPDATE events SET sequence = 6 WHERE stream_id = $1 AND sequence = 1000`, [id]);
    const report = await verifyDatabase(runtime.database, { streamId: id, snapshots: false });
    expect(report.findings[0]).toEqual({
      kind: 'prev-hash-mismatch',
      streamId: id,
      sequence: 5,
      expected: hash4,
      found: hash5,
    });
    expect(report.findings).toContainEqual({
      kind: 'column-mismatch',
      streamId: id,
      sequence: 5,
      field: 'sequence',
      expected: 6,
      found: 5,
    });
  });

  it('a deleted stream: the checkpoint still names it', async () => {
    const id = await checkpointedItem();
    const head = await hashOf(runtime, id, 6);
    await tamper(runtime, `DELETE FROM events WHERE stream_id = $1`, [id]);
    await runtime.database.dataSource.query(`DELETE FROM streams WHERE stream_id = $1`, [id]);
    const scoped = await verifyDatabase(runtime.database, { streamId: id });
    expect(scoped.findings).toEqual([
      {
        kind: 'stream-missing',
        streamId: id,
        checkpointId: expect.any(Number),
        expected: { version: 6, hash: head },
        found: null,
      },
    ]);
    const byCampaign = await verifyDatabase(runtime.database, { campaignId, snapshots: false });
    expect(byCampaign.findings).toContainEqual(
      expect.objectContaining({ kind: 'stream-missing', streamId: id }),
    );
    const everything = await verifyDatabase(runtime.database, { snapshots: false });
    expect(everything.findings).toContainEqual(
      expect.objectContaining({ kind: 'checkpoint-range-mismatch' }),
    );
  });

  it('a chain rewritten with valid hashes is caught by the signed checkpoint', async () => {
    const id = await checkpointedItem();
    const rows = (await runtime.database.dataSource.query(
      'SELECT sequence, body FROM events WHERE stream_id = $1 ORDER BY sequence',
      [id],
    )) as Array<{ sequence: number; body: string }>;
    let previous = '0'.repeat(64);
    for (const row of rows) {
      const body = row.body.replace('已整改 12 处', '已整改 120 处');
      const hash = chainHash(previous, body);
      await tamper(
        runtime,
        'UPDATE events SET body = $3, prev_hash = $4, hash = $5 WHERE stream_id = $1 AND sequence = $2',
        [id, row.sequence, body, previous, hash],
      );
      previous = hash;
    }
    await runtime.database.dataSource.query(`UPDATE streams SET last_hash = $2 WHERE stream_id = $1`, [
      id,
      previous,
    ]);
    const report = await verifyDatabase(runtime.database, { streamId: id, snapshots: false });
    expect(report.findings).toEqual([
      {
        kind: 'column-mismatch',
        streamId: id,
        sequence: 6,
        field: 'payload',
        expected: expect.objectContaining({ note: '已整改 120 处' }),
        found: expect.objectContaining({ note: '已整改 12 处' }),
      },
      {
        kind: 'checkpoint-head-mismatch',
        streamId: id,
        sequence: 6,
        checkpointId: expect.any(Number),
        expected: expect.any(String),
        found: previous,
      },
    ]);
  });

  it('an edited snapshot no longer matches a replay of its events', async () => {
    const id = await checkpointedItem();
    await runtime.database.dataSource.query(
      `UPDATE streams SET snapshot = jsonb_set(snapshot, '{context,ledger,responsiblePerson}', '"李四"') WHERE stream_id = $1`,
      [id],
    );
    const report = await verifyDatabase(runtime.database, { streamId: id });
    expect(report.findings).toEqual([
      {
        kind: 'snapshot-mismatch',
        streamId: id,
        path: '$.context.ledger.responsiblePerson',
        expected: '张三',
        found: '李四',
      },
    ]);
  });

  it('checkpoints signed by a key other than the pinned one are refused', async () => {
    const id = await checkpointedItem();
    const other = generateSigningKey();
    const report = await verifyDatabase(runtime.database, {
      streamId: id,
      snapshots: false,
      pinnedKeyId: other.keyId,
    });
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings[0]).toEqual({
      kind: 'checkpoint-invalid',
      checkpointId: 1,
      reason: `signed by key ${key.keyId}, not the trusted key ${other.keyId}`,
    });
  });
});
