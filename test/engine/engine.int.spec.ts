import { replayEvents } from '../../src/engine/replay';
import { CommandRejectedError, VersionConflictError } from '../../src/shared/errors';
import {
  campaignInput,
  clueInput,
  createTestRuntime,
  itemInRectification,
  officer,
  supervisor,
} from '../support/fixtures';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

let runtime: TestRuntime;
let campaignId: string;

beforeAll(async () => {
  runtime = await createTestRuntime();
  campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
});
afterAll(() => runtime.database.close());

async function tableCounts(): Promise<{ events: number; streams: number; digest: string }> {
  const [row] = (await runtime.database.dataSource.query(
    `SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM streams) AS streams,
            (SELECT md5(string_agg(stream_id || ':' || version || ':' || snapshot::text, ',' ORDER BY stream_id)) FROM streams) AS digest`,
  )) as Array<{ events: string; streams: string; digest: string }>;
  return { events: Number(row!.events), streams: Number(row!.streams), digest: row!.digest };
}

describe('engine on ' + (process.env.ZZ_TEST_DB ?? 'postgres'), () => {
  it('creates a campaign stream with its creation event and machine version', async () => {
    const stream = await runtime.store.loadStream(campaignId);
    expect(stream).toMatchObject({
      streamType: 'campaign',
      version: 1,
      state: 'mobilize',
      machineVersion: 1,
      unitId: 'xn-city',
      unitPath: '/xn-city/',
    });
    const events = await runtime.store.readStream(campaignId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      sequence: 1,
      type: 'CREATE',
      actorId: 'u-supervisor',
      unitId: 'xn-city',
      machineVersion: 1,
    });
  });

  it('walks an item to rectifying, recording every event with actor, unit, time and version', async () => {
    const id = await itemInRectification(runtime, campaignId);
    const stream = await runtime.store.loadStream(id);
    expect(stream).toMatchObject({
      state: 'rectifying',
      version: 4,
      category: 'non_standard',
      campaignId,
      unitPath: '/xn-city/xn-county-hz/',
    });
    expect(stream!.deadline).toBe('2023-08-01T00:00:00.000Z');
    const events = await runtime.store.readStream(id);
    expect(events.map((e) => [e.sequence, e.type])).toEqual([
      [1, 'REGISTER'],
      [2, 'ASSIGN_VERIFICATION'],
      [3, 'CONFIRM'],
      [4, 'START_RECTIFICATION'],
    ]);
    expect(events.every((e, i) => i === 0 || e.prevHash === events[i - 1]!.hash)).toBe(true);
  });

  it('replaying the stored events reproduces the stored snapshot exactly', async () => {
    const id = await itemInRectification(runtime, campaignId);
    await runtime.engine.execute(
      id,
      { type: 'RECORD_PROGRESS', note: '已培训 30 人', evidence: ['培训签到表.pdf'] },
      officer,
    );
    await runtime.engine.execute(
      id,
      { type: 'SUBMIT_FOR_ACCEPTANCE', result: '完成', evidence: ['验收材料.pdf'] },
      officer,
    );
    await runtime.engine.execute(id, { type: 'REJECT', reason: '证据不足' }, supervisor);
    const stored = await runtime.store.loadStream(id);
    const replayed = replayEvents('item', await runtime.store.readStream(id));
    expect(replayed).toEqual(stored!.snapshot);
    expect(JSON.parse(JSON.stringify(replayed))).toEqual(stored!.snapshot);
  });

  it('refuses an event the state does not accept, says which it accepts, and changes nothing', async () => {
    const id = (await runtime.engine.create('item', clueInput(campaignId), officer)).streamId;
    const before = await tableCounts();
    const error = await runtime.engine.execute(id, { type: 'ACCEPT' }, supervisor).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandRejectedError);
    expect((error as CommandRejectedError).code).toBe('EVENT_NOT_ACCEPTED');
    expect((error as CommandRejectedError).details.acceptedEvents).toEqual(
      expect.arrayContaining(['ASSIGN_VERIFICATION', 'TRANSFER']),
    );
    expect(await tableCounts()).toEqual(before);
  });

  it('refuses a guard failure with the reason, and changes nothing', async () => {
    const id = (await runtime.engine.create('item', clueInput(campaignId), officer)).streamId;
    await runtime.engine.execute(
      id,
      {
        type: 'ASSIGN_VERIFICATION',
        unitId: 'xn-county-hz',
        officerId: 'u-officer',
        deadline: '2023-05-01T00:00:00.000Z',
      },
      officer,
    );
    const before = await tableCounts();
    await expect(
      runtime.engine.execute(
        id,
        { type: 'CONFIRM', category: 'no_such', severity: 'general', findings: 'x' },
        officer,
      ),
    ).rejects.toThrow(/category no_such is not one of this campaign's categories/);
    await expect(
      runtime.engine.execute(
        id,
        { type: 'CONFIRM', category: 'rough', severity: 'huge', findings: 'x' },
        officer,
      ),
    ).rejects.toThrow(/severity must be one of minor, general, serious/);
    await expect(
      runtime.engine.execute(
        id,
        { type: 'CONFIRM', category: 'rough', severity: 'minor', findings: 'x', checklistItem: 99 },
        officer,
      ),
    ).rejects.toThrow(/checklist item 99 is not on this campaign's checklist/);
    expect(await tableCounts()).toEqual(before);
  });

  it('refuses invalid creation input and an unknown campaign without writing', async () => {
    const before = await tableCounts();
    await expect(
      runtime.engine.create('item', { ...clueInput(campaignId), source: 'rumour' }, officer),
    ).rejects.toThrow(/source must be one of/);
    await expect(runtime.engine.create('item', clueInput('campaign-nope'), officer)).rejects.toThrow(
      /campaign campaign-nope does not exist/,
    );
    expect(await tableCounts()).toEqual(before);
  });

  it('an explicit expected version that is stale is a conflict with the current version', async () => {
    const id = (await runtime.engine.create('item', clueInput(campaignId), officer)).streamId;
    await runtime.engine.execute(id, { type: 'ADD_TAG', tag: '负面舆情' }, officer, { expectedVersion: 1 });
    const error = await runtime.engine
      .execute(id, { type: 'ADD_TAG', tag: '高频投诉' }, officer, { expectedVersion: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect((error as VersionConflictError).currentVersion).toBe(2);
  });

  it('50 concurrent commands on one item: contiguous sequence numbers, none lost or duplicated', async () => {
    const id = await itemInRectification(runtime, campaignId);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        runtime.engine.execute(id, { type: 'RECORD_PROGRESS', note: `进展 ${i}` }, officer),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const events = await runtime.store.readStream(id);
    expect(events.map((e) => e.sequence)).toEqual(Array.from({ length: 54 }, (_, i) => i + 1));
    const notes = events.filter((e) => e.type === 'RECORD_PROGRESS').map((e) => e.payload.note);
    expect(new Set(notes).size).toBe(50);
    const stream = await runtime.store.loadStream(id);
    expect(stream!.version).toBe(54);
    expect((stream!.snapshot.context as { ledger: { progress: unknown[] } }).ledger.progress).toHaveLength(
      50,
    );
  });

  it('50 concurrent pinned commands on one item: exactly one wins, the rest conflict', async () => {
    const id = await itemInRectification(runtime, campaignId);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        runtime.engine.execute(id, { type: 'RECORD_PROGRESS', note: `进展 ${i}` }, officer, {
          expectedVersion: 4,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failures.every((f) => f.reason instanceof VersionConflictError)).toBe(true);
    expect((await runtime.store.readStream(id)).map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
  });

  it('events are append-only: the database refuses UPDATE and DELETE', async () => {
    await expect(
      runtime.database.dataSource.query(`UPDATE events SET type = 'X' WHERE sequence = 1`),
    ).rejects.toThrow(/append-only/);
    await expect(runtime.database.dataSource.query(`DELETE FROM events`)).rejects.toThrow(/append-only/);
  });

  it('the rectify phase cannot close while confirmed items are unresolved, and can once they are long-term', async () => {
    const campaign = (
      await runtime.engine.create('campaign', { ...campaignInput, obligations: [] }, supervisor)
    ).streamId;
    const item = await itemInRectification(runtime, campaign);
    await runtime.engine.execute(campaign, { type: 'ADVANCE_PHASE' }, supervisor);
    await runtime.engine.execute(campaign, { type: 'ADVANCE_PHASE' }, supervisor);
    await expect(runtime.engine.execute(campaign, { type: 'ADVANCE_PHASE' }, supervisor)).rejects.toThrow(
      /1 confirmed item\(s\) are neither closed nor carried/,
    );
    await runtime.engine.execute(
      item,
      { type: 'MARK_LONG_TERM', currentResult: '阶段成果', longTermMeasures: '长效机制' },
      officer,
    );
    const advanced = await runtime.engine.execute(campaign, { type: 'ADVANCE_PHASE' }, supervisor);
    expect(advanced.state).toBe('summarize');
    expect(advanced.event.payload.unresolvedItems).toBe(0);
    await runtime.engine.execute(campaign, { type: 'ADVANCE_PHASE' }, supervisor);
    await expect(runtime.engine.execute(campaign, { type: 'FINISH' }, supervisor)).rejects.toThrow(
      /1 long-term item/,
    );
    expect(replayEvents('campaign', await runtime.store.readStream(campaign))).toEqual(
      (await runtime.store.loadStream(campaign))!.snapshot,
    );
  });
});
