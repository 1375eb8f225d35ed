import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportCampaign } from '../../src/audit/export';
import type { SigningKey } from '../../src/audit/keys';
import { verifyExportFile } from '../../src/audit/verify-export';
import { chainHash } from '../../src/persistence/event-hash';
import { campaignInput, createTestRuntime, supervisor } from '../support/fixtures';
import { generateSigningKey, itemWithProgress } from './support';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

let runtime: TestRuntime;
let key: SigningKey;
let campaignId: string;
let items: string[];
let file: string;
let lines: string[];
const dir = mkdtempSync(join(tmpdir(), 'zz-export-'));

beforeAll(async () => {
  runtime = await createTestRuntime();
  key = generateSigningKey();
  campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
  const other = (
    await runtime.engine.create('campaign', { ...campaignInput, name: '另一个行动' }, supervisor)
  ).streamId;
  items = [await itemWithProgress(runtime, campaignId), await itemWithProgress(runtime, campaignId)];
  await itemWithProgress(runtime, other);
  file = join(dir, 'campaign.jsonl');
  await exportCampaign(runtime.database, campaignId, file, {
    clock: runtime.clock,
    exportedBy: 'u-auditor',
    key,
  });
  lines = readFileSync(file, 'utf8').trimEnd().split('\n');
});
afterAll(() => runtime.database.close());

/** Writes a modified copy of the export and verifies it offline. */
async function verifyVariant(name: string, edit: (lines: string[]) => string[], pinnedKeyId?: string) {
  const path = join(dir, `${name}.jsonl`);
  writeFileSync(path, edit([...lines]).join('\n') + '\n');
  return verifyExportFile(path, { pinnedKeyId });
}

/** The finding for a header count that no longer matches the lines of the file. */
const miscounted = (field: 'streams' | 'events', expected: number, found: number) => ({
  kind: 'export-header-invalid',
  field,
  expected,
  found,
  reason: `the header does not count the ${field === 'streams' ? 'stream' : 'event'} lines in the file`,
});

const eventLine = (streamId: string, sequence: number): number =>
  lines.findIndex((l) => {
    const o = JSON.parse(l) as { kind: string; streamId?: string; sequence?: number };
    return o.kind === 'event' && o.streamId === streamId && o.sequence === sequence;
  });

