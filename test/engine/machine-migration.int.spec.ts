import { Command } from 'commander';
import { checkSnapshots } from '../../src/audit/replay-check';
import { verifyDatabase } from '../../src/audit/verify';
import { migrateStreams, planMigration } from '../../src/engine/migration';
import { replayEvents } from '../../src/engine/replay';
import { registerMachineCommands } from '../../src/cli/machine-commands';
import { campaignInput, clueInput, createTestRuntime, officer, supervisor } from '../support/fixtures';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

let runtime: TestRuntime;
let campaignId: string;
const at = (s: string) => s;
const assign = {
  type: 'ASSIGN_VERIFICATION',
  unitId: 'xn-county-hz',
  officerId: 'u-officer',
  deadline: '2023-05-01T00:00:00.000Z',
};
const confirm = {
  type: 'CONFIRM',
  category: 'non_standard',
  severity: 'general',
  findings: '查实',
  checklistItem: 2,
};
const rectify = {
  type: 'START_RECTIFICATION',
  manifestation: '随意拦车',
  measures: '开展培训',
  responsibleUnitId: 'xn-county-hz',
  responsiblePerson: '张三',
  deadline: '2023-08-01T00:00:00.000Z',
};
const submit = { type: 'SUBMIT_FOR_ACCEPTANCE', result: '已整改', evidence: ['照片.jpg'] };
const propose = { type: 'PROPOSE_DISMISSAL', reason: '不属实', handlerId: 'u-officer' };

/** The events that lead a fresh item to each of the eleven states. */
const paths: Record<string, Array<Record<string, unknown> & { type: string }>> = {
  registered: [],
  verifying: [assign],
  dismissalPending: [assign, propose],
  dismissed: [
    assign,
    propose,
    { type: 'APPROVE_DISMISSAL', principalId: 'u-principal', principalOfUnitId: 'xn-county-hz' },
  ],
  transferred: [{ type: 'TRANSFER', to: '公安机关', reason: '不属本部门职责' }],
  confirmed: [assign, confirm],
  rectifying: [assign, confirm, rectify],
  awaitingAcceptance: [assign, confirm, rectify, submit],
  closed: [assign, confirm, rectify, submit, { type: 'ACCEPT' }],
  lookBack: [assign, confirm, rectify, submit, { type: 'ACCEPT' }, { type: 'START_LOOK_BACK' }],
  reopened: [
    assign,
    confirm,
    rectify,
    submit,
    { type: 'ACCEPT' },
    { type: 'START_LOOK_BACK' },
    { type: 'REBOUND', note: '反弹' },
  ],
};
const items: Record<string, string> = {};

beforeAll(async () => {
  runtime = await createTestRuntime();
  campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
  for (const [state, events] of Object.entries(paths)) {
    const id = (await runtime.engine.create('item', clueInput(campaignId), officer, { machineVersion: 1 }))
      .streamId;
    for (const e of events) await runtime.engine.execute(id, e, e.type === 'ACCEPT' ? supervisor : officer);
    expect((await runtime.store.loadStream(id))!.state).toBe(state);
    items[state] = id;
  }
  void at;
});
afterAll(() => runtime.database.close());

async function zz(...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const program = new Command('zhengzhi').exitOverride();
  registerMachineCommands(program, {
    openDatabase: async () => ({ ...runtime.database, close: async () => undefined }),
    clock: runtime.clock,
    out: (line) => lines.push(line),
  });
  await program.parseAsync(['node', 'zhengzhi', ...args]);
  return lines;
}

