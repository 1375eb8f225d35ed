import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleReader, readerForUser, type AuditReader } from '../../src/audit/access';
import { AuditService } from '../../src/audit/service';
import { campaignInput, clueInput, createTestRuntime, officer, supervisor, T0 } from '../support/fixtures';
import { generateSigningKey, itemWithProgress } from './support';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

let runtime: TestRuntime;
let service: AuditService;
let auditor: AuditReader;
let campaignId: string;
let hzItem: string;
let dtItem: string;

beforeAll(async () => {
  runtime = await createTestRuntime();
  await runtime.directory.createUser(
    {
      id: 'u-audit-hz',
      username: 'audit-hz',
      displayName: '湟中纪检',
      role: 'auditor',
      unitId: 'xn-county-hz',
    },
    new Date(T0),
  );
  await runtime.directory.createUser(
    {
      id: 'u-officer-hz',
      username: 'officer-hz',
      displayName: '执法员',
      role: 'officer',
      unitId: 'xn-county-hz',
    },
    new Date(T0),
  );
  campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
  hzItem = await itemWithProgress(runtime, campaignId);
  dtItem = (
    await runtime.engine.create('item', { ...clueInput(campaignId), reportedUnitId: 'xn-county-dt' }, officer)
  ).streamId;
  service = new AuditService(runtime.database, runtime.clock, { key: generateSigningKey() });
  auditor = await readerForUser(runtime.database, 'u-audit-hz');
});
afterAll(() => runtime.database.close());

async function historyDigest(): Promise<string> {
  const [row] = (await runtime.database.dataSource.query(
    `SELECT md5(coalesce((SELECT string_agg(hash || payload::text, ',' ORDER BY global_position) FROM events), '') ||
                coalesce((SELECT string_agg(stream_id || version || snapshot::text, ',' ORDER BY stream_id) FROM streams), '')) AS d`,
  )) as [{ d: string }];
  return row.d;
}

describe('auditor access on ' + (process.env.ZZ_TEST_DB ?? 'postgres'), () => {
  it('an auditor reads history in their unit subtree; every read is logged; nothing changes', async () => {
    const before = await historyDigest();
    runtime.clock.set('2023-06-01T00:00:00.000Z');
    expect((await service.timeline(auditor, hzItem)).entries).toHaveLength(6);
    expect((await service.stateAt(auditor, hzItem, { toSequence: 2 })).state!.value).toBe('verifying');
    expect((await service.verify(auditor, { streamId: hzItem })).ok).toBe(true);
    expect((await service.explain(auditor, hzItem)).state).toBe('rectifying');
    expect((await service.replayCheck(auditor, { streamId: hzItem })).findings).toEqual([]);
    expect(await historyDigest()).toBe(before);
    const reads = await service.reads(auditor);
    expect(reads.map((r) => [r.readerId, r.readerUnitId, r.action, r.subject, r.at])).toEqual([
      ['u-audit-hz', 'xn-county-hz', 'replay-check', hzItem, '2023-06-01T00:00:00.000Z'],
      ['u-audit-hz', 'xn-county-hz', 'explain', hzItem, '2023-06-01T00:00:00.000Z'],
      ['u-audit-hz', 'xn-county-hz', 'verify', hzItem, '2023-06-01T00:00:00.000Z'],
      ['u-audit-hz', 'xn-county-hz', 'state-at', hzItem, '2023-06-01T00:00:00.000Z'],
      ['u-audit-hz', 'xn-county-hz', 'timeline', hzItem, '2023-06-01T00:00:00.000Z'],
    ]);
    expect(reads[3]!.details).toEqual({ toSequence: 2 });
  });

  it('outside the subtree is refused, and the refusal is logged too', async () => {
    await expect(service.timeline(auditor, dtItem)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: `stream ${dtItem} belongs to a unit outside u-audit-hz's unit subtree`,
    });
    await expect(
      service.exportCampaign(auditor, campaignId, join(tmpdir(), 'never.jsonl')),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(service.verify(auditor)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'verifying the whole log covers every unit; u-audit-hz may only read their own unit subtree',
    });
    const [latest] = await service.reads(auditor, { limit: 1 });
    expect(latest).toMatchObject({
      action: 'verify',
      subject: '*',
      details: { refused: expect.stringMatching(/covers every unit/) },
    });
    await expect(service.checkpoint(auditor)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('unknown streams are not found; officers are not auditors', async () => {
    await expect(service.timeline(auditor, 'item-nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(readerForUser(runtime.database, 'u-officer-hz')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('the console operator exports a campaign; the export and the checkpoint are logged and signed', async () => {
    const operator = consoleReader('ops');
    const file = join(mkdtempSync(join(tmpdir(), 'zz-access-')), 'c.jsonl');
    const summary = await service.exportCampaign(operator, campaignId, file);
    expect(summary).toMatchObject({ streams: 3, checkpointId: 1 });
    const [latest] = await service.reads(operator, { readerId: 'cli:ops' });
    expect(latest).toMatchObject({
      readerId: 'cli:ops',
      action: 'export',
      subject: campaignId,
      details: { file },
    });
    expect((await service.verify(operator)).findings).toEqual([]);
  });

  it('the access log itself is append-only', async () => {
    await expect(runtime.database.dataSource.query(`DELETE FROM audit_reads`)).rejects.toThrow(
      /audit_reads is append-only/,
    );
  });
});