describe('export on ' + (process.env.ZZ_TEST_DB ?? 'postgres'), () => {
  it('holds a header, the campaign and its items with their chains, and a signed checkpoint', () => {
    const kinds = lines.map((l) => (JSON.parse(l) as { kind: string }).kind);
    expect(kinds[0]).toBe('header');
    expect(kinds[kinds.length - 1]).toBe('checkpoint');
    expect(kinds.filter((k) => k === 'stream')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'event')).toHaveLength(13);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      format: 'zhengzhi-audit-export',
      formatVersion: 2,
      campaignId,
      streams: 3,
      events: 13,
      exportedBy: 'u-auditor',
    });
    const checkpoint = JSON.parse(lines[lines.length - 1]!) as {
      heads: Array<{ campaignId: string }>;
      keyId: string;
      campaignDigests: Record<string, string>;
    };
    expect(checkpoint.keyId).toBe(key.keyId);
    expect(checkpoint.heads.every((h) => h.campaignId === campaignId)).toBe(true);
    expect(Object.keys(checkpoint.campaignDigests)).toHaveLength(2);
  });

  it('verifies offline: every chain, the signature and the heads', async () => {
    const report = await verifyExportFile(file, { pinnedKeyId: key.keyId });
    expect(report).toMatchObject({
      ok: true,
      findings: [],
      campaignId,
      streamsChecked: 3,
      eventsChecked: 13,
      eventsNotCovered: 0,
    });
    expect(report.checkpoint).toMatchObject({ keyId: key.keyId });
  });

  it('an edited line: the hash no longer covers the body, at that line', async () => {
    const at = eventLine(items[0]!, 5);
    const original = JSON.parse(lines[at]!) as { body: string; prevHash: string; hash: string };
    const report = await verifyVariant('edited', (ls) => {
      ls[at] = ls[at]!.replace('已培训 30 人', '已培训 300 人');
      return ls;
    });
    const edited = original.body.replace('已培训 30 人', '已培训 300 人');
    expect(report.findings).toEqual([
      {
        kind: 'hash-mismatch',
        streamId: items[0],
        sequence: 5,
        line: at + 1,
        expected: chainHash(original.prevHash, edited),
        found: original.hash,
      },
    ]);
  });

  it('a deleted line: a sequence gap', async () => {
    const at = eventLine(items[1]!, 3);
    const report = await verifyVariant('deleted', (ls) => ls.filter((_, i) => i !== at));
    expect(report.findings).toEqual([
      { kind: 'sequence-gap', streamId: items[1], sequence: 4, line: at + 1, expected: 3, found: 4 },
      miscounted('events', 12, 13),
    ]);
  });

  it('a deleted last line of a stream: the signed head is missing', async () => {
    const at = eventLine(items[1]!, 6);
    const report = await verifyVariant('truncated', (ls) => ls.filter((_, i) => i !== at));
    expect(report.findings).toEqual([
      { kind: 'head-mismatch', streamId: items[1], field: 'version', expected: 5, found: 6 },
      miscounted('events', 12, 13),
      {
        kind: 'checkpoint-head-mismatch',
        streamId: items[1],
        sequence: 6,
        checkpointId: 1,
        expected: expect.any(String),
        found: null,
      },
    ]);
  });

  it('reordered lines: the chain breaks where the order does', async () => {
    const at = eventLine(items[0]!, 3);
    const report = await verifyVariant('reordered', (ls) => {
      [ls[at], ls[at + 1]] = [ls[at + 1]!, ls[at]!];
      return ls;
    });
    expect(report.findings[0]).toEqual({
      kind: 'sequence-gap',
      streamId: items[0],
      sequence: 4,
      line: at + 1,
      expected: 3,
      found: 4,
    });
  });

  it('a whole stream removed: the checkpoint names it', async () => {
    const report = await verifyVariant('stream-removed', (ls) =>
      ls.filter((l) => l.startsWith('{"kind":"checkpoint"') || !l.includes(`"streamId":"${items[0]}"`)),
    );
    expect(report.findings).toEqual([
      miscounted('streams', 2, 3),
      miscounted('events', 7, 13),
      {
        kind: 'stream-missing',
        streamId: items[0],
        checkpointId: 1,
        expected: { version: 6, hash: expect.any(String) },
        found: null,
      },
    ]);
  });

  it("a stream's head removed from the checkpoint too: the campaign digest no longer matches the signed one", async () => {
    const last = lines.length - 1;
    const report = await verifyVariant('head-removed', (ls) => {
      const c = JSON.parse(ls[last]!) as { heads: Array<{ streamId: string }> };
      c.heads = c.heads.filter((h) => h.streamId !== items[0]);
      ls[last] = JSON.stringify(c);
      return ls.filter((l, i) => i === last || !l.includes(`"streamId":"${items[0]}"`));
    });
    expect(report.findings).toEqual([
      miscounted('streams', 2, 3),
      miscounted('events', 7, 13),
      {
        kind: 'checkpoint-invalid',
        checkpointId: 1,
        reason: expect.stringMatching(
          /^the campaign's heads in the file do not digest to the signed campaign digest/,
        ),
      },
    ]);
  });

  it('a forged checkpoint signature, an unpinned key and a broken line are reported', async () => {
    const last = lines.length - 1;
    const forged = await verifyVariant('forged', (ls) => {
      const c = JSON.parse(ls[last]!) as { signature: string };
      c.signature = Buffer.alloc(64, 7).toString('base64');
      ls[last] = JSON.stringify(c);
      return ls;
    });
    expect(forged.findings).toEqual([
      {
        kind: 'checkpoint-invalid',
        checkpointId: 1,
        reason: 'the signature does not verify with the recorded public key',
      },
    ]);
    const other = generateSigningKey();
    const unpinned = await verifyExportFile(file, { pinnedKeyId: other.keyId });
    expect(unpinned.findings).toEqual([
      {
        kind: 'export-header-invalid',
        field: 'keyId',
        expected: other.keyId,
        found: key.keyId,
        reason: 'the header is not signed by the trusted key',
      },
      {
        kind: 'checkpoint-invalid',
        checkpointId: 1,
        reason: `signed by key ${key.keyId}, not the trusted key ${other.keyId}`,
      },
    ]);
    const broken = await verifyVariant('broken', (ls) => {
      ls.splice(2, 0, '{"kind": "event", oops');
      return ls;
    });
    expect(broken.findings).toEqual([
      { kind: 'export-malformed', line: 3, message: expect.stringMatching(/^not JSON: /) },
    ]);
  });
});