describe('machine versions and live migration on ' + (process.env.ZZ_TEST_DB ?? 'postgres'), () => {
  it('new items start on version 3; an item still on version 1 keeps working', async () => {
    const fresh = await runtime.engine.create('item', clueInput(campaignId), officer);
    expect(fresh.event.machineVersion).toBe(3);
    const old = (await runtime.engine.create('item', clueInput(campaignId), officer, { machineVersion: 1 }))
      .streamId;
    const next = await runtime.engine.execute(old, assign, officer);
    expect(next.event.machineVersion).toBe(1);
    await expect(
      runtime.engine.execute(
        old,
        {
          type: 'REQUEST_CORRECTION',
          corrects: 2,
          targetState: 'registered',
          reason: 'x',
          requestedBy: 'u-officer',
        },
        officer,
      ),
    ).rejects.toThrow(/does not accept REQUEST_CORRECTION/);
  });

  it('machines list, and a dry run reporting counts per state and what cannot be mapped; nothing changes', async () => {
    const list = await zz('machines', 'list');
    expect(list).toContainEqual(expect.stringMatching(/^item +v1 +\d+ streams, +\d+ live$/));
    expect(list).toContainEqual(expect.stringMatching(/^item +v2 +\d+ streams/));
    expect(list).toContainEqual(expect.stringMatching(/^item +v3 \(new streams\) +\d+ streams/));
    const before = await runtime.database.dataSource.query('SELECT count(*)::int AS n FROM events');
    const dry = await zz('machines', 'migrate', '--stream-type', 'item', '--to', '2', '--dry-run');
    expect(dry[0]).toBe(
      'dry run: item streams to version 2 (mapping item-v1-to-v2; context unchanged, plus corrections: [] and pendingCorrection: null)',
    );
    expect(dry).toContainEqual(
      expect.stringMatching(/^ {2}v1 dismissed +1 {2}cannot be migrated: final state \(已查否\)/),
    );
    expect(dry).toContainEqual(expect.stringMatching(/^ {2}v1 closed +1 {2}→ closed$/));
    expect(await runtime.database.dataSource.query('SELECT count(*)::int AS n FROM events')).toEqual(before);
    const plan = await planMigration(runtime.store, 'item', 2);
    expect(plan.unmappable).toBe(2);
    await expect(zz('machines', 'migrate', '--stream-type', 'item', '--to', '4')).rejects.toThrow(
      'item machine version 4 is not installed (installed: 1, 2, 3)',
    );
  });

  it('migrates items in every mappable state; replay crosses the version change exactly; verify passes', async () => {
    const report = await migrateStreams(
      runtime.store,
      runtime.clock,
      { userId: 'u-supervisor', unitId: 'xn-city' },
      {
        streamType: 'item',
        toVersion: 2,
        batchSize: 3,
      },
    );
    expect(report.migrated).toBe(report.migratable);
    expect(report.migrated).toBeGreaterThanOrEqual(9);
    for (const [state, id] of Object.entries(items)) {
      const stream = (await runtime.store.loadStream(id))!;
      const events = await runtime.store.readStream(id);
      if (state === 'dismissed' || state === 'transferred') {
        expect(stream.machineVersion).toBe(1);
        continue;
      }
      expect(stream.machineVersion).toBe(2);
      expect(stream.state).toBe(state);
      const last = events[events.length - 1]!;
      expect(last).toMatchObject({
        type: 'MIGRATED',
        machineVersion: 2,
        payload: expect.objectContaining({ fromVersion: 1, toVersion: 2, fromState: state, toState: state }),
      });
      expect(events.slice(0, -1).every((e) => e.machineVersion === 1)).toBe(true);
      expect(replayEvents('item', events)).toEqual(stream.snapshot);
      expect(stream.snapshot.context).toMatchObject({ corrections: [], pendingCorrection: null });
    }
    // A migrated item runs on version 2: it can now be corrected.
    const rectifying = items.rectifying!;
    const next = await runtime.engine.execute(
      rectifying,
      { type: 'RECORD_PROGRESS', note: '迁移后继续整改' },
      officer,
    );
    expect(next.event.machineVersion).toBe(2);
    expect((await checkSnapshots(runtime.database)).findings).toEqual([]);
    expect((await verifyDatabase(runtime.database, {})).findings).toEqual([]);
    // A second run finds nothing left to migrate.
    const again = await migrateStreams(
      runtime.store,
      runtime.clock,
      { userId: 'u-supervisor', unitId: 'xn-city' },
      { streamType: 'item', toVersion: 2 },
    );
    expect(again.migrated).toBe(0);
  });

  it('version 3: every item migrates, 已查否 and 已移送 included; a wrong 查否 is then corrected; replay and verify pass', async () => {
    const plan = await planMigration(runtime.store, 'item', 3);
    expect(plan.unmappable).toBe(0);
    expect(plan.lines).toContainEqual(
      expect.objectContaining({ fromVersion: 1, state: 'dismissed', count: 1, mapsTo: 'dismissed' }),
    );
    expect(plan.lines).toContainEqual(
      expect.objectContaining({ fromVersion: 2, state: 'closed', count: 1, mapsTo: 'closed' }),
    );
    const report = await migrateStreams(
      runtime.store,
      runtime.clock,
      { userId: 'u-supervisor', unitId: 'xn-city' },
      { streamType: 'item', toVersion: 3, batchSize: 4 },
    );
    expect(report.migrated).toBe(plan.migratable);
    for (const [state, id] of Object.entries(items)) {
      const stream = (await runtime.store.loadStream(id))!;
      const events = await runtime.store.readStream(id);
      expect([state, stream.machineVersion, stream.state, stream.snapshot.status]).toEqual([
        state,
        3,
        state,
        'active',
      ]);
      const concluded = state === 'dismissed' || state === 'transferred';
      expect(events.at(-1)!.payload).toMatchObject({
        fromVersion: concluded ? 1 : 2,
        toVersion: 3,
        migration: concluded ? 'item-v1-to-v3' : 'item-v2-to-v3',
      });
      // Replay crosses every version change of the stream (1 → 3, or 1 → 2 → 3) exactly.
      expect(replayEvents('item', events)).toEqual(stream.snapshot);
    }
    // Concluded: only a correction. A complaint about a dismissed item is refused with what it accepts.
    await expect(
      runtime.engine.execute(
        items.dismissed!,
        { type: 'RECORD_COMPLAINT', receivedAt: '2023-04-20T00:00:00.000Z' },
        officer,
      ),
    ).rejects.toThrow(
      /^this item is concluded \(dismissed\) and accepts only a correction \(REQUEST_CORRECTION, .*\), not RECORD_COMPLAINT$/,
    );
    await runtime.directory.createUser(
      {
        id: 'u-supervisor',
        username: 'supervisor',
        displayName: '督导',
        role: 'supervisor',
        unitId: 'xn-city',
      },
      new Date(),
    );
    // The 查否 (event 4, APPROVE_DISMISSAL) was wrong: back to verification, after a second person approves.
    await runtime.engine.execute(
      items.dismissed!,
      {
        type: 'REQUEST_CORRECTION',
        corrects: 4,
        targetState: 'verifying',
        reason: '查否依据不足：群众提供了新证据',
        requestedBy: 'u-officer',
      },
      officer,
    );
    const approved = await runtime.engine.execute(
      items.dismissed!,
      { type: 'APPROVE_CORRECTION', approvedBy: 'u-supervisor' },
      supervisor,
    );
    expect(approved.state).toBe('verifying');
    expect(approved.event.payload).toMatchObject({ fromState: 'dismissed', targetState: 'verifying' });
    const context = approved.snapshot.context as Record<string, unknown>;
    expect(context.dismissal).toBeNull();
    expect(context.corrections).toEqual([
      expect.objectContaining({ corrects: 4, correctsType: 'APPROVE_DISMISSAL', outcome: 'approved' }),
    ]);
    // A wrong 移送 likewise, back to registered.
    await runtime.engine.execute(
      items.transferred!,
      {
        type: 'REQUEST_CORRECTION',
        corrects: 2,
        targetState: 'registered',
        reason: '属本部门职责，误移送',
        requestedBy: 'u-officer',
      },
      officer,
    );
    const back = await runtime.engine.execute(
      items.transferred!,
      { type: 'APPROVE_CORRECTION', approvedBy: 'u-supervisor' },
      supervisor,
    );
    expect([back.state, (back.snapshot.context as Record<string, unknown>).transfer]).toEqual([
      'registered',
      null,
    ]);
    await runtime.engine.execute(items.transferred!, assign, officer);
    expect((await checkSnapshots(runtime.database)).findings).toEqual([]);
    expect((await verifyDatabase(runtime.database, {})).findings).toEqual([]);
    const list = await zz('machines', 'list');
    expect(list).toContainEqual(expect.stringMatching(/^item +v1 +0 streams/));
  });
});
